/* loss.c - the loss C (its value) and the output error δ^L = ∂C/∂z^L.
 *
 * Losses are per sample and averaged over the mini-batch (Nielsen's convention):
 * row_losses gives each sample's, and the caller sums them in order.
 * The output error is divided by B once, here, so every gradient the layers
 * compute from it is already a batch mean.
 *
 * Where the activation's derivative cancels against the loss's (softmax with
 * cross-entropy, sigmoid with binary cross-entropy) δ = a − y; otherwise the
 * general chain rule: δ = ∂C/∂a ⊙ f'(z), or for softmax its full Jacobian,
 * δ_j = a_j (g_j − Σ_k g_k a_k) with g = ∂C/∂a.
 */
#include "trainer/trainer_internal.h"

#include <stdio.h>

/* Templates over a[k] and y[k]: logs are clamped at -100 as torch's BCELoss does. */
struct loss_info {
    const char *equation;
    const char *term;           /* one output's share of C */
    const char *gradient;       /* ∂C/∂a for that output */
    const char *gradient_equation;
};

static const struct loss_info losses[] = {
    [LOSS_MSE] = { "C = ½ Σ_j (a_j − y_j)²", "0.5f * (a[k] - y[k]) * (a[k] - y[k])",
                   "a[k] - y[k]", "∂C/∂a = a − y" },
    [LOSS_CROSS_ENTROPY] = { "C = −Σ_j y_j log a_j",
                             "-y[k] * fmaxf(logf(a[k]), -100.0f)",
                             "(logf(a[k]) > -100.0f ? -y[k] / a[k] : 0.0f)",
                             "∂C/∂a = −y / a (0 where log a is clamped)" },
    [LOSS_BINARY_CROSS_ENTROPY] = {
        "C = −Σ_j [y_j log a_j + (1 − y_j) log(1 − a_j)]",
        "-(y[k] * fmaxf(logf(a[k]), -100.0f) + (1.0f - y[k]) * fmaxf(logf(1.0f - a[k]), -100.0f))",
        "((logf(a[k]) > -100.0f ? -y[k] / a[k] : 0.0f)"
        " + (logf(1.0f - a[k]) > -100.0f ? (1.0f - y[k]) / (1.0f - a[k]) : 0.0f))",
        "∂C/∂a = −y / a + (1 − y) / (1 − a) (0 where a log is clamped)" },
};

static const struct layer *output_layer(const struct network *net)
{
    return &net->layers[net->nlayers - 1];
}

/* Cross-entropy of softmax outputs and binary cross-entropy of sigmoid outputs are
 * computed from the logits: log a stays accurate where a rounds to 0 or 1. */
static int loss_from_logits(const struct network *net)
{
    enum activation act = output_layer(net)->act;
    return (net->loss == LOSS_CROSS_ENTROPY && act == ACT_SOFTMAX)
        || (net->loss == LOSS_BINARY_CROSS_ENTROPY && act == ACT_SIGMOID);
}

/* δ = a − y: the activation's derivative cancels the loss's denominator, exactly
 * for the pairs whose loss is taken from the logits. */
static int delta_is_a_minus_y(const struct network *net)
{
    return loss_from_logits(net);
}

static void emit_sigmoid_bce_loss(const struct emit *e, const char *out)
{
    struct printer *p = e->p;
    pr_line(p, "/* C = −Σ_j [y_j log a_j + (1 − y_j) log(1 − a_j)] with a = σ(z), from the logits:");
    pr_line(p, " * log a = −softplus(−z) and log(1 − a) = −softplus(z), where");
    pr_line(p, " * softplus(t) = max(t, 0) + log(1 + e^−|t|); logs clamped at −100 as torch's BCELoss.");
    pr_line(p, " * loss[b] = C of sample b, for B samples (summed in double). */");
    pr_line(p, "static void row_losses(double *restrict loss, const float *restrict z, "
            "const float *restrict y, int B)");
    pr_block(p);
    pr_open(p, "for (int b = 0; b < B; b++)");
    pr_line(p, "double sum = 0.0;");
    pr_open(p, "for (int k = b * %s; k < (b + 1) * %s; k++)", out, out);
    pr_line(p, "const float soft = log1pf(exp_f(-fabsf(z[k])));");
    pr_line(p, "const float log_a = fmaxf(-(fmaxf(-z[k], 0.0f) + soft), -100.0f);");
    pr_line(p, "const float log_1ma = fmaxf(-(fmaxf(z[k], 0.0f) + soft), -100.0f);");
    pr_line(p, "sum -= y[k] * log_a + (1.0f - y[k]) * log_1ma;");
    pr_close(p);
    pr_line(p, "loss[b] = sum;");
    pr_close(p);
    pr_close(p);
}

static void emit_softmax_ce_loss(const struct emit *e, const char *out)
{
    struct printer *p = e->p;
    pr_line(p, "/* C = −Σ_j y_j log a_j with a = softmax(z), from the logits:");
    pr_line(p, " * log a_j = z_j − log Σ_k e^z_k, shifted by the row's largest z to stay finite.");
    pr_line(p, " * loss[b] = C of sample b, for B samples (summed in double). */");
    pr_line(p, "static void row_losses(double *restrict loss, const float *restrict z, "
            "const float *restrict y, int B)");
    pr_block(p);
    pr_open(p, "for (int b = 0; b < B; b++)");
    pr_line(p, "const float *zb = z + b * %s, *yb = y + b * %s;", out, out);
    emit_row_max(p, out);
    pr_line(p, "float total = 0.0f;");
    pr_line(p, "for (int o = 0; o < %s; o++)", out);
    pr_line(p, "    total += exp_f(zb[o] - max);");
    pr_line(p, "const float log_total = max + logf(total);");
    pr_line(p, "double sum = 0.0;");
    pr_line(p, "for (int o = 0; o < %s; o++)", out);
    pr_line(p, "    sum -= yb[o] * (zb[o] - log_total);");
    pr_line(p, "loss[b] = sum;");
    pr_close(p);
    pr_close(p);
}

void emit_row_losses(const struct emit *e)
{
    struct printer *p = e->p;
    char out[96];
    snprintf(out, sizeof out, "%s_N_OUTPUT", e->up);
    if (loss_from_logits(e->net)) {
        if (output_layer(e->net)->act == ACT_SOFTMAX)
            emit_softmax_ce_loss(e, out);
        else
            emit_sigmoid_bce_loss(e, out);
        return;
    }
    pr_line(p, "/* %s: loss[b] = C of sample b, for B samples (summed in double). */",
            losses[e->net->loss].equation);
    pr_line(p, "static void row_losses(double *restrict loss, const float *restrict a, "
            "const float *restrict y, int B)");
    pr_block(p);
    pr_open(p, "for (int b = 0; b < B; b++)");
    pr_line(p, "double sum = 0.0;");
    pr_line(p, "for (int k = b * %s; k < (b + 1) * %s; k++)", out, out);
    pr_line(p, "    sum += %s;", losses[e->net->loss].term);
    pr_line(p, "loss[b] = sum;");
    pr_close(p);
    pr_close(p);
}

/* δ_j = a_j (g_j − Σ_k g_k a_k): softmax's Jacobian applied to g = ∂C/∂a. */
static void emit_softmax_chain_rule(const struct emit *e, const char *out)
{
    struct printer *p = e->p;
    pr_open(p, "for (int b = 0; b < B; b++)");
    pr_line(p, "const int row = b * %s;", out);
    pr_line(p, "float dot = 0.0f;   /* Σ_k g_k a_k */");
    pr_open(p, "for (int k = row; k < row + %s; k++)", out);
    pr_line(p, "delta[k] = %s;   /* g = ∂C/∂a */", losses[e->net->loss].gradient);
    pr_line(p, "dot += delta[k] * a[k];");
    pr_close(p);
    pr_line(p, "for (int k = row; k < row + %s; k++)", out);
    pr_line(p, "    delta[k] = a[k] * (delta[k] - dot) * scale;");
    pr_close(p);
}

void emit_output_delta(const struct emit *e)
{
    struct printer *p = e->p;
    const struct network *net = e->net;
    const struct layer *L = output_layer(net);
    const int needs_z = output_delta_needs_z(net);
    char out[96], deriv[256];
    snprintf(out, sizeof out, "%s_N_OUTPUT", e->up);

    pr_line(p, "/* The output error δ = ∂C/∂z of the last layer (Nielsen's BP1), for");
    pr_line(p, " *   %s and a = %s:", losses[net->loss].equation, act_equation(L->act));
    if (delta_is_a_minus_y(net))
        pr_line(p, " *   δ = a − y            (f' cancels against ∂C/∂a)");
    else if (act_is_elementwise(L->act))
        pr_line(p, " *   δ = ∂C/∂a ⊙ f'(z),   %s, %s", losses[net->loss].gradient_equation,
                act_derivative_equation(L->act));
    else
        pr_line(p, " *   δ_j = a_j (g_j − Σ_k g_k a_k),   g = ∂C/∂a: %s",
                losses[net->loss].gradient_equation);
    pr_line(p, " * for B samples, times scale = 1 / (the batch size) once here, so every gradient");
    pr_line(p, " * after it is a batch mean. */");
    pr_line(p, "static void output_delta(float *restrict delta, const float *restrict a,%s",
            needs_z ? " const float *restrict z," : "");
    pr_line(p, "                         const float *restrict y, int B, float scale)");
    pr_block(p);
    if (delta_is_a_minus_y(net)) {
        pr_line(p, "for (int k = 0; k < B * %s; k++)", out);
        pr_line(p, "    delta[k] = (a[k] - y[k]) * scale;");
    } else if (!act_is_elementwise(L->act)) {
        emit_softmax_chain_rule(e, out);
    } else if (L->act == ACT_LINEAR) {
        pr_line(p, "for (int k = 0; k < B * %s; k++)", out);
        pr_line(p, "    delta[k] = (%s) * scale;", losses[net->loss].gradient);
    } else {
        act_derivative_expr(e, net->nlayers - 1, "a[k]", "z[k]", deriv, sizeof deriv);
        pr_line(p, "for (int k = 0; k < B * %s; k++)", out);
        pr_line(p, "    delta[k] = (%s) * (%s) * scale;", losses[net->loss].gradient, deriv);
    }
    pr_close(p);
}

/* Whether row_losses reads the logits z rather than the activations a. */
int loss_reads_logits(const struct network *net)
{
    return loss_from_logits(net);
}

int output_delta_needs_z(const struct network *net)
{
    const struct layer *L = output_layer(net);
    return !delta_is_a_minus_y(net) && act_is_elementwise(L->act) && act_derivative_reads_z(L->act);
}
