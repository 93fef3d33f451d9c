/* train/checkpoint.h - a training run saved so that it can resume exactly.
 *
 * A checkpoint holds everything the run's future depends on: the model's whole state
 * (parameters, gradients, optimizer state, step counter: the opaque blob, byte for
 * byte), where the run stands (epoch, samples done, the sample order and the shuffle
 * generator's state), its settings, and the figures of the epochs so far.  Resuming
 * from it gives weights bit-identical to a run that was never interrupted.  The file
 * format is in docs/weights.md; checkpoint.c reads and writes it.
 *
 * Same conventions as io/error.h: 0 on success, -1 with a message in err. */
#ifndef NETC_TRAIN_CHECKPOINT_H
#define NETC_TRAIN_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "io/dataset.h"
#include "io/metrics_log.h"
#include "model/rng.h"
#include "model/schedule.h"
#include "netc_model.h"

#define NETC_CKPT_MAGIC "NETCCKPT"
#define NETC_CKPT_VERSION 3       /* 3 added validation, 2 the weights file; 1, 2 still read */

typedef struct netc_checkpoint {
    /* Which network: a checkpoint resumes only with the trainer it came from. */
    const char *network, *netc_version, *source_hash;
    /* Where the run saves its weights (absolute; "" in a version 1 file): a resumed run
     * saves there too unless given --save. */
    const char *save;
    /* The run's settings (resuming uses these, not the command line's). */
    double lr;
    int epochs, batch, limit, shuffle;
    uint64_t seed;
    double validation;          /* --validation (0: none; version 3) */
    int early_stop, keep_best;  /* --early-stop, --keep best (version 3) */
    /* Where the run stands.  pos == 0: epoch `epoch` has not started (its shuffle has not
     * happened, order[] is the previous epoch's); else order[0..pos) are trained. */
    int epoch, pos;
    double loss_sum;            /* of the epoch so far: sum of batch-mean loss x batch size */
    double elapsed_s;           /* training wall time so far */
    netc_rng rng;               /* the generator of the shuffles and the dropout keys */
    int n_samples;              /* training samples (after --limit) */
    uint64_t data_hash;         /* netc_dataset_fingerprint() of the training set */
    int *order;                 /* [n_samples]: a permutation of 0..n_samples-1 */
    int n_rows;
    netc_epoch_metrics *rows;   /* the finished epochs' figures */
    /* What the validation losses so far decided (version 3; a fresh run's in older ones). */
    netc_plateau plateau;       /* the plateau schedule's rate and counters */
    double best_loss;           /* the lowest validation loss (INFINITY: none yet) */
    int best_epoch;             /* its epoch, from 1 (0: none) */
    size_t n_best;              /* --keep best: n_param, the floats of best[]; else 0 */
    float *best;                /* the parameters at the end of best_epoch */
    size_t state_size;
    void *state;                /* the model's state, state_size bytes */
    char *storage;              /* read: the strings above point into it */
} netc_checkpoint;

/* Writes c atomically (netc_write_atomic); the previous checkpoint survives a failure. */
int netc_checkpoint_write(const char *path, const netc_checkpoint *c, netc_error *err);
/* Reads and validates a checkpoint (magic, version, sizes, checksum, permutation). */
int netc_checkpoint_read(const char *path, netc_checkpoint *c, netc_error *err);
/* Checks that c was written by this network's trainer (name, source hash, state size). */
int netc_checkpoint_matches(const char *path, const netc_checkpoint *c, const netc_model *m,
                            netc_error *err);
/* Frees what netc_checkpoint_read allocated. */
void netc_checkpoint_free(netc_checkpoint *c);

/* A 64-bit fingerprint of a data set's samples and labels or targets (to refuse other data). */
uint64_t netc_dataset_fingerprint(const netc_dataset *ds);

#endif
