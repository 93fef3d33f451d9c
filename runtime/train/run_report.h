/* train/run_report.h - the report of a training run (--report DIR): rewritten after
 * every epoch while the run goes on, so that it can be watched, and once more at the end.
 *
 * Same conventions as io/error.h: 0 on success, -1 with a message in err. */
#ifndef NETC_TRAIN_RUN_REPORT_H
#define NETC_TRAIN_RUN_REPORT_H

#include "train/run.h"

/* DIR/index.html and its pictures for the weights and log of r as they stand; finished:
 * the run is over (and "report DIR/index.html" is printed), else it is after an epoch. */
int netc_run_report(netc_run *r, int finished, netc_error *err);

#endif
