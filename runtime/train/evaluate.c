/* evaluate.c - accuracy and mean loss of a model over a labelled data set, in batches,
 * split between the processes of a run. */
#include "model/classify.h"
#include "train/evaluate.h"

int netc_evaluate(netc_engine *e, const netc_comm *comm, const netc_dataset *ds, netc_batch *b,
                  double *accuracy, double *loss, netc_error *err)
{
    const netc_model *m = e->m;
    double sums[2] = { 0, 0 };  /* loss, correct */
    int lo, hi, i, k;

    netc_rank_share(ds->n, comm, &lo, &hi);
    for (i = lo; i < hi; i += m->batch) {
        int n = hi - i < m->batch ? hi - i : m->batch;
        if (netc_batch_gather(m, ds, b, i, n, err) < 0)
            return -1;
        sums[0] += (double)netc_engine_eval(e, b->x, b->y, b->out, n) * n;
        for (k = 0; k < n; k++)
            sums[1] += netc_predicted_class(b->out + (size_t)k * m->n_output, m->n_output) ==
                       ds->labels[b->order[i + k]];
    }
    if (comm)
        comm->sum_doubles(comm, sums, 2);
    *accuracy = ds->n ? sums[1] / ds->n : 0;
    *loss = ds->n ? sums[0] / ds->n : 0;
    return 0;
}
