/* int8_integer_export.c - `--emit infer --quantize int8-integer`: NAME.h and NAME.c of
 * the fully integer network (int8_integer.h says the scheme).  No float type, literal or
 * function anywhere in either file: int8 in, int8 out, the class as an int.
 */
#include "infer/int8_integer.h"
#include "infer/infer_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { N_SELFTEST = 3 };        /* inputs recorded for NAME_selftest */
enum { LOCALS_BYTES = 256 };    /* the functions' locals and calls, beyond their arrays */

/* ---- sizes ---- */

static int last_layer(const struct emit *e)
{
    return e->net->nlayers - 1;
}

static int n_output(const struct emit *e)
{
    return e->net->layers[last_layer(e)].out;
}

/* The widest output of the layers before the last (h0, h1: hidden activations, an image's
 * C·H·W values), of a layer's units (acc: filters or outputs) and of a conv layer's
 * columns (col: C·KH·KW; 0 without conv layers). */
struct widths {
    int hidden, units, col;
};

static struct widths widths_of(const struct network *net)
{
    struct widths w = { 1, 1, 0 };
    for (int l = 0; l < net->nlayers; l++) {
        const struct layer *L = &net->layers[l];
        if (l < net->nlayers - 1)
            w.hidden = L->out > w.hidden ? L->out : w.hidden;
        if (layer_has_weights(L))
            w.units = L->units > w.units ? L->units : w.units;
        if (L->kind == LAYER_CONV)
            w.col = L->fan_in > w.col ? L->fan_in : w.col;
    }
    return w;
}

static int has_softmax(const struct emit *e)
{
    return e->integer->layers[last_layer(e)].how == OUT_SOFTMAX;
}

static long long weight_bytes(const struct emit *e)
{
    return integer_weight_bytes(e->net, e->integer);
}

/* NAME_classify's arrays (the deepest entry): h0, h1, acc, col, z and out. */
static long long stack_bytes(const struct emit *e)
{
    const struct widths w = widths_of(e->net);
    return 2LL * w.hidden + 4LL * w.units + w.col + 5LL * n_output(e) + LOCALS_BYTES;
}

/* Multiply-adds per sample: a dense layer's IN·OUT, a conv layer's FAN_IN·OUT_C at each
 * of its positions. */
static long long macs(const struct network *net)
{
    long long m = 0;
    for (int l = 0; l < net->nlayers; l++) {
        const struct layer *L = &net->layers[l];
        if (layer_has_weights(L))
            m += (long long)L->fan_in * L->units * L->out_shape[DIM_H] * L->out_shape[DIM_W];
    }
    return m;
}

/* ---- constant arrays ---- */

typedef long long value_at(const void *v, long long i);
static long long at_i8(const void *v, long long i) { return ((const int8_t *)v)[i]; }
static long long at_u8(const void *v, long long i) { return ((const uint8_t *)v)[i]; }
static long long at_i32(const void *v, long long i) { return ((const int32_t *)v)[i]; }

/* n values, per_line a line, each line indented by indent. */
static void values(const struct emit *e, const char *indent, value_at *at, const void *v,
                   long long n, int per_line)
{
    char line[16 * 14 + 1];
    for (long long i = 0; i < n; i += per_line) {
        size_t k = 0;
        for (long long j = i; j < n && j < i + per_line; j++)
            k += (size_t)snprintf(line + k, sizeof line - k, "%s%lld,", j > i ? " " : "",
                                  at(v, j));
        pr_line(e->p, "%s%s", indent, line);
    }
}

/* "static const TYPE NAME[SIZE] = { ... };" */
static void array(const struct emit *e, const char *type, const char *name, const char *size,
                  value_at *at, const void *v, long long n)
{
    pr_line(e->p, "static const %s %s[%s] = {", type, name, size);
    values(e, "    ", at, v, n, at == at_i32 ? 8 : 16);
    pr_line(e->p, "};");
}

/* "NAME_lN_WHAT" */
static void layer_array_name(char buf[SYMBOL_MAX], const struct emit *e, int layer,
                             const char *what)
{
    snprintf(buf, SYMBOL_MAX, "%s_l%d_%s", e->name, layer + 1, what);
}

static const char *act_label(const struct layer *L)
{
    return activation_name(L->act);
}

static void emit_layer_constants_int(const struct emit *e, int l)
{
    const struct layer *L = &e->net->layers[l];
    const struct integer_layer *il = &e->integer->layers[l];
    const struct layer_names n = layer_names(e, l);
    struct printer *p = e->p;
    char m[SYMBOL_MAX], shift[SYMBOL_MAX], table[SYMBOL_MAX];
    layer_array_name(m, e, l, "m");
    layer_array_name(shift, e, l, "shift");
    layer_array_name(table, e, l, "table");
    char what[256];
    emit_layer_description(L, what, sizeof what);
    pr_line(p, "/* Layer %d, \"%s\" (%s): input scale s_x = %.6g;", l + 1, L->name, what,
            il->in_scale);
    pr_line(p, " * %s", L->kind == LAYER_CONV ? "Wq[OUT_C][FAN_IN] (a row per filter) and bq[OUT_C]"
                                            : "Wq[OUT][IN] and bq[OUT]");
    if (il->how == OUT_LOOKUP)
        pr_line(p, " * (in units of s_x·s_w[o]); m, shift: acc to the table's input zq (s_z = %.6g),",
                il->z_scale);
    else if (il->how == OUT_SOFTMAX)
        pr_line(p, " * (in units of s_x·s_w[o]); softmax reads the logits (below). */");
    else
        pr_line(p, " * (in units of s_x·s_w[o]); m, shift: acc to the activation a (s_a = %.6g),",
                il->out_scale);
    if (il->how != OUT_SOFTMAX)
        pr_line(p, " * x·m / 2^shift rounded half away from zero. */");
    pr_line(p, "static const int8_t %s[%s][%s] = {", n.wq, n.units, n.fan_in);
    for (int o = 0; o < L->units; o++) {
        pr_line(p, "    {   /* %s %d */", L->kind == LAYER_CONV ? "filter" : "output", o);
        values(e, "        ", at_i8, e->quant->layers[l].wq + (size_t)o * L->fan_in, L->fan_in, 16);
        pr_line(p, "    },");
    }
    pr_line(p, "};");
    array(e, "int32_t", n.bias, n.units, at_i32, il->bias, L->units);
    if (il->how != OUT_SOFTMAX) {
        array(e, "int32_t", m, n.units, at_i32, il->m, L->units);
        array(e, "uint8_t", shift, n.units, at_u8, il->shift, L->units);
    }
    if (il->how == OUT_LOOKUP) {
        pr_line(p, "/* table[zq + 128] = round(%s(zq·s_z) / s_a), s_a = %.6g */", act_label(L),
                il->out_scale);
        array(e, "int8_t", table, "256", at_i8, il->table, 256);
    }
    pr_blank(p);
}

static void emit_output_constants(const struct emit *e)
{
    const struct integer_net *iq = e->integer;
    char size[SYMBOL_MAX], name[SYMBOL_MAX];
    snprintf(size, sizeof size, "%s_N_OUTPUT", e->up);
    pr_line(e->p, "/* The last layer's logits z = acc·m / 2^shift, in units of s_l = %.6g. */",
            iq->logit_scale);
    snprintf(name, sizeof name, "%s_logit_m", e->name);
    array(e, "int32_t", name, size, at_i32, iq->logit_m, n_output(e));
    snprintf(name, sizeof name, "%s_logit_shift", e->name);
    array(e, "uint8_t", name, size, at_u8, iq->logit_shift, n_output(e));
    if (has_softmax(e)) {
        pr_line(e->p, "/* softmax: pow2[f] = round(2^30 · 2^(-f/256)) */");
        snprintf(name, sizeof name, "%s_pow2", e->name);
        array(e, "int32_t", name, "256", at_i32, iq->pow2, 256);
    }
    pr_blank(e->p);
}

/* ---- NAME.h ---- */

/* The training set's statistics the input is scaled with, for the caller to apply. */
static void emit_input_statistics(const struct emit *e)
{
    const struct export_weights *w = e->weights;
    char line[160];
    pr_line(e->p, " *   (offset, range) of each input i (%s of the training set):",
            w->scale == SCALE_UNIT ? "min, max - min" : "mean, std");
    for (int i = 0; i < w->n_scale; i += 3) {
        size_t k = 0;
        for (int j = i; j < w->n_scale && j < i + 3; j++)
            k += (size_t)snprintf(line + k, sizeof line - k, "%s%d: (%.9g, %.9g)",
                                  j > i ? ", " : "", j, (double)w->scale_offset[j],
                                  (double)w->scale_range[j]);
        pr_line(e->p, " *     %s", line);
    }
}

static void emit_header_doc(const struct emit *e)
{
    const struct network *net = e->net;
    const struct integer_net *iq = e->integer;
    const struct layer *last = &net->layers[last_layer(e)];
    struct printer *p = e->p;
    const char *n = e->name;
    char what[256];
    const int *image = net->layers[0].in_shape;     /* C, H, W */
    if (net->input_rank > 1)
        pr_line(p, "/* The network \"%s\": %d inputs (an image of %d x %d x %d), %d layers, in", n,
                net->input_size, image[DIM_C], image[DIM_H], image[DIM_W], net->nlayers);
    else
        pr_line(p, "/* The network \"%s\": %d inputs, %d layers, in", n, net->input_size,
                net->nlayers);
    pr_line(p, " * integer arithmetic only (int8");
    pr_line(p, " * weights and activations, int32 sums and biases, fixed-point rescaling; no");
    pr_line(p, " * floating point anywhere: it runs on processors without an FPU).");
    pr_line(p, " *");
    for (int l = 0; l < net->nlayers; l++) {
        emit_layer_description(&net->layers[l], what, sizeof what);
        pr_line(p, " *   layer %d, \"%s\": %s", l + 1, net->layers[l].name, what);
    }
    pr_line(p, " *");
    pr_line(p, " * Input: %s_N_INPUT int8 values xq[i] = round(x[i] / S), saturated to [-127, 127],",
            e->up);
    pr_line(p, " *   S = %.9g = %s_INPUT_SCALE_M / 2^%s_INPUT_SCALE_SHIFT, zero point 0, where",
            iq->layers[0].in_scale, e->up, e->up);
    pr_line(p, " *   x[i] is what the float export's %s_predict takes%s", n,
            e->weights->n_scale ? "," : ".");
    if (e->weights->n_scale)
        pr_line(p, " *   then scaled as the trainer did: (x - offset) / range.");
    if (iq->pixels)
        pr_line(p, " *   %s_quantize_image does it in integers from the IDX image's bytes.", n);
    if (e->weights->n_scale)
        emit_input_statistics(e);
    pr_line(p, " * Output: %s_N_OUTPUT int8 values, the %s activation of the last layer:", e->up,
            activation_name(last->act));
    if (last->act == ACT_SIGMOID || last->act == ACT_SOFTMAX || last->act == ACT_TANH)
        pr_line(p, " *   out[k] = round(127·a[k]) (%s_OUTPUT_SCALE: 1/127)%s.", e->up,
                last->act == ACT_SOFTMAX ? ", probabilities summing to about 127" : "");
    else
        pr_line(p, " *   a[k] = out[k]·%.9g (%s_OUTPUT_SCALE_M / 2^%s_OUTPUT_SCALE_SHIFT).",
                iq->layers[last_layer(e)].out_scale, e->up, e->up);
    if (n_output(e) == 1)
        pr_line(p, " * %s_classify: 1 if the output is >= 0.5 (decided on z, finer than out).", n);
    else
        pr_line(p, " * %s_classify: the index of the largest output (the first of equals), decided",
                n);
    if (n_output(e) > 1)
        pr_line(p, " *   on the last layer's pre-activations z in 32-bit fixed point (no exp).");
    pr_line(p, " *");
    pr_line(p, " * Memory: %lld bytes of constant data (flash, %s_WEIGHT_BYTES), no static RAM;",
            weight_bytes(e), e->up);
    pr_line(p, " *   %s_classify and %s_predict at most %lld bytes of stack (%s_STACK_BYTES).", n,
            n, stack_bytes(e), e->up);
    pr_line(p, " * Work: %lld int8 multiply-adds per sample (%s_MACS).", macs(net), e->up);
    pr_line(p, " * Outputs are the same bits with every C compiler and flags.  Thread-safe.");
    pr_line(p, " *");
    pr_line(p, " * Usage:");
    pr_line(p, " *   #include \"%s.h\"", n);
    pr_line(p, " *   int8_t x[%s_N_INPUT] = { ... }, y[%s_N_OUTPUT];", e->up, e->up);
    pr_line(p, " *   %s_predict(x, y);                   (y: the outputs)", n);
    pr_line(p, " *   int k = %s_classify(x);             (k: the class)", n);
    pr_line(p, " *   %s_predict_batch(xs, ys, n);        (n samples, row-major)", n);
    pr_line(p, " *   int bad = %s_selftest();            (0 on a correct port)", n);
    pr_line(p, " * and compile %s.c with your program. */", n);
    pr_blank(p);
}

/* "#define NAME_WHAT value   /+ comment +/" */
static void define(const struct emit *e, const char *what, long long value, const char *comment)
{
    char text[160];
    snprintf(text, sizeof text, "#define %s_%s %lld", e->up, what, value);
    pr_line(e->p, "%-44s /* %s */", text, comment);
}

static void emit_integer_header(const struct emit *e)
{
    const struct integer_net *iq = e->integer;
    struct printer *p = e->p;
    const char *n = e->name;
    emit_header_open(e, ".h", "NETC_INFER", "a trained network for inference in integer "
                     "arithmetic: sizes and entry points.");
    pr_line(p, "#include <stdint.h>");
    pr_blank(p);
    pr_line(p, "#ifdef __cplusplus");
    pr_line(p, "extern \"C\" {");
    pr_line(p, "#endif");
    pr_blank(p);
    emit_header_doc(e);
    pr_open(p, "enum");
    pr_line(p, "%s_N_INPUT = %d,       /* int8 values per input sample */", e->up,
            e->net->input_size);
    pr_line(p, "%s_N_OUTPUT = %d,      /* int8 values per output */", e->up, n_output(e));
    pr_line(p, "%s_N_LAYER = %d", e->up, e->net->nlayers);
    pr_close_with(p, ";");
    define(e, "N_PARAM", network_param_count(e->net), "weights and biases");
    define(e, "WEIGHT_BYTES", weight_bytes(e), "constant data (flash)");
    define(e, "STACK_BYTES", stack_bytes(e), "stack of the entry points");
    define(e, "MACS", macs(e->net), "multiply-adds per sample");
    define(e, "INPUT_SCALE_M", iq->input_scale.m, "the input's scale S = M / 2^SHIFT");
    define(e, "INPUT_SCALE_SHIFT", iq->input_scale.shift, "");
    define(e, "OUTPUT_SCALE_M", iq->output_scale.m, "the output's scale = M / 2^SHIFT");
    define(e, "OUTPUT_SCALE_SHIFT", iq->output_scale.shift, "");
    pr_blank(p);
    emit_layer_constants(e, 0);
    pr_line(p, "/* out[%s_N_OUTPUT] = the network's output for one quantised sample x[%s_N_INPUT]. */",
            e->up, e->up);
    pr_line(p, "void %s_predict(const int8_t *x, int8_t *out);", n);
    pr_line(p, "/* The outputs of n samples (x: n rows of %s_N_INPUT, out: n rows of %s_N_OUTPUT). */",
            e->up, e->up);
    pr_line(p, "void %s_predict_batch(const int8_t *x, int8_t *out, int n);", n);
    pr_line(p, "/* The predicted class of one quantised sample. */");
    pr_line(p, "int %s_classify(const int8_t *x);", n);
    if (iq->pixels) {
        pr_line(p, "/* x[%s_N_INPUT] = an IDX image's bytes quantised as the input wants them:",
                e->up);
        pr_line(p, " * round(byte·%s / S), in integers. */",
                e->net->data.format == DATA_NONE || e->net->data.scale == SCALE_UNIT
                ? "(1/255)" : "1");
        pr_line(p, "void %s_quantize_image(const uint8_t *pixels, int8_t *x);", n);
    }
    infer_class_names_declaration(e);
    pr_line(p, "/* How many of %d recorded samples' outputs and classes differ from those netc",
            N_SELFTEST);
    pr_line(p, " * computed when it exported the network (the same integer arithmetic): 0 on a");
    pr_line(p, " * correct port, anything else means a broken one. */");
    pr_line(p, "int %s_selftest(void);", n);
    pr_blank(p);
    pr_line(p, "#ifdef __cplusplus");
    pr_line(p, "}");
    pr_line(p, "#endif");
    pr_blank(p);
    pr_line(p, "#endif");
}

/* ---- NAME.c ---- */

/* compiler/kernels/int8_integer.h, one string per line */
static const char *const int8_integer_h[] = {
#include "kernels/int8_integer.inc"
};

static void emit_prelude(const struct emit *e)
{
    struct printer *p = e->p;
    char arch[1024];
    emit_provenance(e, ".c", "a trained network's forward pass in integer arithmetic, "
                    "weights included.");
    pr_line(p, "#include \"%s.h\"", e->name);
    pr_blank(p);
    pr_line(p, "#include <stddef.h>");
    pr_line(p, "#include <stdint.h>");
    pr_blank(p);
    pr_line(p, "#if defined(__cplusplus)     /* this file also compiles as C++ */");
    pr_line(p, "#define restrict __restrict");
    pr_line(p, "#endif");
    pr_blank(p);
    emit_architecture(e->net, arch, sizeof arch);
    pr_line(p, "/* %s, quantised to int8 by netc, integers only (docs/export.md,", arch);
    pr_line(p, " * \"Fully integer export\").  Each layer's z = W·x + b, a = f(z) runs as");
    pr_line(p, " *   acc[o] = bq[o] + Σ_i Wq[o][i]·xq[i]     int32, exact (netc checked the bound)");
    pr_line(p, " *   a[o]   = acc[o]·m[o] / 2^shift[o]      relu, linear: saturated to [0 or -127, 127]");
    pr_line(p, " *   a[o]   = table[zq + 128],  zq = acc[o]·m[o] / 2^shift[o] in [-128, 127]");
    pr_line(p, " *                                         sigmoid, tanh, leaky_relu");
    pr_line(p, " * with xq the layer's int8 input (scale s_x), Wq[o][i] = round(W[o][i] / s_w[o]),");
    pr_line(p, " * bq[o] = round(b[o] / (s_x·s_w[o])), and m / 2^shift the real factor s_x·s_w[o]");
    pr_line(p, " * divided by the activation's scale s_a (the next layer's s_x) or the table");
    pr_line(p, " * input's s_z.  The last layer's z = acc·m / 2^shift in int32 gives the class");
    pr_line(p, " * (its largest) and softmax's input. */");
    pr_blank(p);
    pr_line(p, "/* ---- Kernels ---- */");
    pr_blank(p);
    pr_lines(p, int8_integer_h, sizeof int8_integer_h / sizeof int8_integer_h[0]);
    pr_blank(p);
}

/* The activation of one position's sums acc into a (N values, stride apart). */
static void emit_activation_call(const struct emit *e, int l, const char *a, const char *n,
                                 const char *stride)
{
    const struct integer_layer *il = &e->integer->layers[l];
    char m[SYMBOL_MAX], shift[SYMBOL_MAX], table[SYMBOL_MAX];
    layer_array_name(m, e, l, "m");
    layer_array_name(shift, e, l, "shift");
    layer_array_name(table, e, l, "table");
    char sizes[3 * SYMBOL_MAX];
    if (il->how == OUT_SOFTMAX) {
        pr_line(e->p, "softmax_int(%s, z, %s, %ld, %d, %s_pow2);", a, n,
                (long)e->integer->softmax_exp.m, e->integer->softmax_exp.shift, e->name);
        return;
    }
    if (il->how == OUT_LOOKUP)
        snprintf(sizes, sizeof sizes, "%s, %s", n, stride);
    else
        snprintf(sizes, sizeof sizes, "%s, %s, %d", n, stride, il->lo);
    const char *f = il->how == OUT_LOOKUP ? "lookup" : "requantize";
    char args[4 * SYMBOL_MAX + EXPR_MAX];
    snprintf(args, sizeof args, "%s(%s, acc, %s, %s%s%s,", f, a, m, shift,
             il->how == OUT_LOOKUP ? ", " : "", il->how == OUT_LOOKUP ? table : "");
    if (strlen(args) + strlen(sizes) < 80) {
        pr_line(e->p, "%s %s);", args, sizes);
    } else {                            /* a conv layer's longer names */
        pr_line(e->p, "%s", args);
        pr_line(e->p, "%*s%s);", (int)strlen(f) + 1, "", sizes);
    }
}

/* The comment's lines after the title: the sums, the logits, the activation. */
static void emit_equations(const struct emit *e, int l, const char *sums)
{
    const struct integer_layer *il = &e->integer->layers[l];
    struct printer *p = e->p;
    pr_line(p, " *   %s,   x: the %s", sums, l == 0 ? "network's input" :
            "previous layer's activation a");
    if (l == last_layer(e))
        pr_line(p, " *   z = acc·m_l / 2^shift_l (the logits)");
    if (il->how == OUT_SOFTMAX)
        pr_line(p, " *   a = round(127·softmax(z)), in fixed point */");
    else if (il->how == OUT_LOOKUP)
        pr_line(p, " *   a = table[acc·m / 2^shift + 128] */");
    else
        pr_line(p, " *   a = acc·m / 2^shift saturated to [%d, 127] */", il->lo);
}

/* "static void layerN_forward(int8_t *restrict a, const int8_t *restrict x" and more. */
static void emit_signature(const struct emit *e, int l, const char *more)
{
    char head[SYMBOL_MAX + 16];
    const int indent = snprintf(head, sizeof head, "static void %s(", layer_names(e, l).forward);
    if (!more[0]) {
        pr_line(e->p, "%sint8_t *restrict a, const int8_t *restrict x)", head);
        return;
    }
    pr_line(e->p, "%sint8_t *restrict a, const int8_t *restrict x,", head);
    pr_line(e->p, "%*s%s)", indent, "", more);
}

/* layerN_forward(a, x, acc) (the last layer: (a, x, acc, z)) for a dense layer. */
static void emit_dense_layer(const struct emit *e, int l)
{
    const struct layer *L = &e->net->layers[l];
    const struct layer_names n = layer_names(e, l);
    const int last = l == last_layer(e);
    struct printer *p = e->p;
    pr_line(p, "/* Layer %d, \"%s\" (line %d): %d -> %d, %s; forward, in integers.", l + 1,
            L->name, L->line, L->in, L->out, act_label(L));
    emit_equations(e, l, "acc = bq + Wq·x");
    emit_signature(e, l, last ? "int32_t *restrict acc, int32_t *restrict z"
                              : "int32_t *restrict acc");
    pr_block(p);
    pr_line(p, "dense_int(acc, &%s[0][0], x, %s, %s, %s);", n.wq, n.bias, n.out, n.in);
    if (last)
        pr_line(p, "logits(z, acc, %s_logit_m, %s_logit_shift, %s);", e->name, e->name, n.out);
    emit_activation_call(e, l, "a", n.out, "1");
    pr_close(p);
    pr_blank(p);
}

/* layerN_forward(a, x, acc, col): at each output position, the input under the kernel
 * (col), the sums of every filter, their activations into a[OUT_C][OUT_H][OUT_W]. */
static void emit_conv_layer(const struct emit *e, int l)
{
    const struct layer *L = &e->net->layers[l];
    const struct layer_names n = layer_names(e, l);
    const struct image_names c = image_names(e, l);
    struct printer *p = e->p;
    char what[256], a[EXPR_MAX];
    emit_layer_description(L, what, sizeof what);
    pr_line(p, "/* Layer %d, \"%s\" (line %d): %s;", l + 1, L->name, L->line, what);
    pr_line(p, " * forward in integers, one output position p = (y, x) at a time: col = the input");
    pr_line(p, " * under the kernel there,");
    emit_equations(e, l, "acc[o] = bq[o] + Σ_k Wq[o][k]·col[k], a[o][p] = f(acc[o])");
    emit_signature(e, l, "int32_t *restrict acc, int8_t *restrict col");
    pr_block(p);
    pr_open(p, "for (int oy = 0; oy < %s; oy++)", c.out_h);
    pr_open(p, "for (int ox = 0; ox < %s; ox++)", c.out_w);
    pr_line(p, "column_int(col, x, %s, %s, %s,", c.in_c, c.in_h, c.in_w);
    pr_line(p, "           %s, %s,", c.kh, c.kw);
    pr_line(p, "           oy * %s - %s,", c.sh, c.ph);
    pr_line(p, "           ox * %s - %s);", c.sw, c.pw);
    pr_line(p, "dense_int(acc, &%s[0][0], col, %s, %s, %s);", n.wq, n.bias, c.out_c, c.fan_in);
    snprintf(a, sizeof a, "a + oy * %s + ox", c.out_w);
    emit_activation_call(e, l, a, c.out_c, c.pos);
    pr_close(p);
    pr_close(p);
    pr_close(p);
    pr_blank(p);
}

/* layerN_forward(a, x) for a pooling layer: pool_int, the input's scale kept. */
static void emit_pool_layer(const struct emit *e, int l)
{
    const struct layer *L = &e->net->layers[l];
    const struct image_names c = image_names(e, l);
    struct printer *p = e->p;
    char what[256];
    emit_layer_description(L, what, sizeof what);
    pr_line(p, "/* Layer %d, \"%s\" (line %d): %s;", l + 1, L->name, L->line, what);
    pr_line(p, " * forward in int8: %s, the scale unchanged. */", L->kind == LAYER_MAXPOOL
            ? "the largest value" : "the mean, rounded half away from zero");
    emit_signature(e, l, "");
    pr_block(p);
    pr_line(p, "pool_int(a, x, %s, %s, %s,", c.in_c, c.in_h, c.in_w);
    pr_line(p, "         %s, %s,", c.out_h, c.out_w);
    pr_line(p, "         %s, %s, %s, %s, %d);", c.kh, c.kw, c.sh, c.sw,
            L->kind == LAYER_MAXPOOL);
    pr_close(p);
    pr_blank(p);
}

static void emit_layer(const struct emit *e, int l)
{
    switch (e->net->layers[l].kind) {
    case LAYER_DENSE: emit_dense_layer(e, l); break;
    case LAYER_CONV: emit_conv_layer(e, l); break;
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL: emit_pool_layer(e, l); break;
    case LAYER_DROPOUT: break;          /* nothing at inference */
    }
}

/* "layerN_forward(a, in, ...)": a layer's call in forward(). */
static void emit_call(const struct emit *e, int l, const char *a, const char *in)
{
    const char *forward = layer_names(e, l).forward;
    switch (e->net->layers[l].kind) {
    case LAYER_DENSE:
        pr_line(e->p, "%s(%s, %s, acc%s);", forward, a, in, l == last_layer(e) ? ", z" : "");
        break;
    case LAYER_CONV: pr_line(e->p, "%s(%s, %s, acc, col);", forward, a, in); break;
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL: pr_line(e->p, "%s(%s, %s);", forward, a, in); break;
    case LAYER_DROPOUT: break;
    }
}

/* forward(x, out, z): the layers in turn through h0 and h1 (dropout: nothing to do). */
static void emit_forward(const struct emit *e)
{
    struct printer *p = e->p;
    const int L = e->net->nlayers;
    const struct widths w = widths_of(e->net);
    char in[8] = "x", a[8];
    int hidden = 0, turn = 0;           /* layers before the last: h0, h1, h0, ... */
    for (int l = 0; l < L - 1; l++)
        hidden += e->net->layers[l].kind != LAYER_DROPOUT;
    pr_line(p, "/* out = the network's output and z the last layer's logits for one sample x,");
    pr_line(p, " * through h0 and h1 (the hidden activations, by turns) and acc (a layer's sums)%s",
            w.col ? "," : ". */");
    if (w.col)
        pr_line(p, " * col: a conv layer's input under its kernel. */");
    pr_line(p, "static void forward(const int8_t *restrict x, int8_t *restrict out, int32_t *restrict z)");
    pr_block(p);
    if (hidden == 1)
        pr_line(p, "int8_t h0[%d];", w.hidden);
    else if (hidden > 1)
        pr_line(p, "int8_t h0[%d], h1[%d];", w.hidden, w.hidden);
    pr_line(p, "int32_t acc[%d];", w.units);
    if (w.col)
        pr_line(p, "int8_t col[%d];", w.col);
    for (int l = 0; l < L; l++) {
        if (e->net->layers[l].kind == LAYER_DROPOUT) {
            pr_line(p, "/* layer %d, \"%s\": dropout, nothing at inference */", l + 1,
                    e->net->layers[l].name);
            continue;
        }
        snprintf(a, sizeof a, l == L - 1 ? "out" : "h%d", turn);
        emit_call(e, l, a, in);
        snprintf(in, sizeof in, "%s", a);
        turn ^= 1;
    }
    pr_close(p);
    pr_blank(p);
}

static void emit_entry_points(const struct emit *e)
{
    const struct integer_net *iq = e->integer;
    struct printer *p = e->p;
    const char *n = e->name;
    pr_line(p, "void %s_predict(const int8_t *x, int8_t *out)", n);
    pr_block(p);
    pr_line(p, "int32_t z[%s_N_OUTPUT];", e->up);
    pr_line(p, "forward(x, out, z);");
    pr_close(p);
    pr_blank(p);
    pr_line(p, "void %s_predict_batch(const int8_t *x, int8_t *out, int n)", n);
    pr_block(p);
    pr_line(p, "for (int i = 0; i < n; i++)");
    pr_line(p, "    %s_predict(x + (size_t)i * %s_N_INPUT, out + (size_t)i * %s_N_OUTPUT);", n,
            e->up, e->up);
    pr_close(p);
    pr_blank(p);
    pr_line(p, "int %s_classify(const int8_t *x)", n);
    pr_block(p);
    pr_line(p, "int8_t out[%s_N_OUTPUT];", e->up);
    pr_line(p, "int32_t z[%s_N_OUTPUT];", e->up);
    pr_line(p, "forward(x, out, z);");
    if (n_output(e) == 1 && iq->threshold == INT32_MIN)
        pr_line(p, "return 1;   /* softmax over one output is 1 */");
    else if (n_output(e) == 1)
        pr_line(p, "return z[0] >= %ld;   /* f(z) >= 0.5 */", (long)iq->threshold);
    else if (iq->class_floor == INT32_MIN)
        pr_line(p, "return argmax_int(z, %s_N_OUTPUT, INT32_MIN);", e->up);
    else
        pr_line(p, "return argmax_int(z, %s_N_OUTPUT, 0);   /* relu: the largest of max(z, 0) */",
                e->up);
    pr_close(p);
    pr_blank(p);
    if (!iq->pixels)
        return;
    pr_line(p, "void %s_quantize_image(const uint8_t *pixels, int8_t *x)", n);
    pr_block(p);
    pr_line(p, "for (int k = 0; k < %s_N_INPUT; k++)", e->up);
    pr_line(p, "    x[k] = saturate_i8(rescale(pixels[k], %ld, %d), -127);", (long)iq->pixel.m,
            iq->pixel.shift);
    pr_close(p);
    pr_blank(p);
}

/* ---- NAME_selftest ---- */

/* Sample s's input: pseudo-random int8 values over the whole range [-127, 127]. */
static void selftest_input(const struct network *net, int s, int8_t *x)
{
    uint64_t state = 0x9E3779B97F4A7C15ull * (uint64_t)(s + 1);
    for (int j = 0; j < net->input_size; j++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        x[j] = (int8_t)((int)((state >> 33) % 255) - 127);
    }
}

static void emit_selftest(const struct emit *e)
{
    const struct network *net = e->net;
    const int n_out = n_output(e);
    int8_t *x = malloc((size_t)N_SELFTEST * net->input_size);
    int8_t *y = malloc((size_t)N_SELFTEST * n_out);
    int32_t classes[N_SELFTEST];
    struct printer *p = e->p;
    char size[200], name[NETC_MAX_NAME + 16];
    if (!x || !y) {
        free(x), free(y);
        pr_line(p, "#error netc ran out of memory writing the self-test");
        return;
    }
    for (int s = 0; s < N_SELFTEST; s++) {
        selftest_input(net, s, x + (size_t)s * net->input_size);
        classes[s] = integer_forward(net, e->quant, e->integer, x + (size_t)s * net->input_size,
                                     y + (size_t)s * n_out);
    }
    pr_line(p, "/* The self-test: %d pseudo-random inputs, their outputs and classes, computed by",
            N_SELFTEST);
    pr_line(p, " * netc with these kernels when it wrote this file. */");
    snprintf(size, sizeof size, "%d * %s_N_INPUT", N_SELFTEST, e->up);
    snprintf(name, sizeof name, "%s_selftest_x", e->name);
    array(e, "int8_t", name, size, at_i8, x, (long long)N_SELFTEST * net->input_size);
    snprintf(size, sizeof size, "%d * %s_N_OUTPUT", N_SELFTEST, e->up);
    snprintf(name, sizeof name, "%s_selftest_y", e->name);
    array(e, "int8_t", name, size, at_i8, y, (long long)N_SELFTEST * n_out);
    snprintf(size, sizeof size, "%d", N_SELFTEST);
    snprintf(name, sizeof name, "%s_selftest_class", e->name);
    array(e, "int32_t", name, size, at_i32, classes, N_SELFTEST);
    pr_blank(p);
    pr_line(p, "int %s_selftest(void)", e->name);
    pr_block(p);
    pr_line(p, "int8_t out[%s_N_OUTPUT];", e->up);
    pr_line(p, "int bad = 0;");
    pr_open(p, "for (int s = 0; s < %d; s++)", N_SELFTEST);
    pr_line(p, "const int8_t *x = %s_selftest_x + s * %s_N_INPUT;", e->name, e->up);
    pr_line(p, "%s_predict(x, out);", e->name);
    pr_line(p, "for (int k = 0; k < %s_N_OUTPUT; k++)", e->up);
    pr_line(p, "    bad += out[k] != %s_selftest_y[s * %s_N_OUTPUT + k];", e->name, e->up);
    pr_line(p, "bad += %s_classify(x) != %s_selftest_class[s];", e->name, e->name);
    pr_close(p);
    pr_line(p, "return bad;");
    pr_close(p);
    free(x);
    free(y);
}

static void emit_integer_source(const struct emit *e)
{
    emit_prelude(e);
    pr_line(e->p, "/* ---- The quantised weights and the fixed-point factors ---- */");
    pr_blank(e->p);
    for (int l = 0; l < e->net->nlayers; l++)
        if (layer_has_weights(&e->net->layers[l]))
            emit_layer_constants_int(e, l);
    emit_output_constants(e);
    pr_line(e->p, "/* ---- The layers ---- */");
    pr_blank(e->p);
    for (int l = 0; l < e->net->nlayers; l++)
        emit_layer(e, l);
    emit_forward(e);
    emit_entry_points(e);
    infer_class_names_definition(e);
    emit_selftest(e);
}

int emit_infer_integer(const struct network *net, const struct export_weights *w,
                       const struct quantized *q, const struct integer_net *iq,
                       const char *outdir, const char *command_line, char *errbuf,
                       size_t errlen)
{
    static const struct emit_file files[] = {
        { ".h", emit_integer_header },
        { ".c", emit_integer_source },
    };
    struct emit e;
    if (emit_validate(net, errbuf, errlen) != 0)
        return -1;
    emit_start(&e, net, command_line);
    e.weights = w;
    e.quant = q;
    e.integer = iq;
    return emit_write_files(&e, outdir, files, (int)(sizeof files / sizeof files[0]), errbuf,
                            errlen);
}
