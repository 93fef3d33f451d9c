/* int8.c - `--emit infer --quantize int8`: the layers in integer arithmetic.
 *
 * Each layer quantises its input with the scale netc calibrated (quantize.c), sums
 * int8 × int8 products in int32, and goes back to float for the bias and the activation.
 * Weights are kept as Wq[OUT][IN], row o contiguous, so that every output is one dot
 * product over contiguous int8 data: the shape compilers vectorise with their widening
 * multiply-add instructions (pmaddwd and the like).  The entry points, the forward pass
 * over the layers and the self-test are infer.c's, shared with the float export.
 */
#include "infer/infer_internal.h"
#include "infer/quantize.h"

#include <stdio.h>
#include <string.h>

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
    pr_line(p, " *   a      = f(z) in float, as the float network computes it. */");
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
    pr_blank(p);
    pr_line(p, "#if defined(__cplusplus)     /* this file also compiles as C++ */");
    pr_line(p, "#define restrict __restrict");
    pr_line(p, "#endif");
    pr_blank(p);
    emit_scheme(e);
    if (uses_exp(e->net)) {
        pr_line(p, "/* e^x for the activations: libm's (they are a small part of the work here) */");
        pr_line(p, "#define exp_f expf");
        pr_blank(p);
    }
    emit_activation_constants(e);
}

/* compiler/kernels/int8.h (quantize, dequantize, dense_i8), one string per line */
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

/* "static const int8_t NAME_lN_wq[OUT][IN] = { { ... }, ... };", one brace per output row,
 * sixteen values a line. */
static void emit_int8_matrix(const struct emit *e, int layer)
{
    const struct layer *L = &e->net->layers[layer];
    const int8_t *wq = e->quant->layers[layer].wq;
    struct printer *p = e->p;
    const struct layer_names n = layer_names(e, layer);
    char line[16 * 6 + 1];     /* "-127, " at most, sixteen times */
    pr_line(p, "static const int8_t %s[%s][%s] = {", n.wq, n.out, n.in);
    for (int o = 0; o < L->out; o++) {
        pr_line(p, "    {   /* output %d */", o);
        for (int i = 0; i < L->in; i += 16) {
            size_t k = 0;
            for (int j = i; j < L->in && j < i + 16; j++)
                k += (size_t)snprintf(line + k, sizeof line - k, "%s%d,", j > i ? " " : "",
                                      wq[(size_t)o * L->in + j]);
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
    char a[LIT_MAX], b[LIT_MAX];
    pr_line(p, "/* Layer %d, \"%s\": inputs quantised with s_x = %s (max |x| = %.6g in calibration);",
            layer + 1, L->name, lit_float(a, ql->x_scale), ql->x_max);
    pr_line(p, " * Wq[OUT][IN], s_w[OUT] and the bias as trained. */");
    pr_line(p, "static const float %s = %s, %s = %s;", n.x_scale, a, n.x_inv_scale,
            lit_float(b, ql->x_inv_scale));
    emit_int8_matrix(e, layer);
    infer_float_array(e, n.w_scale, n.out, ql->w_scale, L->out);
    infer_float_array(e, n.bias, n.out, e->weights->bias[layer], L->out);
    pr_blank(p);
}

static void emit_layer(const struct emit *e, int layer)
{
    const struct layer *L = &e->net->layers[layer];
    struct printer *p = e->p;
    const struct layer_names n = layer_names(e, layer);
    pr_line(p, "/* Layer %d, \"%s\" (line %d): %d -> %d, %s; forward, in int8.", layer + 1,
            L->name, L->line, L->in, L->out, activation_name(L->act));
    pr_line(p, " *   xq = round(x / s_x), z = s_x·s_w·(Wq·xq) + b,   x: the %s",
            layer == 0 ? "network's input" : "previous layer's activation a");
    pr_line(p, " *   a = %s", act_equation(L->act));
    pr_line(p, " * B = batch, IN = %d, OUT = %d; xq: room for B rows of IN. */", L->in, L->out);
    char head[SYMBOL_MAX + 16];
    const int indent = snprintf(head, sizeof head, "static void %s(", n.forward);
    pr_line(p, "%sfloat *restrict z, float *restrict a, const float *restrict x,", head);
    pr_line(p, "%*sint16_t *restrict xq, int B)", indent, "");
    pr_block(p);
    pr_line(p, "quantize(xq, x, B * %s, %s);", n.in, n.x_inv_scale);
    pr_line(p, "dense_i8(z, &%s[0][0], xq, B, %s, %s,", n.wq, n.out, n.in);
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
        emit_layer_weights(e, l);
    infer_input_scaling(e);
    pr_line(e->p, "/* ---- The layers ---- */");
    pr_blank(e->p);
    for (int l = 0; l < e->net->nlayers; l++)
        emit_layer(e, l);
}
