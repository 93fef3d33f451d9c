/* network.c - the whole-network parts that the trainer's and the export's files share:
 * the layers' constants in NAME.h, the top of NAME.c (notation, kernels, register
 * block, activation constants) and the forward pass as one call per layer.
 */
#include "emit/emit.h"

#include <stdio.h>
#include <string.h>

void emit_layer_description(const struct layer *L, char *buf, size_t n)
{
    const int *i = L->in_shape, *o = L->out_shape;
    switch (L->kind) {
    case LAYER_DENSE:
        snprintf(buf, n, "%d -> %d, %s", L->in, L->out, activation_name(L->act));
        break;
    case LAYER_CONV:
        snprintf(buf, n, "%dx%dx%d -> %dx%dx%d, %d filters of %dx%d, stride %d, padding %d, %s",
                 i[DIM_C], i[DIM_H], i[DIM_W], o[DIM_C], o[DIM_H], o[DIM_W], L->units,
                 L->kernel[0], L->kernel[1], L->stride[0], L->padding[0], activation_name(L->act));
        break;
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:
        snprintf(buf, n, "%dx%dx%d -> %dx%dx%d, %s of %dx%d windows, stride %d", i[DIM_C],
                 i[DIM_H], i[DIM_W], o[DIM_C], o[DIM_H], o[DIM_W],
                 L->kind == LAYER_MAXPOOL ? "maximum" : "average", L->kernel[0], L->kernel[1],
                 L->stride[0]);
        if (L->stride[1] != L->stride[0]) {
            size_t used = strlen(buf);
            snprintf(buf + used, n - used, "x%d", L->stride[1]);
        }
        break;
    case LAYER_DROPOUT:
        snprintf(buf, n, "%d -> %d, dropout %g", L->in, L->out, L->rate);
        break;
    }
}

void emit_layer_title(const struct emit *e, int layer, const char *what)
{
    char description[256];
    const struct layer *L = &e->net->layers[layer];
    emit_layer_description(L, description, sizeof description);
    pr_line(e->p, "/* Layer %d, \"%s\" (line %d): %s; %s.", layer + 1, L->name, L->line,
            description, what);
}

/* One constant of a layer's enum: "MNIST_L1_KH = 5," */
static void layer_enum_value(const struct emit *e, int layer, const char *what, long long value,
                             int last)
{
    char name[SYMBOL_MAX];
    layer_constant(name, e, layer, what);
    pr_line(e->p, "%s = %lld%s", name, value, last ? "" : ",");
}

/* An image layer's shapes, kernel or window, stride and padding. */
static void emit_spatial_constants(const struct emit *e, int layer, int more)
{
    const struct layer *L = &e->net->layers[layer];
    static const char *const names[] = { "IN_C", "IN_H", "IN_W", "OUT_C", "OUT_H", "OUT_W" };
    for (int d = 0; d < 3; d++)
        layer_enum_value(e, layer, names[d], L->in_shape[d], 0);
    for (int d = 0; d < 3; d++)
        layer_enum_value(e, layer, names[3 + d], L->out_shape[d], 0);
    layer_enum_value(e, layer, "KH", L->kernel[0], 0);
    layer_enum_value(e, layer, "KW", L->kernel[1], 0);
    layer_enum_value(e, layer, "STRIDE_H", L->stride[0], 0);
    layer_enum_value(e, layer, "STRIDE_W", L->stride[1], 0);
    if (L->kind == LAYER_CONV) {
        layer_enum_value(e, layer, "PAD_H", L->padding[0], 0);
        layer_enum_value(e, layer, "PAD_W", L->padding[1], 0);
        layer_enum_value(e, layer, "FAN_IN", L->fan_in, 0);
        /* the trainer's: the filters rounded up to whole vectors of 8, a row of δt (conv.c) */
        if (!e->weights)
            layer_enum_value(e, layer, "OUT_C_VEC", (L->units + 7) / 8 * 8, 0);
    }
    layer_enum_value(e, layer, "POS", (long long)L->out_shape[DIM_H] * L->out_shape[DIM_W], !more);
}

void emit_layer_constants(const struct emit *e, int offsets)
{
    const struct network *net = e->net;
    struct printer *p = e->p;
    char text[256], what[256];
    long long offset = 0;
    for (int l = 0; l < net->nlayers; l++) {
        const struct layer *L = &net->layers[l];
        const struct layer_names n = layer_names(e, l);
        const int weights = offsets && layer_has_weights(L);
        emit_layer_description(L, what, sizeof what);
        pr_line(p, "/* Layer %d, \"%s\" (line %d): %s%s */", l + 1, L->name, L->line, what,
                weights ? "; offsets in floats into param." : ".");
        pr_open(p, "enum");
        pr_line(p, "%s = %d,", n.in, L->in);
        pr_line(p, "%s = %d%s", n.out, L->out, weights || layer_is_spatial(L) ? "," : "");
        if (layer_is_spatial(L))
            emit_spatial_constants(e, l, weights);
        if (!weights) {
            pr_close_with(p, ";");
            continue;
        }
        snprintf(text, sizeof text, "%s = %lld,", n.wt, offset);
        pr_commented(p, text, L->kind == LAYER_CONV ? "weight, transposed: W^T[FAN_IN][OUT_C]"
                                                    : "weight, transposed: W^T[IN][OUT]");
        offset += (long long)L->fan_in * L->units;
        snprintf(text, sizeof text, "%s = %lld", n.b, offset);
        pr_commented(p, text, L->kind == LAYER_CONV ? "bias[OUT_C]" : "bias[OUT]");
        offset += L->units;
        pr_close_with(p, ";");
    }
    pr_blank(p);
}

void emit_architecture(const struct network *net, char *buf, size_t n)
{
    size_t k = (size_t)snprintf(buf, n, "%d", net->input_size);
    if (net->input_rank == 3)
        k = (size_t)snprintf(buf, n, "%dx%dx%d", net->input_shape[0], net->input_shape[1],
                             net->input_shape[2]);
    for (int l = 0; l < net->nlayers && k < n; l++) {
        const struct layer *L = &net->layers[l];
        const int *o = L->out_shape;
        if (L->kind == LAYER_DENSE)
            k += (size_t)snprintf(buf + k, n - k, " -> %d %s", L->out, activation_name(L->act));
        else if (L->kind == LAYER_CONV)
            k += (size_t)snprintf(buf + k, n - k, " -> conv %dx%d %dx%dx%d %s", L->kernel[0],
                                  L->kernel[1], o[DIM_C], o[DIM_H], o[DIM_W], activation_name(L->act));
        else if (L->kind == LAYER_DROPOUT)
            k += (size_t)snprintf(buf + k, n - k, " -> dropout %g", L->rate);
        else
            k += (size_t)snprintf(buf + k, n - k, " -> %s %dx%d %dx%dx%d", layer_kind_name(L->kind),
                                  L->kernel[0], L->kernel[1], o[DIM_C], o[DIM_H], o[DIM_W]);
        if (k >= n)
            k = n - 1;
    }
}

static void emit_notation(const struct emit *e)
{
    char arch[1024];
    emit_architecture(e->net, arch, sizeof arch);
    if (e->net->has_train)
        pr_line(e->p, "/* %s; loss %s; optimizer %s.", arch, loss_name(e->net->loss),
                optimizer_name(e->net->opt.kind));
    else                        /* the forward pass of a network trained elsewhere */
        pr_line(e->p, "/* %s.", arch);
    pr_line(e->p, " *");
    pr_line(e->p, " * Notation, as in Nielsen's \"Neural Networks and Deep Learning\", chapter 2:");
    pr_line(e->p, " *   z = W·x + b    a layer's weighted input (x: the previous layer's a)");
    pr_line(e->p, " *   a = f(z)       its activation");
    pr_line(e->p, " *   δ = ∂C/∂z      its error: ∂C/∂W = δ x^T, ∂C/∂b = δ,");
    pr_line(e->p, " *                  and the previous layer's δ_prev = (W^T δ) ⊙ f'(z_prev)");
    pr_line(e->p, " * Each layer works on a whole mini-batch of B samples, one row per sample.");
    if (e->plain) {             /* netc --plain: plain.c */
        pr_line(e->p, " * Weights are kept transposed, WT[i][o] = W[o][i], as netc's default output");
        pr_line(e->p, " * keeps them for speed.  Here (netc --plain) each sum Σ is a loop of its own,");
        pr_line(e->p, " * in the order its equation reads: slower than the default output's kernels,");
        pr_line(e->p, " * the same results within float rounding. */");
    } else {
        pr_line(e->p, " * Weights are kept transposed, WT[i][o] = W[o][i], so the inner loops run over");
        pr_line(e->p, " * contiguous outputs o and vectorise. */");
    }
    pr_blank(e->p);
}

void emit_source_prelude(const struct emit *e, const char *what, const char *block_name,
                         int block_of)
{
    struct printer *p = e->p;
    emit_provenance(e, ".c", what);
    pr_line(p, "#include \"%s.h\"", e->name);
    pr_blank(p);
    pr_line(p, "#include <math.h>");
    pr_line(p, "#include <stdint.h>");
    pr_line(p, "#include <string.h>");
    pr_blank(p);
    if (e->weights) {           /* exported code may be compiled as C++ */
        pr_line(p, "#if defined(__cplusplus)");
        pr_line(p, "#define restrict __restrict");
        pr_line(p, "#endif");
        pr_blank(p);
    }
    emit_notation(e);
    if (e->weights) {           /* the export stays two files to drop in */
        emit_kernels(e);
    } else {
        pr_line(p, "%s", e->plain
                ? "/* exp_f, transpose, share: what the plain loops leave to kernels */"
                : "/* matmul, outer_sum, transpose, exp_f: the arithmetic every layer calls */");
        pr_line(p, "#include \"%s_kernels.h\"", e->name);
        pr_blank(p);
    }
    if (e->plain)
        pr_line(p, "/* Threads split the samples (of %s) at multiples of this. */", block_name);
    else
        pr_line(p, "/* Samples per register block (of %s; the rest make one smaller block). */",
                block_name);
    pr_line(p, "enum { BATCH_ROWS = %d };", kernel_block_rows(block_of));
    pr_blank(p);
    emit_activation_constants(e);
}

void emit_forward_calls(const struct emit *e, forward_names_fn *names, const char *n)
{
    for (int l = 0; l < e->net->nlayers; l++) {
        const struct layer_names ln = layer_names(e, l);
        struct forward_names fn;
        memset(&fn, 0, sizeof fn);
        names(e, l, &fn);
        char head[SYMBOL_MAX + 1];
        const int indent = snprintf(head, sizeof head, "%s(", ln.forward);
        switch (e->net->layers[l].kind) {
        case LAYER_DENSE:
            pr_line(e->p, "%s%s, %s,", head, fn.z, fn.a);
            pr_line(e->p, "%*s%s, %s, %s, %s);", indent, "", fn.in, fn.wt, fn.bias, n);
            break;
        case LAYER_CONV:
            pr_line(e->p, "%s%s, %s, %s,", head, fn.z, fn.a, fn.cols);
            pr_line(e->p, "%*s%s, %s, %s, %s);", indent, "", fn.in, fn.wt, fn.bias, n);
            break;
        case LAYER_MAXPOOL:
        case LAYER_AVGPOOL:
            pr_line(e->p, "%s%s, %s, %s);", head, fn.a, fn.in, n);
            break;
        case LAYER_DROPOUT:
            if (e->weights)
                pr_line(e->p, "%s%s, %s, %s);", head, fn.a, fn.in, n);
            else
                pr_line(e->p, "%s%s, %s, %s, %s, %s, m->dropout_key, m->training);", head, fn.a,
                        fn.mask, fn.in, fn.row0, n);
            break;
        }
    }
}
