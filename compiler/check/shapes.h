/* shapes.h - each layer's input and output shape (C x H x W) and weight matrix, from the
 * input's shape and the layers before it; what cannot work is reported with the
 * arithmetic that shows why. */
#ifndef NETC_SHAPES_H
#define NETC_SHAPES_H

#include "check/network.h"
#include "front/diag.h"
#include "front/syntax.h"

/* Fills layer l's in, in_shape, out, out_shape, units and fan_in from prev_shape (the
 * previous layer's output, or the input's C x H x W) and prev_flat (that output is a
 * vector: the input was written `input 784`, or the layer before is dense).  s is the
 * layer's statement, for locations.  Returns 0, or -1 after reporting. */
int shape_layer(struct diag *d, const struct statement *s, struct layer *l,
                const int prev_shape[3], int prev_flat, const struct layer *prev);

/* The input's shape as C x H x W: `input 784` is 784 x 1 x 1, `input 28x28` 1 x 28 x 28. */
void shape_of_input(const struct network *n, int shape[3]);

#endif
