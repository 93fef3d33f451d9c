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
/* counts[t * classes + p]: test samples of true class t predicted as p; the rows and
 * columns labelled by names[k] (the .net file's classes), or by number when names is NULL. */
int netc_svg_confusion(const char *path, const long *counts, int classes,
                       const char *const *names, netc_error *err);

/* How a layer is drawn: a column of neurons (dense layers, the input as circles), a
 * stack of feature maps (conv, pooling, and dropout after them), or a column that passes
 * its inputs through one to one (dropout after a dense layer: as in evaluation). */
enum netc_drawn_kind { NETC_DRAW_NEURONS, NETC_DRAW_MAPS, NETC_DRAW_DROPOUT };

typedef struct netc_drawn_layer {
    enum netc_drawn_kind kind;
    const char *name;           /* "conv1", "dense2", ...; NULL: "layer l" */
    int shape[3];               /* C x H x W of its output */
    char detail[48];            /* "5x5 relu", "2x2", "p = 0.5", or "" */
    int dashed;                 /* dropout: drawn dashed, as it acts only in training */
} netc_drawn_layer;

/* One sample through the network: the input (as pixels when h * w == layer size 0),
 * every layer as circles or, with `layers`, as its kind is drawn; act[l] is layer l's
 * activations or NULL when the runtime cannot see them; w[l] (l >= 1) is a column's
 * weights [size[l]][size[l - 1]] from the column before it, or NULL. */
typedef struct netc_net_picture {
    int n_layer;                /* input included */
    const int *size;
    const float *const *act;
    const float *const *w;
    const netc_drawn_layer *layers;     /* [n_layer] (0: the input); NULL: all columns */
    int image_h, image_w;       /* 0 when the input is not an image */
    int sample;                 /* which test sample it is */
    int label, predicted;       /* -1 when unknown */
} netc_net_picture;

int netc_svg_network(const char *path, const netc_net_picture *pic, netc_error *err);

/* The opening of a drawing (its size, font, dark background) and its closing (0, or -1
 * when a write to f failed), for drawings made in other files (report/scatter.c). */
void netc_svg_open(FILE *f, int width, int height);
int netc_svg_close(FILE *f);

/* &, <, >, " as entities. */
void netc_xml_text(FILE *f, const char *s);

#endif
