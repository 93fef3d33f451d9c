/* evaluate.c - accuracy and mean loss of a model over a labelled data set, in batches,
 * split between the processes of a run. */
#include "model/classify.h"
#include "train/evaluate.h"

int netc_evaluate_batches(netc_engine *e, const netc_comm *comm, const netc_dataset *ds,
                          netc_batch *b, netc_batch_visitor *visit, void *ctx,
                          double *loss_sum, netc_error *err)
{
    const netc_model *m = e->m;
    int lo, hi, i;

    *loss_sum = 0;
    netc_rank_share(ds->n, comm, &lo, &hi);
    for (i = lo; i < hi; i += m->batch) {
        int n = hi - i < m->batch ? hi - i : m->batch;
        if (netc_batch_gather(m, ds, b, i, n, err) < 0)
            return -1;
        *loss_sum += (double)netc_engine_eval(e, b->x, b->y, b->out, n) * n;
        visit(ctx, b, i, n);
    }
    return 0;
}

typedef struct accuracy_count {
    const netc_model *m;
    const netc_dataset *ds;
    double correct;
} accuracy_count;

static void count_correct(void *ctx, const netc_batch *b, int first, int n)
{
    accuracy_count *c = ctx;
    int k, n_output = c->m->n_output;

    for (k = 0; k < n; k++)
        c->correct += netc_predicted_class(b->out + (size_t)k * n_output, n_output) ==
                      c->ds->labels[b->order[first + k]];
}

int netc_evaluate(netc_engine *e, const netc_comm *comm, const netc_dataset *ds, netc_batch *b,
                  double *accuracy, double *loss, netc_error *err)
{
    accuracy_count count = { e->m, ds, 0 };
    double sums[2] = { 0, 0 };  /* loss, correct */

    if (netc_evaluate_batches(e, comm, ds, b, count_correct, &count, &sums[0], err) < 0)
        return -1;
    sums[1] = count.correct;
    if (comm)
        comm->sum_doubles(comm, sums, 2);
    *accuracy = ds->n ? sums[1] / ds->n : 0;
    *loss = ds->n ? sums[0] / ds->n : 0;
    return 0;
}
