/* infer_internal.h - what the inference export's parts share: infer.c (NAME.h, the float
 * weights and layers, forward(), the entry points and the self-test, for both exports)
 * calls int8.c (`--quantize int8`: the int8 kernels, weights and layers) for the int8
 * layers; both write their constant arrays with arrays.c, and the class names with
 * class_names.c. */
#ifndef NETC_INFER_INTERNAL_H
#define NETC_INFER_INTERNAL_H

#include "emit/emit.h"

/* Constant arrays (arrays.c). */
/* "static const float NAME[SIZE] = { ... };", eight literals a line. */
void infer_float_array(const struct emit *e, const char *name, const char *size,
                       const float *v, long long n);
/* NAME_in_offset and NAME_in_range, when the weights file holds input statistics. */
void infer_input_scaling(const struct emit *e);

/* The class names (class_names.c), when the .net file has `classes { ... }`: NAME_N_CLASS
 * and NAME_class_names[] declared in NAME.h, defined in NAME.c. */
void infer_class_names_declaration(const struct emit *e);
void infer_class_names_definition(const struct emit *e);

/* The int8 layers (int8.c).
 * The int8 NAME.c up to forward(): includes, the scheme, the kernels, the quantised
 * weights and scales (e->quant), and layerN_forward(z, a, x, xq, B) for each dense layer,
 * xq int16 scratch for the quantised input; (z, a, x, xq, cols, zt, B) for each conv layer,
 * cols its int16 columns and zt its position-major z; the float (a, x, B) of pooling and
 * dropout layers. */
void emit_int8_layers(const struct emit *e);

#endif
