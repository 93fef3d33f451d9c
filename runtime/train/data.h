/* train/data.h - the data sets the options name, loaded and checked against the model. */
#ifndef NETC_TRAIN_DATA_H
#define NETC_TRAIN_DATA_H

#include "io/dataset.h"
#include "train/options.h"

/* Loads the training (test = 0) or test (test = 1) data the options name, checked
 * against the model (sample size, labels).  Returns 1 when the options name no
 * such data, else 0 or -1. */
int netc_load_split(const netc_model *model, const netc_options *o, int test,
                    netc_dataset *ds, netc_error *err);
/* Training (required), validation and test (optional, n = 0 when absent) data as
 * `train` uses them: --limit applied, then --validation's samples moved from train
 * into val (val NULL: none held out), all scaled with the training samples'
 * statistics, which go into scaler (zeroed by the caller). */
int netc_load_train_test(const netc_model *m, const netc_options *o, netc_dataset *train,
                         netc_dataset *val, netc_dataset *test, netc_scaler *scaler,
                         netc_error *err);

/* The validation split (docs/trainer.md): --validation X holds out X samples when
 * X >= 1, else the fraction X of the n training samples, rounded to the nearest. */
int netc_validation_count(double validation, int n);
/* Which samples: the first n_val of a Fisher-Yates shuffle of 0..n-1 (order[n], left
 * in it) by a generator seeded with seed ^ NETC_VALIDATION_SALT; held[i] = 1 for
 * them, 0 for the others.  The same seed and n always pick the same samples. */
#define NETC_VALIDATION_SALT 0x56414c4944415445ULL   /* "VALIDATE" */
void netc_validation_pick(int n, int n_val, uint64_t seed, int *order, unsigned char *held);
/* --validation's samples moved from train (limited, not yet scaled) into val, as above
 * (val->n = 0 without --validation). */
int netc_hold_out(const netc_options *o, netc_dataset *train, netc_dataset *val,
                  netc_error *err);

#endif
