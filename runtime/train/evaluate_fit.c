/* evaluate_fit.c - a regression network's fit (MAE, RMSE, R²) and mean loss over a data
 * set with real-valued targets, in batches, split between the processes of a run; and
 * a set's figures as the network's kind asks (fit or accuracy), in numbers and words. */
#include <math.h>
#include <stdio.h>

#include "model/regress.h"
#include "train/evaluate.h"

static void add_fit(void *ctx, const netc_batch *b, int first, int n)
{
    (void)first;
    netc_fit_sums_add(ctx, b->out, b->y, n);
}

int netc_evaluate_fit(netc_engine *e, const netc_comm *comm, const netc_dataset *ds,
                      netc_batch *b, netc_fit *fit, double *loss, netc_error *err)
{
    netc_fit_sums sums;
    double loss_sum;
    int rc;

    if (netc_fit_sums_alloc(&sums, e->m->n_output, err) < 0)
        return -1;
    rc = netc_evaluate_batches(e, comm, ds, b, add_fit, &sums, &loss_sum, err);
    if (rc == 0 && comm) {
        comm->sum_doubles(comm, sums.sums, sums.size);
        comm->sum_doubles(comm, &loss_sum, 1);
    }
    if (rc == 0) {
        netc_fit_result(&sums, fit);
        *loss = ds->n ? loss_sum / ds->n : 0;
    }
    netc_fit_sums_free(&sums);
    return rc;
}

int netc_score(netc_engine *e, const netc_comm *comm, const netc_dataset *ds, netc_batch *b,
               netc_scores *s, netc_error *err)
{
    s->acc = NAN;
    s->fit.mae = s->fit.rmse = s->fit.r2 = NAN;
    if (netc_is_regression(e->m))
        return netc_evaluate_fit(e, comm, ds, b, &s->fit, &s->loss, err);
    return netc_evaluate(e, comm, ds, b, &s->acc, &s->loss, err);
}

void netc_scores_text(const netc_model *m, const char *set, const netc_scores *s, char *buf,
                      size_t size)
{
    if (netc_is_regression(m))
        snprintf(buf, size, "%s mae %.4g  %s rmse %.4g  %s r2 %.4f", set, s->fit.mae, set,
                 s->fit.rmse, set, s->fit.r2);
    else
        snprintf(buf, size, "%s acc %.2f%%", set, 100 * s->acc);
}
