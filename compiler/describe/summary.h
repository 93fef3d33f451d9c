/* summary.h - `netc --summary`: the per-layer table of shapes, parameters and memory. */
#ifndef NETC_SUMMARY_H
#define NETC_SUMMARY_H

#include <stdio.h>

#include "check/network.h"

/* Figures for one layer, per sample unless said otherwise. */
struct layer_figures {
    long long params;           /* weights + biases */
    long long mult_adds;        /* forward pass multiply-adds */
};

struct layer_figures summary_layer(const struct layer *l);
/* Floats of optimizer state per parameter: 0 (plain sgd), 1 (momentum), 2 (adam). */
int summary_optimizer_slots(const struct optimizer_spec *o);
/* 13002 -> "13,002" (buf returned) */
const char *summary_grouped(long long v, char *buf, size_t size);
void summary_print(FILE *out, const struct network *n);

#endif
