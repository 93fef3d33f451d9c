/* report/report.h - the report directory: what the network learned, as a page of
 * pictures (write.c makes them, html.c the page; png.c and svg.c draw).
 *
 * Same conventions as io/error.h: 0 on success, -1 with a message in err. */
#ifndef NETC_REPORT_REPORT_H
#define NETC_REPORT_REPORT_H

#include <stdint.h>

#include "io/dataset.h"
#include "io/metrics_log.h"
#include "netc_model.h"

/* What a report is made from.  test may hold no samples (n == 0) and metrics no rows;
 * those sections are then left out with a note. */
typedef struct netc_report_input {
    const netc_model *model;
    void *state;                /* the trained weights */
    const netc_dataset *test;
    const netc_dataset *train;  /* NULL for the report command */
    const netc_metrics *metrics;
    const char *weights_path;   /* where the weights are (saved) */
    double lr;                  /* the run's settings, for the summary (the report */
    int batch;                  /* command's: the .net file's or its flags) */
    uint64_t seed;
    int epochs;                 /* the run's planned epochs (0: unknown) */
    int training;               /* written after an epoch of a run still going: the page
                                 * says so and reloads itself */
} netc_report_input;

/* 1 when the report writes a file of this name in its directory (index.html, the
 * pictures, metrics.csv; maps_*.png); 0 otherwise. */
int netc_report_writes(const char *name);

/* Writes dir/index.html and its pictures, creating dir if needed. */
int netc_report_write(const netc_report_input *in, const char *dir, netc_error *err);

#endif
