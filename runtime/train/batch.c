/* batch.c - one mini-batch's buffers, the samples gathered into them, and each process's
 * share of a batch. */
#include <stdlib.h>
#include <string.h>

#include "train/batch.h"

void netc_batch_free(netc_batch *b)
{
    free(b->x);
    free(b->y);
    free(b->out);
    free(b->order);
    memset(b, 0, sizeof *b);
}

int netc_batch_alloc(netc_batch *b, const netc_model *m, int n_samples, netc_error *err)
{
    int i;

    memset(b, 0, sizeof *b);
    b->x = netc_alloc((size_t)m->batch, (size_t)m->n_input * sizeof(float), "batch inputs", err);
    b->y = netc_alloc((size_t)m->batch, (size_t)m->n_output * sizeof(float), "targets", err);
    b->out = netc_alloc((size_t)m->batch, (size_t)m->n_output * sizeof(float), "outputs", err);
    b->order = netc_alloc((size_t)n_samples, sizeof(int), "sample order", err);
    if (!b->x || !b->y || !b->out || !b->order) {
        netc_batch_free(b);
        return -1;
    }
    for (i = 0; i < n_samples; i++)
        b->order[i] = i;
    return 0;
}

int netc_batch_gather(const netc_model *m, const netc_dataset *ds, netc_batch *b, int first,
                      int n, netc_error *err)
{
    const int next = first + n < ds->n ? first + n : ds->n;
    netc_dataset_gather(ds, b->order + first, n, b->x);
    netc_dataset_prefetch(ds, b->order + next, ds->n - next < n ? ds->n - next : n);
    return netc_dataset_targets(ds, b->order + first, n, m->n_output, m->data.targets, b->y, err);
}

void netc_rank_share(int n, const netc_comm *comm, int *lo, int *hi)
{
    *lo = comm ? (int)((long long)n * comm->rank / comm->size) : 0;
    *hi = comm ? (int)((long long)n * (comm->rank + 1) / comm->size) : n;
}
