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
/* Training (required) and test (optional, n = 0 when absent) data as `train` uses
 * them: --limit applied, scaled with the training set's statistics, which go into
 * scaler (zeroed by the caller). */
int netc_load_train_test(const netc_model *m, const netc_options *o, netc_dataset *train,
                         netc_dataset *test, netc_scaler *scaler, netc_error *err);

#endif
