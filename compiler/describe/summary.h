/* summary.h - `netc --summary`: the per-layer table of shapes, parameters and memory. */
#ifndef NETC_SUMMARY_H
#define NETC_SUMMARY_H

#include <stdio.h>

#include "check/network.h"

/* Figures for one layer, per sample unless said otherwise. */
struct layer_figures {
    long long params;           /* weights + biases */
    long long mult_adds;        /* forward pass multiply-adds (pools: comparisons or adds) */
};

struct layer_figures summary_layer(const struct layer *l);
/* Whether layer's output is a vector (after `input N`, a dense layer, or a dropout layer
 * on a vector) rather than an image; layer -1 asks about the input. */
int summary_output_is_vector(const struct network *n, int layer);
/* A layer's shape as the language writes it: "6x28x28" for an image, "120" for a vector. */
const char *summary_shape(const int shape[3], int vector, char *buf, size_t size);
/* What the layer is, as its line in the .net file says it without sizes and activation:
 * "dense", "conv 5x5 padding 2", "maxpool 2x2", "avgpool 3x3 stride 2", "dropout 0.5". */
const char *summary_kind(const struct layer *l, char *buf, size_t size);
/* Floats of optimizer state per parameter: 0 (plain sgd), 1 (momentum), 2 (adam). */
int summary_optimizer_slots(const struct optimizer_spec *o);
/* 13002 -> "13,002" (buf returned) */
const char *summary_grouped(long long v, char *buf, size_t size);
void summary_print(FILE *out, const struct network *n);

#endif
