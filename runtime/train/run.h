/* train/run.h - a training run in progress, shared by the files of train/ that drive it:
 * loop.c (the epochs), divergence.c (the guard against a diverging run), resume.c (its
 * checkpoints).  Not for use outside train/: the rest of the runtime calls netc_train. */
#ifndef NETC_TRAIN_RUN_H
#define NETC_TRAIN_RUN_H

#include <time.h>

#include "io/metrics_log.h"
#include "model/engine.h"
#include "train/batch.h"
#include "train/checkpoint.h"
#include "train/options.h"
#include "train/progress.h"

/* The loaded data of a training run: val holds --validation's samples (n = 0: none). */
typedef struct netc_run_data {
    netc_dataset train, val, test;
    netc_scaler scaler;
    netc_batch train_buf, val_buf, test_buf;
} netc_run_data;

/* A training run in progress: its settings, data, model, and where it stands. */
typedef struct netc_run {
    const netc_model *m;
    netc_options o;             /* the command line's, with a resumed checkpoint's settings */
    void *state;
    netc_engine engine;         /* state, and the threads that share its work */
    int writes;                 /* this process prints and writes files (rank 0) */
    int train_accuracy;         /* measure it after each epoch (for --log or --report) */
    netc_run_data d;
    netc_metrics mx;            /* every finished epoch's figures */
    netc_checkpoint ck;         /* where the run stands; its pointers point into the above */
    float *good;                /* the parameters at the start of the epoch: all finite */
    float *best;                /* --keep best: those of the lowest validation loss (ck.best) */
    char *ckpt_path;
    char *save_path;            /* o.save made absolute, as the checkpoint records it */
    char *resumed_save;         /* a resumed run's weights file, from its checkpoint */
    struct timespec t0, last_ckpt;
    double elapsed_before;      /* training time before a resume */
    netc_progress bar;
    netc_error failures;        /* outputs that could not be written, one a line */
    int n_failures;
    int ckpt_failed;            /* the last checkpoint write failed */
} netc_run;

/* Seconds on the monotonic clock since t0. */
static inline double netc_seconds_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

/* ---- divergence.c: stopping a run that no longer learns, the last good weights kept */

/* A NaN or infinite loss (or parameters) in batch batch_no: names the first tensor
 * holding one; returns -1. */
int netc_run_diverged(netc_run *r, int batch_no, double loss, netc_error *err);
/* Fails as netc_run_diverged when a parameter is no longer finite. */
int netc_run_check_finite(netc_run *r, int batch_no, netc_error *err);
/* Fails when the network's outputs for the last batch (its first n samples in the train
 * buffer) no longer depend on the inputs: saturated or dead units. */
int netc_run_check_collapse(netc_run *r, int n, int batch_no, netc_error *err);

/* ---- resume.c: the run's checkpoints --------------------------------------------- */

/* The checkpoint to resume, checked against this network; its settings into r->o, and
 * its weights file unless --save was given. */
int netc_run_read_resume(netc_run *r, netc_checkpoint *saved, netc_error *err);
/* Where the run's checkpoints go (r->ckpt_path). */
int netc_run_checkpoint_path(netc_run *r, netc_error *err);
/* r (set up for the same data) continues where saved stood (its figures: saved->rows). */
int netc_run_resume(netc_run *r, const netc_checkpoint *saved, netc_error *err);
/* An output that could not be written: kept in r->failures, to be reported with the
 * others once every output has been attempted; the run then stops (exit 1). */
void netc_run_failed(netc_run *r, const netc_error *e);
/* Saves where the run stands (never a state with non-finite parameters: -1).  A failed
 * write is recorded with netc_run_failed. */
int netc_run_save_checkpoint(netc_run *r, int batch_no, netc_error *err);
/* Stopped early (by a signal, or because an output failed): the checkpoint and the
 * weights as they are, each attempted, and how to go on. */
int netc_run_save_stopped(netc_run *r, netc_error *err);
/* A finished run whose weights are saved: its checkpoint removed (it has nothing left to
 * resume) unless --keep-checkpoint, and "saved WEIGHTS" (", checkpoint FILE" when kept). */
void netc_run_saved(netc_run *r);

#endif
