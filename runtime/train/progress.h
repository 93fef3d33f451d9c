/* train/progress.h - one epoch's live bar on a terminal: samples/s, the epoch's and the
 * whole run's ETA, running loss. */
#ifndef NETC_TRAIN_PROGRESS_H
#define NETC_TRAIN_PROGRESS_H

#include <stddef.h>
#include <time.h>

/* Drawn only when enabled and stdout is a terminal, at most ten times a second; end()
 * erases it so the epoch's summary line takes its place. */
typedef struct netc_progress {
    int live;                   /* drawing at all */
    int epoch, epochs;          /* epoch counted from 0 */
    long total, done;           /* samples in the epoch, samples so far */
    double loss_sum;            /* sum over samples so far of the batch-mean loss */
    double last_epoch_s;        /* the previous epoch's seconds, begin to begin (its
                                 * evaluation, log and report included); 0: none yet */
    struct timespec start, last_draw;
} netc_progress;

void netc_progress_init(netc_progress *p, int enabled);
void netc_progress_begin(netc_progress *p, int epoch, int epochs, long total);
/* n more samples trained, whose mean loss was loss. */
void netc_progress_step(netc_progress *p, int n, double loss);
void netc_progress_end(netc_progress *p);
/* "epoch 3/30 [====>   ]  52%  812345 samples/s  ETA 0:02 run 1:01  loss 0.041200" for
 * the state of p after `elapsed` seconds, into buf (used by progress_step; tested alone):
 * the epoch's ETA, then the run's: the rest of this epoch and the epochs after it, each
 * as long as the last whole one (the first: as its training at this rate). */
void netc_progress_format(const netc_progress *p, double elapsed, char *buf, size_t size);

#endif
