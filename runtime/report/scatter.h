/* report/scatter.h - a regression network's test predictions against the true targets. */
#ifndef NETC_REPORT_SCATTER_H
#define NETC_REPORT_SCATTER_H

#include "io/error.h"

/* scatter.svg: one point per test sample and output at (true target, prediction), both
 * axes over the same range, with the line y = x where a perfect network's points lie;
 * predicted and truth are n * n_output floats, row-major. */
int netc_svg_scatter(const char *path, const float *predicted, const float *truth, int n,
                     int n_output, netc_error *err);

#endif
