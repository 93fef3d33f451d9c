/* int8.c - `--emit infer --quantize int8`: the layers in integer arithmetic.
 *
 * Each layer quantises its input with the scale netc calibrated (quantize.c), sums
 * int8 × int8 products in int32, and goes back to float for the bias and the activation.
 * Weights are kept as Wq4[G][OUT·4]: for each group g of four inputs, every output's
 * four weights side by side (kernels/int8.h), so that one vector holds four inputs'
 * weights for 16 or 8 outputs and the integer dot-product instructions (vpdpbusd,
 * vpmaddubsw) sum four products into each output's int32 lane.  A conv layer is the same
 * product at every output position: its input image is quantised once, copied under the
 * kernel at each position into int8 columns (im2col, as the float layers do), and
 * dense_i8 runs over B·POS rows.  Pooling and dropout have no weights and run in float, with the
 * float export's functions.  The entry points, the forward pass over the layers and the
 * self-test are infer.c's, shared with the float export.
 */
#include "infer/infer_internal.h"
#include "infer/quantize.h"

#include <stdio.h>
#include <string.h>

/* Whether any layer is not dense (conv, pooling, dropout). */
static int has_spatial(const struct network *net)
{
    for (int l = 0; l < net->nlayers; l++)
        if (net->layers[l].kind != LAYER_DENSE)
            return 1;
    return 0;
}

static void emit_scheme(const struct emit *e)
{
    struct printer *p = e->p;
    char arch[1024];
    emit_architecture(e->net, arch, sizeof arch);
    pr_line(p, "/* %s, quantised to int8 by netc.", arch);
    pr_line(p, " *");
    pr_line(p, " * Each layer's z = W·x + b, a = f(z) runs as (docs/export.md, \"Quantised export\"):");
    pr_line(p, " *   xq[i]  = round(x[i] / s_x), saturated to [-127, 127]");
    pr_line(p, " *                 the input in int8, with the layer's scale s_x = max |x| / 127");
    pr_line(p, " *                 over %d training samples (larger inputs saturate)",
            e->quant->n_calibration);
    pr_line(p, " *   acc[o] = Σ_i Wq[o][i]·xq[i]");
    pr_line(p, " *                 int8 products summed in int32: exact, and netc checked that");
    pr_line(p, " *                 no sum can overflow");
    pr_line(p, " *   z[o]   = s_x·s_w[o]·acc[o] + b[o]");
    pr_line(p, " *                 back to float; Wq[o][i] = round(W[o][i] / s_w[o]) with one scale");
    pr_line(p, " *                 per output, s_w[o] = max_i |W[o][i]| / 127");
    pr_line(p, " * The sums run on AVX-512 VNNI (vpdpbusd), AVX2 (vpmaddubsw, vpmaddwd) or in plain C,");
    pr_line(p, " * whichever the compiler targets: exact integers, so the same outputs from each.");
    if (has_spatial(e->net)) {
        pr_line(p, " *   a      = f(z) in float, as the float network computes it.");
        pr_line(p, " * A conv layer is that dense layer at every output position, i over the input");
        pr_line(p, " * under the kernel there (W: filters x C·KH·KW, s_w one scale per filter).");
        pr_line(p, " * Pooling and dropout layers have no weights and run in float. */");
    } else {
        pr_line(p, " *   a      = f(z) in float, as the float network computes it. */");
    }
    pr_blank(p);
}

static int uses_exp(const struct network *net)
{
    for (int l = 0; l < net->nlayers; l++)
        if (net->layers[l].act == ACT_SIGMOID || net->layers[l].act == ACT_SOFTMAX)
            return 1;
    return 0;
}

static void emit_prelude(const struct emit *e)
{
    struct printer *p = e->p;
    emit_provenance(e, ".c", "a trained network's forward pass in int8 arithmetic, weights "
                    "included.");
    pr_line(p, "#include \"%s.h\"", e->name);
    pr_blank(p);
    pr_line(p, "#include <math.h>");
    pr_line(p, "#include <stddef.h>");
    pr_line(p, "#include <stdint.h>");
    pr_line(p, "#include <string.h>");
    pr_blank(p);
    pr_line(p, "#if defined(__cplusplus)     /* this file also compiles as C++ */");
    pr_line(p, "#define restrict __restrict");
    pr_line(p, "#endif");
    pr_blank(p);
    emit_scheme(e);
    if (uses_exp(e->net)) {     /* e^x as the float export computes it, in vectors */
        pr_line(p, "/* ---- e^x for the activations ---- */");
        pr_blank(p);
        emit_kernels_exp(e);
        pr_blank(p);
    }
    emit_activation_constants(e);
}

/* compiler/kernels/int8.h (quantize, dequantize, dense_i8 and its vector paths), one
 * string per line */
static const char *const int8_h[] = {
#include "kernels/int8.inc"
};

static void emit_kernels_int8(const struct emit *e)
{
    pr_line(e->p, "/* ---- Kernels ---- */");
    pr_blank(e->p);
    pr_lines(e->p, int8_h, sizeof int8_h / sizeof int8_h[0]);
    pr_blank(e->p);
}

/* "static const int8_t NAME_lN_wq[KP / 4][OUT * 4] = { ... };": for each group g of four
 * inputs, Wq[o][4g + j] at [g][4o + j] (0 past the last input), four outputs a line; a
 * conv layer's rows are its filters. */
static void emit_int8_matrix(const struct emit *e, int layer)
{
    const struct layer *L = &e->net->layers[layer];
    const int8_t *wq = e->quant->layers[layer].wq;
    struct printer *p = e->p;
    const struct layer_names n = layer_names(e, layer);
    char kp[SYMBOL_MAX];
    char line[16 * 6 + 1];     /* "-127, " at most, sixteen times */
    layer_constant(kp, e, layer, "KP");
    pr_line(p, "static const int8_t %s[%s / 4][%s * 4] = {", n.wq, kp, n.units);
    for (int g = 0; 4 * g < L->fan_in; g++) {
        pr_line(p, "    {   /* inputs %d to %d */", 4 * g, 4 * g + 3);
        for (int o0 = 0; o0 < L->units; o0 += 4) {
            size_t k = 0;
            for (int o = o0; o < L->units && o < o0 + 4; o++)
                for (int j = 4 * g; j < 4 * g + 4; j++)
                    k += (size_t)snprintf(line + k, sizeof line - k, "%s%d,", k ? " " : "",
                                          j < L->fan_in ? wq[(size_t)o * L->fan_in + j] : 0);
            pr_line(p, "        %s", line);
        }
        pr_line(p, "    },");
    }
    pr_line(p, "};");
}

static void emit_layer_weights(const struct emit *e, int layer)
{
    const struct layer *L = &e->net->layers[layer];
    const struct quant_layer *ql = &e->quant->layers[layer];
    struct printer *p = e->p;
    const struct layer_names n = layer_names(e, layer);
    char a[LIT_MAX], b[LIT_MAX], kp[SYMBOL_MAX];
    layer_constant(kp, e, layer, "KP");
    pr_line(p, "/* Layer %d, \"%s\": inputs quantised with s_x = %s (max |x| = %.6g in calibration);",
            layer + 1, L->name, lit_float(a, ql->x_scale), ql->x_max);
    pr_line(p, " * %s and the bias as trained; Wq4[g][4o + j] = Wq[o][4g + j], %s (the inputs",
            L->kind == LAYER_CONV ? "Wq[OUT_C][FAN_IN] (torch's [out, in, kh, kw], one row per "
            "filter), s_w[OUT_C]" : "Wq[OUT][IN], s_w[OUT]", kp);
    pr_line(p, " * in whole groups of four) a multiple of 4. */");
    pr_line(p, "enum { %s = (%s + 3) / 4 * 4 };", kp, n.fan_in);
    pr_line(p, "static const float %s = %s, %s = %s;", n.x_scale, a, n.x_inv_scale,
            lit_float(b, ql->x_inv_scale));
    emit_int8_matrix(e, layer);
    infer_float_array(e, n.w_scale, n.units, ql->w_scale, L->units);
    infer_float_array(e, n.bias, n.units, e->weights->bias[layer], L->units);
    pr_blank(p);
}

/* Layer `layer`'s input quantised into images padded with zeros all round (xp: B
 * images of IN_C x PADDED_H x PADDED_W), so that the columns copy without a test. */
static void emit_conv_quantize(const struct emit *e, int layer, const char *ph, const char *pw)
{
    const struct layer *L = &e->net->layers[layer];
    const struct layer_names n = layer_names(e, layer);
    struct printer *p = e->p;
    char c[SYMBOL_MAX], h[SYMBOL_MAX], w[SYMBOL_MAX], pad_h[SYMBOL_MAX], pad_w[SYMBOL_MAX];
    layer_constant(c, e, layer, "IN_C");
    layer_constant(h, e, layer, "IN_H");
    layer_constant(w, e, layer, "IN_W");
    layer_constant(pad_h, e, layer, "PAD_H");
    layer_constant(pad_w, e, layer, "PAD_W");
    pr_line(p, "/* Layer %d's input quantised (quantize()), each channel padded with %s rows and %s",
            layer + 1, pad_h, pad_w);
    pr_line(p, " * columns of zeros all round: xp[b][c][%s + y][%s + x] = round(x[b][c][y][x] / s_x).",
            pad_h, pad_w);
    pr_line(p, " * Returns 1 if any value is negative. */");
    pr_line(p, "static int layer%d_quantize(int8_t *restrict xp, const float *restrict x, int B)",
            layer + 1);
    pr_block(p);
    if (L->padding[0] == 0 && L->padding[1] == 0) {
        pr_line(p, "return quantize(xp, x, 1, B * %s, B * %s, %s);", n.in, n.in, n.x_inv_scale);
        pr_close(p);
        pr_blank(p);
        return;
    }
    pr_line(p, "int negative = 0;");
    pr_open(p, "for (int c = 0; c < B * %s; c++)", c);
    pr_line(p, "int8_t *plane = xp + (size_t)c * %s * %s;", ph, pw);
    pr_line(p, "memset(plane, 0, (size_t)%s * %s);", pad_h, pw);
    pr_open(p, "for (int y = 0; y < %s; y++)", h);
    pr_line(p, "int8_t *row = plane + (size_t)(%s + y) * %s;", pad_h, pw);
    pr_line(p, "memset(row, 0, %s);", pad_w);
    pr_line(p, "negative |= quantize(row + %s, x + ((size_t)c * %s + y) * %s, 1, %s, %s + %s, %s);",
            pad_w, h, w, w, w, pad_w, n.x_inv_scale);
    pr_close(p);
    pr_line(p, "memset(plane + (size_t)(%s + %s) * %s, 0, (size_t)%s * %s);", pad_h, h, pw, pad_h,
            pw);
    pr_close(p);
    pr_line(p, "return negative;");
    pr_close(p);
    pr_blank(p);
}

/* Layer `layer`'s quantised input under the kernel at each output position, rows of KP
 * bytes as dense_i8 takes them (im2col, as the float layers' layerN_columns), from the
 * padded images: each kernel row's KW values are one copy. */
static void emit_conv_columns(const struct emit *e, int layer)
{
    const struct layer_names n = layer_names(e, layer);
    struct printer *p = e->p;
    char c[6][SYMBOL_MAX], kh[SYMBOL_MAX], kw[SYMBOL_MAX], sh[SYMBOL_MAX], sw[SYMBOL_MAX];
    char ph[SYMBOL_MAX], pw[SYMBOL_MAX], kp[SYMBOL_MAX], pad_h[SYMBOL_MAX], pad_w[SYMBOL_MAX];
    static const char *const dims[] = { "IN_C", "IN_H", "IN_W", "OUT_H", "OUT_W", "FAN_IN" };
    for (int d = 0; d < 6; d++)
        layer_constant(c[d], e, layer, dims[d]);
    layer_constant(kh, e, layer, "KH");
    layer_constant(kw, e, layer, "KW");
    layer_constant(sh, e, layer, "STRIDE_H");
    layer_constant(sw, e, layer, "STRIDE_W");
    layer_constant(pad_h, e, layer, "PAD_H");
    layer_constant(pad_w, e, layer, "PAD_W");
    layer_constant(ph, e, layer, "PADDED_H");
    layer_constant(pw, e, layer, "PADDED_W");
    layer_constant(kp, e, layer, "KP");
    pr_line(p, "enum { %s = %s + 2 * %s, %s = %s + 2 * %s };   /* layer %d's padded image */", ph,
            c[1], pad_h, pw, c[2], pad_w, layer + 1);
    pr_blank(p);
    emit_conv_quantize(e, layer, ph, pw);
    pr_line(p, "/* Layer %d's quantised input under the kernel at each output position (\"im2col\"):",
            layer + 1);
    pr_line(p, " *   cols[b][p][k] = xp[b][c][y·STRIDE + i][x·STRIDE + j]   (the padded image)");
    pr_line(p, " * p = y·OUT_W + x, k = (c·KH + i)·KW + j: Wq[o][k]'s order; a row is KP bytes, 0 after");
    pr_line(p, " * FAN_IN. */");
    pr_line(p, "static void %s(int8_t *restrict cols, const int8_t *restrict xp, int B)",
            n.columns);
    pr_block(p);
    pr_open(p, "for (int b = 0; b < B; b++)");
    pr_open(p, "for (int oy = 0; oy < %s; oy++)", c[3]);
    pr_open(p, "for (int ox = 0; ox < %s; ox++)", c[4]);
    pr_line(p, "int8_t *col = cols + (size_t)((b * %s + oy) * %s + ox) * %s;", c[3], c[4], kp);
    pr_line(p, "int k = 0;");
    pr_line(p, "for (int ch = 0; ch < %s; ch++)", c[0]);
    pr_line(p, "    for (int i = 0; i < %s; i++, k += %s)", kh, kw);
    pr_line(p, "        memcpy(col + k, xp + ((size_t)(b * %s + ch) * %s + oy * %s + i) * %s + ox * %s, %s);",
            c[0], ph, sh, pw, sw, kw);
    pr_line(p, "for (; k < %s; k++)", kp);
    pr_line(p, "    col[k] = 0;");
    for (int i = 0; i < 4; i++)
        pr_close(p);
    pr_blank(p);
}

/* A conv layer in int8: quantise the image, its columns, dense_i8 over B·POS rows, back
 * to channels x height x width, the activation in float. */
static void emit_conv_layer(const struct emit *e, int layer)
{
    const struct layer *L = &e->net->layers[layer];
    struct printer *p = e->p;
    const struct layer_names n = layer_names(e, layer);
    char pos[SYMBOL_MAX], kp[SYMBOL_MAX], description[256];
    layer_constant(pos, e, layer, "POS");
    layer_constant(kp, e, layer, "KP");
    emit_conv_columns(e, layer);
    emit_layer_description(L, description, sizeof description);
    pr_line(p, "/* Layer %d, \"%s\" (line %d): %s; forward, in int8.", layer + 1, L->name,
            L->line, description);
    pr_line(p, " *   z[o][y][x] = bias[o] + Σ_c Σ_i Σ_j W[o][c][i][j] x[c][y·S − P + i][x·S − P + j]");
    pr_line(p, " *   a = %s", act_equation(L->act));
    pr_line(p, " * computed as xq = round(x / s_x) (padded), cols = xq under the kernel at each position p,");
    pr_line(p, " *   zt[p][o] = s_x·s_w[o]·Σ_k Wq[o][k]·cols[p][k] + b[o]   (a dense layer at every p)");
    pr_line(p, " * and z = zt transposed to channels x height x width.  x: the %s.",
            layer == 0 ? "network's input" : "previous layer's activation a");
    pr_line(p, " * B = batch, S = stride, P = padding; xq: room for B padded images, cols: B·POS rows of");
    pr_line(p, " * KP, zt: B·POS rows of OUT_C. */");
    char head[SYMBOL_MAX + 16];
    const int indent = snprintf(head, sizeof head, "static void %s(", n.forward);
    pr_line(p, "%sfloat *restrict z, float *restrict a, const float *restrict x,", head);
    pr_line(p, "%*sint8_t *restrict xq, int8_t *restrict cols, float *restrict zt, int B)",
            indent, "");
    pr_block(p);
    pr_line(p, "const int negative = layer%d_quantize(xq, x, B);", layer + 1);
    pr_line(p, "%s(cols, xq, B);", n.columns);
    pr_line(p, "dense_i8(zt, &%s[0][0], cols, B * %s, %s, %s, negative,", n.wq, pos, n.units, kp);
    pr_line(p, "         %s, %s, %s);", n.x_scale, n.w_scale, n.bias);
    pr_line(p, "/* z[b][o][p] = zt[b][p][o] */");
    pr_line(p, "for (int b = 0; b < B; b++)");
    pr_line(p, "    for (int o = 0; o < %s; o++)", n.units);
    pr_line(p, "        for (int q = 0; q < %s; q++)", pos);
    pr_line(p, "            z[(size_t)b * %s + o * %s + q] = zt[((size_t)b * %s + q) * %s + o];",
            n.out, pos, pos, n.units);
    emit_activation_forward(e, layer);
    pr_close(p);
    pr_blank(p);
}

static void emit_layer(const struct emit *e, int layer)
{
    const struct layer *L = &e->net->layers[layer];
    if (L->kind == LAYER_CONV) {
        emit_conv_layer(e, layer);
        return;
    }
    if (L->kind != LAYER_DENSE) {       /* pooling, dropout: the float export's */
        emit_layer_forward(e, layer);
        pr_blank(e->p);
        return;
    }
    struct printer *p = e->p;
    const struct layer_names n = layer_names(e, layer);
    pr_line(p, "/* Layer %d, \"%s\" (line %d): %d -> %d, %s; forward, in int8.", layer + 1,
            L->name, L->line, L->in, L->out, activation_name(L->act));
    pr_line(p, " *   xq = round(x / s_x), z = s_x·s_w·(Wq·xq) + b,   x: the %s",
            layer == 0 ? "network's input" : "previous layer's activation a");
    pr_line(p, " *   a = %s", act_equation(L->act));
    pr_line(p, " * B = batch, IN = %d, OUT = %d; xq: room for B rows of KP = %d. */", L->in, L->out,
            (L->in + 3) / 4 * 4);
    char head[SYMBOL_MAX + 16];
    const int indent = snprintf(head, sizeof head, "static void %s(", n.forward);
    pr_line(p, "%sfloat *restrict z, float *restrict a, const float *restrict x,", head);
    pr_line(p, "%*sint8_t *restrict xq, int B)", indent, "");
    pr_block(p);
    char kp[SYMBOL_MAX];
    layer_constant(kp, e, layer, "KP");
    pr_line(p, "const int negative = quantize(xq, x, B, %s, %s, %s);", n.in, kp, n.x_inv_scale);
    pr_line(p, "dense_i8(z, &%s[0][0], xq, B, %s, %s, negative,", n.wq, n.out, kp);
    pr_line(p, "         %s, %s, %s);", n.x_scale, n.w_scale, n.bias);
    emit_activation_forward(e, layer);
    pr_close(p);
    pr_blank(p);
}

void emit_int8_layers(const struct emit *e)
{
    emit_prelude(e);
    emit_kernels_int8(e);
    pr_line(e->p, "/* ---- The quantised weights ---- */");
    pr_blank(e->p);
    for (int l = 0; l < e->net->nlayers; l++)
        if (layer_has_weights(&e->net->layers[l]))
            emit_layer_weights(e, l);
    infer_input_scaling(e);
    pr_line(e->p, "/* ---- The layers ---- */");
    pr_blank(e->p);
    for (int l = 0; l < e->net->nlayers; l++)
        emit_layer(e, l);
}
