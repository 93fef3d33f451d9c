/* io/dataset.h - samples as float[n][n_input] with integer labels; targets; input scaling.
 * IDX files are read here (io/idx.c underneath), CSV files by io/csv.c. */
#ifndef NETC_IO_DATASET_H
#define NETC_IO_DATASET_H

#include "io/error.h"
#include "netc_model.h"

typedef struct netc_dataset {
    char *source;               /* file the features came from (for messages) */
    char *label_source;         /* file the labels came from (== source for CSV) */
    int n;                      /* samples */
    int n_input;                /* floats per sample */
    int rank, shape[3];         /* shape of one sample, e.g. 28x28 (rank 2) */
    float *x;                   /* n * n_input, row-major */
    int *labels;                /* n class labels, or NULL when the file has none */
    int n_target;               /* real-valued targets per sample (regression CSV), else 0 */
    float *targets;             /* n * n_target, row-major; NULL unless n_target > 0 */
} netc_dataset;

/* Images (+ labels, may be NULL) from IDX files; unit_scale: bytes / 255, else raw.
 * Checks that both files hold the same number of items. */
int netc_dataset_load_idx(netc_dataset *ds, const char *images, const char *labels,
                          int unit_scale, netc_error *err);
void netc_dataset_free(netc_dataset *ds);
/* Keeps only the first n samples (no-op when n <= 0 or n >= ds->n). */
void netc_dataset_limit(netc_dataset *ds, int n);
/* Moves the samples i with held[i] != 0 (ds->n flags) into out (allocated here), in
 * file order; ds keeps the others, in file order.  Every per-sample array moves. */
int netc_dataset_split(netc_dataset *ds, const unsigned char *held, netc_dataset *out,
                       netc_error *err);

/* A regression network: its targets are values (`targets value`) and its loss is mse;
 * the targets are then real numbers, one per output (docs/language.md). */
int netc_is_regression(const netc_model *model);

/* Checks that a sample has the network's n_input floats. */
int netc_dataset_check_input(const netc_dataset *ds, const netc_model *model, netc_error *err);
/* The labels the model can train on are 0 .. limit-1 (0: any): one-hot targets need one
 * per output; a value target under binary cross-entropy is 0 or 1.  why says which. */
int netc_dataset_label_limit(const netc_model *model, char *why, size_t size);
/* Checks every label (if any) is usable with the model's targets, outputs and loss
 * (value targets: one output; labels within netc_dataset_label_limit). */
int netc_dataset_check_labels(const netc_dataset *ds, const netc_model *model, netc_error *err);

/* Copies samples idx[0..n) into x (n * n_input floats). */
void netc_dataset_gather(const netc_dataset *ds, const int *idx, int n, float *x);
/* Starts loading samples idx[0..n) into the caches (a hint; nothing else changes). */
void netc_dataset_prefetch(const netc_dataset *ds, const int *idx, int n);
/* Targets of samples idx[0..n) into y (n * n_output floats): one-hot rows, the label
 * value itself (n_output == 1), or the sample's real-valued targets (ds->targets, n_target
 * == n_output).  Fails naming file and sample on a bad label. */
int netc_dataset_targets(const netc_dataset *ds, const int *idx, int n, int n_output,
                         enum netc_targets kind, float *y, netc_error *err);

/* Per-feature input scaling with statistics from the training set:
 * unit: (x - min) / (max - min); standardize: (x - mean) / std.  A constant
 * feature gets range / std 1. */
typedef struct netc_scaler {
    enum netc_scaling kind;     /* NETC_SCALE_NONE: nothing to apply */
    int n;                      /* features */
    float *a, *b;               /* unit: min, max; standardize: mean, std */
} netc_scaler;

/* The scaling for data of this format: the .net file's data block decides; without
 * one, IDX pixels are scaled to [0, 1] and CSV features are used as they are. */
enum netc_scaling netc_scaling_for(const netc_model *m, enum netc_data_format format);
/* 1 if `scale` on data of `format` needs statistics (CSV unit scaling, standardize). */
int netc_scaling_needs_stats(enum netc_data_format format, enum netc_scaling scale);
int netc_scaler_fit(netc_scaler *s, enum netc_scaling kind, const netc_dataset *train,
                    netc_error *err);
void netc_scaler_apply(const netc_scaler *s, netc_dataset *ds);
void netc_scaler_free(netc_scaler *s);
/* Tensor names in the weights file: "input.min"/"input.max" or "input.mean"/"input.std". */
const char *netc_scaler_name(enum netc_scaling kind, int second);

#endif
