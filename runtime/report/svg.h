/* report/svg.h - the report's drawings as SVG: learning curves, the confusion matrix,
 * one sample through the network. */
#ifndef NETC_REPORT_SVG_H
#define NETC_REPORT_SVG_H

#include <stdio.h>

#include "io/error.h"

/* One curve of a plot: y[i] at epoch i + 1 (NAN points are skipped). */
typedef struct netc_series {
    const char *label;
    const char *colour;         /* CSS colour */
    const double *y;
} netc_series;

/* Line plot over n epochs of up to four series; y_percent prints the axis as %. */
int netc_svg_curves(const char *path, const char *title, int n, const netc_series *series,
                    int n_series, int y_percent, netc_error *err);
/* counts[t * classes + p]: test samples of true class t predicted as p. */
int netc_svg_confusion(const char *path, const long *counts, int classes, netc_error *err);

/* One sample through the network: the input (as pixels when h * w == layer size 0),
 * every layer as circles; act[l] is layer l's activations or NULL when the runtime
 * cannot see them; w[l] (l >= 1) is layer l's weights [size[l]][size[l - 1]]. */
typedef struct netc_net_picture {
    int n_layer;                /* input included */
    const int *size;
    const float *const *act;
    const float *const *w;
    int image_h, image_w;       /* 0 when the input is not an image */
    int sample;                 /* which test sample it is */
    int label, predicted;       /* -1 when unknown */
} netc_net_picture;

int netc_svg_network(const char *path, const netc_net_picture *pic, netc_error *err);

/* &, <, >, " as entities. */
void netc_xml_text(FILE *f, const char *s);

#endif
