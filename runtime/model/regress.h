/* model/regress.h - how well a regression network's outputs fit their targets: mean
 * absolute error, root mean squared error and R², from sums gathered batch by batch (and
 * added across the processes of a run before the figures are made). */
#ifndef NETC_MODEL_REGRESS_H
#define NETC_MODEL_REGRESS_H

#include <stddef.h>

#include "io/metrics_log.h"

/* The sums over the samples so far: their count, then for each output k the sums of
 * |a - y|, (a - y)², y and y² (a: the output, y: its target), all in double. */
typedef struct netc_fit_sums {
    int n_output;
    size_t size;                /* 1 + 4 * n_output doubles in sums */
    double *sums;
} netc_fit_sums;

/* Zeroed sums for n_output outputs. */
int netc_fit_sums_alloc(netc_fit_sums *f, int n_output, netc_error *err);
void netc_fit_sums_free(netc_fit_sums *f);
/* n more samples: outputs out and targets y, n * n_output floats each, row-major. */
void netc_fit_sums_add(netc_fit_sums *f, const float *out, const float *y, int n);
/* The figures of the samples summed (NAN without samples):
 *   MAE  = Σ|a - y| / (n · O)            RMSE = √(Σ(a - y)² / (n · O))
 *   R²   = the mean over outputs k of 1 - Σ(a_k - y_k)² / Σ(y_k - ȳ_k)²
 * as scikit-learn's mean_absolute_error, root of mean_squared_error and r2_score (whose
 * R² of a constant target is 1 when every output hits it, else 0). */
void netc_fit_result(const netc_fit_sums *f, netc_fit *fit);

#endif
