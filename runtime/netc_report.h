/* netc_report.h - what a trainer shows while and after it learns (runtime-internal).
 *
 *   progress     a live bar on a terminal: samples/s, ETA, running loss (progress.c)
 *   metrics      one row of figures per epoch, kept in memory and as CSV (metrics_log.c)
 *   png          RGB images through libpng (report_png.c)
 *   svg          learning curves, confusion matrix, one sample through the network
 *                (report_svg.c)
 *   report       the report directory: index.html and its pictures (report.c,
 *                report_html.c)
 *
 * Same conventions as netc_runtime.h: 0 on success, -1 with a message in err. */
#ifndef NETC_REPORT_H
#define NETC_REPORT_H

#include <stdio.h>
#include <time.h>

#include "netc_runtime.h"

/* ---- progress --------------------------------------------------------------- */

/* One epoch's live bar.  Drawn only when enabled and stdout is a terminal, at most
 * ten times a second; end() erases it so the epoch's summary line takes its place. */
typedef struct netc_progress {
    int live;                   /* drawing at all */
    int epoch, epochs;          /* epoch counted from 0 */
    long total, done;           /* samples in the epoch, samples so far */
    double loss_sum;            /* sum over samples so far of the batch-mean loss */
    struct timespec start, last_draw;
} netc_progress;

void netc_progress_init(netc_progress *p, int enabled);
void netc_progress_begin(netc_progress *p, int epoch, int epochs, long total);
/* n more samples trained, whose mean loss was loss. */
void netc_progress_step(netc_progress *p, int n, double loss);
void netc_progress_end(netc_progress *p);
/* "epoch 3/30 [========>       ]  52%  812345 samples/s  ETA 0:02  loss 0.041200" for the
 * state of p after `elapsed` seconds, into buf (used by progress_step; tested alone). */
void netc_progress_format(const netc_progress *p, double elapsed, char *buf, size_t size);

/* ---- metrics ---------------------------------------------------------------- */

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

/* ---- png -------------------------------------------------------------------- */

/* An 8-bit RGB picture: width * height pixels of 3 bytes, row after row. */
typedef struct netc_image {
    int width, height;
    unsigned char *rgb;
} netc_image;

/* A picture filled with one colour (0xRRGGBB). */
int netc_image_alloc(netc_image *img, int width, int height, unsigned long rgb,
                     netc_error *err);
void netc_image_free(netc_image *img);
/* Paints the w x h pixels from (x, y) (clipped to the picture). */
void netc_image_rect(netc_image *img, int x, int y, int w, int h, const unsigned char rgb[3]);
int netc_png_write(const char *path, const netc_image *img, netc_error *err);

/* Tiles of tile_w x tile_h pixels in a grid of `cols` columns, `gap` pixels around
 * and between them: where tile i's top-left pixel lies, and the whole grid's size. */
typedef struct netc_grid {
    int count, cols, rows, tile_w, tile_h, gap;
} netc_grid;

netc_grid netc_grid_make(int count, int cols, int tile_w, int tile_h, int gap);
void netc_grid_origin(const netc_grid *g, int i, int *x, int *y);
int netc_grid_width(const netc_grid *g);
int netc_grid_height(const netc_grid *g);

/* ---- svg -------------------------------------------------------------------- */

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

/* ---- report ----------------------------------------------------------------- */

/* What a report is made from.  test may hold no samples (n == 0) and metrics no rows;
 * those sections are then left out with a note. */
typedef struct netc_report_input {
    const netc_model *model;
    const netc_options *options;
    void *state;                /* the trained weights */
    const netc_dataset *test;
    const netc_dataset *train;  /* NULL for the report command */
    const netc_metrics *metrics;
    const char *weights_path;   /* where the weights are (saved) */
} netc_report_input;

/* Writes dir/index.html and its pictures, creating dir if needed. */
int netc_report_write(const netc_report_input *in, const char *dir, netc_error *err);

#define NETC_REPORT_MAX_WRONG 32      /* misclassified test images in the grid */

/* What index.html shows (report_html.c), found by report.c.  A grid with count 0,
 * or a flag that is 0, is a picture that was not made. */
typedef struct netc_report_page {
    const netc_report_input *in;
    int layers;
    const int *size;            /* neurons per layer, input first */
    int image_h, image_w;       /* 0: the input is not an image */
    int has_curves, has_confusion, has_network;
    netc_grid weights;          /* weights.png: one tile per first-layer neuron */
    double test_acc, test_loss; /* of these weights on the test set; NAN without one */
    int sample, sample_label, sample_predicted;     /* drawn in network.svg */
    int n_wrong;                /* misclassified test samples */
    netc_grid wrong;            /* misclassified.png: the first wrong.count of them */
    int wrong_index[NETC_REPORT_MAX_WRONG], wrong_label[NETC_REPORT_MAX_WRONG];
    int wrong_predicted[NETC_REPORT_MAX_WRONG];
    float wrong_confidence[NETC_REPORT_MAX_WRONG];
} netc_report_page;

int netc_report_html(const char *path, const netc_report_page *page, netc_error *err);

#endif
