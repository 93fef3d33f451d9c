/* layer.c - one dense layer's forward and backward functions, side by side.
 *
 * Weights live transposed, WT[i][o] = W[o][i], so the inner loops of the forward
 * pass (z[b][o] += x[b][i] WT[i][o]) and of the weight gradient
 * (dWT[i][o] += x[b][i] δ[b][o]) run over contiguous o with independent iterations:
 * compilers vectorise them without reassociating sums.
 *
 * Backpropagation is split where the work divides differently between threads:
 * layerN_backward carries the error δ back one layer, sample by sample (threads take
 * rows of the batch), and layerN_gradients sums ∂C/∂W and ∂C/∂b over the whole
 * batch (threads take rows of dWT).  Neither changes any sum's order, so results
 * do not depend on the number of threads.
 */
#include "emit/emit.h"

#include <stdio.h>

static void emit_dense_forward(const struct emit *e, int layer)
{
    const struct layer *L = &e->net->layers[layer];
    const struct layer_names n = layer_names(e, layer);
    struct printer *p = e->p;

    emit_layer_title(e, layer, "forward");
    pr_line(p, " *   z = W·x + b      x: the %s, W: OUT × IN, kept as WT[IN][OUT]",
            layer == 0 ? "network's input" : "previous layer's activation a");
    pr_line(p, " *   a = %s", act_equation(L->act));
    pr_line(p, " * B = batch, IN = %d, OUT = %d */", L->in, L->out);
    char head[SYMBOL_MAX + 16];
    const int indent = snprintf(head, sizeof head, "static void %s(", n.forward);
    pr_line(p, "%sfloat *restrict z, float *restrict a, const float *restrict x,", head);
    pr_line(p, "%*sconst float *restrict WT, const float *restrict bias, int B)", indent, "");
    pr_block(p);
    pr_line(p, "/* z[b][o] = bias[o] + Σ_i x[b][i] WT[i][o] */");
    if (e->plain)
        emit_plain_forward(e, &n);
    else if (layer == 0)        /* skips the inputs that are zero (sparse.h) */
        pr_line(p, "input_product(z, x, WT, bias, B, %s, %s, BATCH_ROWS);", n.in, n.out);
    else
        pr_line(p, "matmul(z, x, WT, bias, B, %s, %s, BATCH_ROWS);", n.in, n.out);
    emit_activation_forward(e, layer);
    pr_close(p);
}

/* f'_prev as a C expression of x[k] (a_prev) and z_prev[k]; "" for a linear layer. */
static void prev_derivative(const struct emit *e, int layer, char *buf, size_t n)
{
    buf[0] = 0;
    if (e->net->layers[layer - 1].act != ACT_LINEAR)
        act_derivative_expr(e, layer - 1, "x[k]", "z_prev[k]", buf, n);
}

/* Layer 2 on: the previous layer's error from this one's, for B rows (samples). */
static void emit_dense_backward(const struct emit *e, int layer, const char *deriv)
{
    const struct layer_names n = layer_names(e, layer);
    struct printer *p = e->p;
    const struct layer *L = &e->net->layers[layer];
    const struct layer *prev = &e->net->layers[layer - 1];
    const int needs_a = layer_backward_reads_a(e, layer);
    const int needs_z = layer_backward_reads_z(e, layer);

    emit_layer_title(e, layer, "backward");
    pr_line(p, " *   δ_prev = (W^T δ) ⊙ f'(z_prev), the error of layer %d (\"%s\"),", layer,
            prev->name);
    pr_line(p, " *   with %s", act_derivative_equation(prev->act));
    pr_line(p, " * x = a_prev; W = WT transposed (by NAME_part_prepare), so that this product");
    pr_line(p, " * runs along W's rows.  Each sample's row is independent of the others'.");
    pr_line(p, " * B = rows, IN = %d, OUT = %d */", L->in, L->out);
    char head[SYMBOL_MAX + 16];
    const int indent = snprintf(head, sizeof head, "static void %s(", n.backward);
    pr_line(p, "%sfloat *restrict delta_prev, const float *restrict delta,", head);
    pr_line(p, "%*s%s%sconst float *restrict W, int B)", indent, "",
            needs_a ? "const float *restrict x, " : "", needs_z ? "const float *restrict z_prev, " : "");
    pr_block(p);
    pr_line(p, "/* δ_prev[b][i] = Σ_o δ[b][o] W[o][i] */");
    if (e->plain)
        emit_plain_backward(e, &n);
    else
        pr_line(p, "matmul(delta_prev, delta, W, NULL, B, %s, %s, BATCH_ROWS);", n.out, n.in);
    if (deriv[0]) {
        pr_line(p, "/* ⊙ f'(z_prev) */");
        pr_line(p, "for (int k = 0; k < B * %s; k++)", n.in);
        pr_line(p, "    delta_prev[k] *= %s;", deriv);
    }
    pr_close(p);
}

void emit_layer_forward(const struct emit *e, int layer)
{
    switch (e->net->layers[layer].kind) {
    case LAYER_DENSE: emit_dense_forward(e, layer); break;
    case LAYER_CONV: emit_conv_forward(e, layer); break;
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL: emit_pool_forward(e, layer); break;
    case LAYER_DROPOUT: emit_dropout_forward(e, layer); break;
    }
}

void emit_layer_backward(const struct emit *e, int layer)
{
    char deriv[256];
    prev_derivative(e, layer, deriv, sizeof deriv);
    switch (e->net->layers[layer].kind) {
    case LAYER_DENSE: emit_dense_backward(e, layer, deriv); break;
    case LAYER_CONV: emit_conv_backward(e, layer, deriv); break;
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL: emit_pool_backward(e, layer, deriv); break;
    case LAYER_DROPOUT: emit_dropout_backward(e, layer, deriv); break;
    }
}

void emit_layer_gradients(const struct emit *e, int layer)
{
    const struct layer_names n = layer_names(e, layer);
    struct printer *p = e->p;
    const struct layer *L = &e->net->layers[layer];
    const int rows = kernel_gradient_rows(L->fan_in, e->net->batch);   /* dense */

    emit_layer_title(e, layer, "gradients");
    if (L->kind == LAYER_CONV) {
        pr_line(p, " *   ∂C/∂W = Σ_p δ_p x_p^T   dWT[k][o] = Σ_b Σ_p cols[b][k][p] δt[b][p][o]");
        pr_line(p, " *   ∂C/∂b = Σ_p δ_p         dbias[o]  = Σ_b Σ_p δt[b][p][o]");
        pr_line(p, " * over every sample b and output position p: cols, the input under the kernel at");
        pr_line(p, " * p (copied again from the layer's input x, a sample at a time: it is then in the");
        pr_line(p, " * cache), and δ = δt, the error there (layerN_delta_positions); each sample's sum");
        pr_line(p, " * over its positions, then the samples' in order.");
    } else {
        pr_line(p, " *   ∂C/∂W = δ x^T     dWT[i][o] = Σ_b x[b][i] δ[b][o]");
        pr_line(p, " *   ∂C/∂b = δ         dbias[o]  = Σ_b δ[b][o]");
        pr_line(p, " * x: the %s.", layer == 0 ? "network's input" : "previous layer's activation a");
    }
    pr_line(p, " * δ = ∂C/∂z is already divided by the batch size, so the sums over the samples");
    pr_line(p, " * are batch means.  Thread t of T computes its share of the rows of dWT and dbias.");
    if (L->kind == LAYER_CONV)
        pr_line(p, " * B = batch, FAN_IN = %d, OUT_C = %d */", L->fan_in, L->units);
    else
        pr_line(p, " * B = batch, IN = %d, OUT = %d */", L->in, L->out);
    char head[SYMBOL_MAX + 16];
    const int indent = snprintf(head, sizeof head, "static void %s(", n.gradients);
    pr_line(p, "%sfloat *restrict dWT, float *restrict dbias,", head);
    pr_line(p, "%*sconst float *restrict delta, const float *restrict x,", indent, "");
    if (L->kind == LAYER_CONV)   /* room for one sample's columns */
        pr_line(p, "%*sfloat *restrict cols, int B, int t, int T)", indent, "");
    else
        pr_line(p, "%*sint B, int t, int T)", indent, "");
    pr_block(p);
    if (L->kind == LAYER_CONV) {
        emit_conv_gradients(e, layer);
    } else if (e->plain) {
        emit_plain_gradients(e, &n);
    } else {
        pr_line(p, "int lo, hi;");
        pr_line(p, "share(%s, %d, t, T, &lo, &hi);   /* rows of dWT, in blocks of %d */", n.fan_in,
                rows, rows);
        pr_line(p, "%s(dWT, x, delta, B, %s, %s, %d, lo, hi);",
                layer == 0 ? "input_outer_sum" : "outer_sum", n.fan_in, n.units, rows);
        pr_line(p, "share(%s, 16, t, T, &lo, &hi);   /* of dbias, in cache lines */", n.units);
        pr_line(p, "column_sum(dbias, delta, B, %s, lo, hi);", n.units);
    }
    pr_close(p);
}
