/* io/metrics_log.h - one row of figures per epoch, kept in memory and as a CSV file:
 * written by the training loop (--log), read by the report command, drawn in the report. */
#ifndef NETC_IO_METRICS_LOG_H
#define NETC_IO_METRICS_LOG_H

#include <stdio.h>

#include "io/error.h"

/* How well a regression network's outputs fit their targets (model/regress.h): mean
 * absolute error, root mean squared error, and R² (averaged over the outputs). */
typedef struct netc_fit {
    double mae, rmse, r2;
} netc_fit;

/* One epoch.  train_acc is the accuracy of the end-of-epoch weights on the training
 * set (NAN when not measured); test figures are NAN without test data, validation
 * figures without --validation. */
typedef struct netc_epoch_metrics {
    int epoch;                  /* from 1 */
    double train_loss;          /* mean of the mini-batch losses during the epoch */
    double train_acc, test_loss, test_acc;  /* fractions, not percent */
    double learning_rate, samples_per_s, elapsed_s;
    double val_loss, val_acc;   /* on the samples --validation held out */
    netc_fit train_fit, test_fit, val_fit;  /* a regression network's (else NAN) */
} netc_epoch_metrics;

/* Every epoch so far, and the CSV file they are also written to (when csv != NULL). */
typedef struct netc_metrics {
    netc_epoch_metrics *rows;
    int n, cap;
    FILE *csv;
    const char *path;
    int validation;             /* the rows have validation figures (and the CSV their columns) */
    int regression;             /* ... a regression network's fit instead of accuracies */
} netc_metrics;

#define NETC_METRICS_HEADER \
    "epoch,train_loss,train_acc,test_loss,test_acc,learning_rate,samples_per_s,elapsed_s"
/* ... followed by these when the run held out validation samples */
#define NETC_METRICS_VALIDATION_COLUMNS ",val_loss,val_acc"
/* A regression network's log has its fit where a classifier's has accuracies:
 * epoch,train_loss,train_mae,train_rmse,train_r2,test_loss,test_mae,test_rmse,test_r2,
 * learning_rate,samples_per_s,elapsed_s (and val_loss,val_mae,val_rmse,val_r2). */
#define NETC_METRICS_VALIDATION 1u     /* netc_metrics_open's flags */
#define NETC_METRICS_REGRESSION 2u

/* Starts an empty log; with a path, creates the CSV file and writes its header (with
 * the validation columns with NETC_METRICS_VALIDATION, a regression network's with
 * NETC_METRICS_REGRESSION). */
int netc_metrics_open(netc_metrics *mx, const char *path, unsigned flags, netc_error *err);
/* Keeps the row and, with a file, appends it (flushed: `tail -f` shows each epoch). */
int netc_metrics_add(netc_metrics *mx, const netc_epoch_metrics *row, netc_error *err);
/* Closes the file (reporting a failed write); the rows stay until netc_metrics_free. */
int netc_metrics_close(netc_metrics *mx, netc_error *err);
void netc_metrics_free(netc_metrics *mx);
/* Reads a CSV file written by netc_metrics_add (empty cells: NAN). */
int netc_metrics_read(const char *path, netc_metrics *mx, netc_error *err);
/* Writes rows to a new CSV file at path. */
int netc_metrics_write(const char *path, const netc_metrics *mx, netc_error *err);

#endif
