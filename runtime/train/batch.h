/* train/batch.h - one mini-batch's buffers, the samples gathered into them, and each
 * process's share of a batch. */
#ifndef NETC_TRAIN_BATCH_H
#define NETC_TRAIN_BATCH_H

#include "io/dataset.h"
#include "netc_model.h"
#include "train/comm.h"

/* Buffers for one mini-batch: B = batch, I = n_input, O = n_output. */
typedef struct netc_batch {
    float *x;           /* [B][I] */
    float *y;           /* [B][O] */
    float *out;         /* [B][O] */
    int *order;         /* sample indices, one epoch's order */
} netc_batch;

/* Buffers for the model's batch, and order = 0 .. n_samples-1. */
int netc_batch_alloc(netc_batch *b, const netc_model *m, int n_samples, netc_error *err);
void netc_batch_free(netc_batch *b);
/* Gathers samples order[first..first+n) into the batch buffers, and starts loading the
 * next n of the order into the caches. */
int netc_batch_gather(const netc_model *m, const netc_dataset *ds, netc_batch *b, int first,
                      int n, netc_error *err);

/* This process's share [*lo, *hi) of n items split between the processes of comm. */
void netc_rank_share(int n, const netc_comm *comm, int *lo, int *hi);

#endif
