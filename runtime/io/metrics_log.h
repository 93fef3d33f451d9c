/* io/metrics_log.h - one row of figures per epoch, kept in memory and as a CSV file:
 * written by the training loop (--log), read by the report command, drawn in the report. */
#ifndef NETC_IO_METRICS_LOG_H
#define NETC_IO_METRICS_LOG_H

#include <stdio.h>

#include "io/error.h"

/* One epoch.  train_acc is the accuracy of the end-of-epoch weights on the training
 * set (NAN when not measured); test figures are NAN without test data. */
typedef struct netc_epoch_metrics {
    int epoch;                  /* from 1 */
    double train_loss;          /* mean of the mini-batch losses during the epoch */
    double train_acc, test_loss, test_acc;  /* fractions, not percent */
    double learning_rate, samples_per_s, elapsed_s;
} netc_epoch_metrics;

/* Every epoch so far, and the CSV file they are also written to (when csv != NULL). */
typedef struct netc_metrics {
    netc_epoch_metrics *rows;
    int n, cap;
    FILE *csv;
    const char *path;
} netc_metrics;

#define NETC_METRICS_HEADER \
    "epoch,train_loss,train_acc,test_loss,test_acc,learning_rate,samples_per_s,elapsed_s"

/* Starts an empty log; with a path, creates the CSV file and writes its header. */
int netc_metrics_open(netc_metrics *mx, const char *path, netc_error *err);
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
