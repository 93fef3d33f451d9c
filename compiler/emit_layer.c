/* emit_layer.c - one dense layer's forward and backward functions, side by side.
 *
 * Weights live transposed, WT[i][o] = W[o][i], so the inner loops of the forward
 * pass (z[b][o] += x[b][i] WT[i][o]) and of the weight gradient
 * (dWT[i][o] += x[b][i] δ[b][o]) run over contiguous o with independent iterations:
 * compilers vectorise them without reassociating sums.
 */
#include "emit_internal.h"

#include <stdio.h>

/* The names of a layer's constants: MNIST_L1_IN, MNIST_L1_OUT. */
struct dims {
    char in[96], out[96];
};

static struct dims layer_dims(const struct emit *e, int layer)
{
    struct dims d;
    snprintf(d.in, sizeof d.in, "%s_L%d_IN", e->up, layer + 1);
    snprintf(d.out, sizeof d.out, "%s_L%d_OUT", e->up, layer + 1);
    return d;
}

/* "Layer 2, "dense2" (mnist.net line 4): 16 -> 16, sigmoid." */
static void layer_title(const struct emit *e, int layer, const char *what)
{
    const struct layer *L = &e->net->layers[layer];
    pr_line(e->p, "/* Layer %d, \"%s\" (line %d): %d -> %d, %s; %s.", layer + 1, L->name,
            L->line, L->in, L->out, activation_name(L->act), what);
}

void emit_layer_forward(const struct emit *e, int layer)
{
    const struct layer *L = &e->net->layers[layer];
    const struct dims d = layer_dims(e, layer);
    struct printer *p = e->p;

    layer_title(e, layer, "forward");
    pr_line(p, " *   z = W·x + b      x: the %s, W: OUT × IN, kept as WT[IN][OUT]",
            layer == 0 ? "network's input" : "previous layer's activation a");
    pr_line(p, " *   a = %s", act_equation(L->act));
    pr_line(p, " * B = batch, IN = %d, OUT = %d */", L->in, L->out);
    pr_line(p, "static void layer%d_forward(float *restrict z, float *restrict a, "
            "const float *restrict x,", layer + 1);
    pr_line(p, "                           const float *restrict WT, const float *restrict bias, int B)");
    pr_block(p);
    pr_line(p, "/* z[b][o] = bias[o] + Σ_i x[b][i] WT[i][o] */");
    pr_line(p, "matmul(z, x, WT, bias, B, %s, %s, BATCH_ROWS);", d.in, d.out);
    emit_activation_forward(e, layer);
    pr_close(p);
}

/* δ_prev[b][i] = (Σ_o δ[b][o] W[o][i]) · f'_prev, the previous layer's error. */
static void emit_input_delta(const struct emit *e, int layer, const struct dims *d)
{
    struct printer *p = e->p;
    char deriv[256];
    act_derivative_expr(e, layer - 1, "x[k]", "z_prev[k]", deriv, sizeof deriv);
    pr_line(p, "/* δ_prev[b][i] = Σ_o δ[b][o] W[o][i], with W = WT transposed afresh (the");
    pr_line(p, " * parameters may have changed since) so that this product runs along W's rows */");
    pr_line(p, "transpose(W, WT, %s, %s);", d->in, d->out);
    pr_line(p, "matmul(delta_prev, delta, W, NULL, B, %s, %s, BATCH_ROWS);", d->out, d->in);
    if (e->net->layers[layer - 1].act == ACT_LINEAR)
        return;
    pr_line(p, "/* ⊙ f'(z_prev) */");
    pr_line(p, "for (int k = 0; k < B * %s; k++)", d->in);
    pr_line(p, "    delta_prev[k] *= %s;", deriv);
}

void emit_layer_backward(const struct emit *e, int layer)
{
    const struct dims d = layer_dims(e, layer);
    struct printer *p = e->p;
    const int first = layer == 0;
    const struct layer *L = &e->net->layers[layer];
    const struct layer *prev = first ? NULL : &e->net->layers[layer - 1];
    const int needs_z = !first && act_derivative_needs_z(prev->act);

    layer_title(e, layer, "backward");
    pr_line(p, " *   ∂C/∂W = δ x^T     dWT[i][o] = Σ_b x[b][i] δ[b][o]");
    pr_line(p, " *   ∂C/∂b = δ         dbias[o]  = Σ_b δ[b][o]");
    if (!first) {
        pr_line(p, " *   δ_prev = (W^T δ) ⊙ f'(z_prev), the error of layer %d (\"%s\"),", layer,
                prev->name);
        pr_line(p, " *   with %s", act_derivative_equation(prev->act));
    } else {
        pr_line(p, " * The first layer's input is the data: no δ_prev to compute.");
    }
    pr_line(p, " * δ = ∂C/∂z is already divided by B, so the sums over b are batch means.");
    pr_line(p, " * B = batch, IN = %d, OUT = %d */", L->in, L->out);
    pr_line(p, "static void layer%d_backward(%sfloat *restrict dWT, float *restrict dbias,",
            layer + 1, first ? "" : "float *restrict delta_prev, ");
    pr_line(p, "                            const float *restrict delta, const float *restrict x,%s",
            needs_z ? " const float *restrict z_prev," : "");
    pr_line(p, "                            %sint B)",
            first ? "" : "const float *restrict WT, float *restrict W, ");
    pr_block(p);
    pr_line(p, "/* blocks of %d rows of dWT */", kernel_block_rows(L->in));
    pr_line(p, "outer_sum(dWT, x, delta, B, %s, %s, %d);", d.in, d.out, kernel_block_rows(L->in));
    pr_line(p, "column_sum(dbias, delta, B, %s);", d.out);
    if (!first)
        emit_input_delta(e, layer, &d);
    pr_close(p);
}
