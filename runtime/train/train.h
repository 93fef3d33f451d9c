/* train/train.h - training a network: the train command's work (loop.c and its helpers). */
#ifndef NETC_TRAIN_TRAIN_H
#define NETC_TRAIN_TRAIN_H

#include "train/options.h"

/* Trains m as the options say: data loaded, epochs run (resumed from a checkpoint with
 * --resume), weights saved, log and report written.  Returns 0, -1 with the message in
 * err, or the signal (SIGINT, SIGTERM) that stopped the run, after saving where it
 * stood. */
int netc_train(const netc_model *m, const netc_options *o, netc_error *err);

#endif
