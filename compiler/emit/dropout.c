/* dropout.c - one dropout layer's forward and backward, and the masks' generator.
 *
 * Inverted dropout: while training, each activation is zeroed with probability p and
 * the others scaled by 1/(1 − p), so that nothing changes at inference, where the layer
 * passes its input through (eval, predict, the exports).  The mask of a batch is a pure
 * function of a key the trainer draws from its seeded generator for each batch, the
 * layer, the sample's row and the activation's index: the same whatever the number of
 * threads, and the same again after a checkpoint's resume.
 */
#include "emit/emit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* round(p · 2^24): a 24-bit draw below it drops the activation. */
long long dropout_threshold(double rate)
{
    return (long long)floor(rate * 16777216.0 + 0.5);
}

void emit_dropout_keeps(const struct emit *e)
{
    struct printer *p = e->p;
    pr_line(p, "/* Whether dropout keeps activation k of row r (the sample's row in the call) in the");
    pr_line(p, " * layer at index `layer`: the top 24 bits of splitmix64's mixer of");
    pr_line(p, " *   key ^ (layer + 1) << 56 ^ r << 28 ^ k");
    pr_line(p, " * are uniform; the activation is kept when they are at least below = round(p · 2^24). */");
    pr_line(p, "static int dropout_keeps(uint64_t key, int layer, int r, int k, uint32_t below)");
    pr_block(p);
    pr_line(p, "uint64_t z = key ^ ((uint64_t)(layer + 1) << 56) ^ ((uint64_t)r << 28) ^ (uint64_t)k;");
    pr_line(p, "z += UINT64_C(0x9E3779B97F4A7C15);");
    pr_line(p, "z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);");
    pr_line(p, "z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);");
    pr_line(p, "z ^= z >> 31;");
    pr_line(p, "return (uint32_t)(z >> 40) >= below;");
    pr_close(p);
    pr_blank(p);
}

void emit_dropout_forward(const struct emit *e, int layer)
{
    const struct layer *L = &e->net->layers[layer];
    const struct layer_names n = layer_names(e, layer);
    struct printer *p = e->p;
    char scale[LIT_MAX];
    emit_layer_title(e, layer, "forward");
    if (e->weights) {               /* an export: inference only */
        pr_line(p, " *   a = x   (dropout acts only while training) */");
        pr_line(p, "static void %s(float *restrict a, const float *restrict x, int B)", n.forward);
        pr_block(p);
        pr_line(p, "memcpy(a, x, (size_t)B * %s * sizeof *a);", n.out);
        pr_close(p);
        return;
    }
    pr_line(p, " *   training:  a = x ⊙ mask, mask[k] = 1 / (1 − p) if kept (probability 1 − p), else 0");
    pr_line(p, " *   otherwise: a = x  (mask = 1)");
    pr_line(p, " * r0: the first of the B rows' index in the call, for the mask. */");
    pr_line(p, "static void %s(float *restrict a, float *restrict mask, const float *restrict x,",
            n.forward);
    pr_line(p, "%*sint r0, int B, uint64_t key, int training)",
            (int)(sizeof "static void (" - 1 + strlen(n.forward)), "");
    pr_block(p);
    pr_open(p, "for (int b = 0; b < B; b++)");
    pr_open(p, "for (int k = 0; k < %s; k++)", n.out);
    pr_line(p, "const size_t i = (size_t)b * %s + (size_t)k;", n.out);
    pr_line(p, "mask[i] = !training ? 1.0f");
    pr_line(p, "        : dropout_keeps(key, %d, r0 + b, k, %lldu) ? %s : 0.0f;", layer,
            dropout_threshold(L->rate), lit_float(scale, 1.0 / (1.0 - L->rate)));
    pr_line(p, "a[i] = x[i] * mask[i];");
    pr_close(p);
    pr_close(p);
    pr_close(p);
}

void emit_dropout_backward(const struct emit *e, int layer, const char *derivative)
{
    const struct layer *prev = &e->net->layers[layer - 1];
    const struct layer_names n = layer_names(e, layer);
    const int needs_a = layer_backward_reads_a(e, layer);
    const int needs_z = layer_backward_reads_z(e, layer);
    struct printer *p = e->p;
    emit_layer_title(e, layer, "backward");
    pr_line(p, " *   δ_prev = δ ⊙ mask ⊙ f'(z_prev), the error of layer %d (\"%s\"),", layer, prev->name);
    pr_line(p, " * with %s. */", act_derivative_equation(prev->act));
    pr_line(p, "static void %s(float *restrict delta_prev, const float *restrict delta,", n.backward);
    pr_line(p, "%*s%s%sconst float *restrict mask, int B)",
            (int)(sizeof "static void (" - 1 + strlen(n.backward)), "",
            needs_a ? "const float *restrict x, " : "", needs_z ? "const float *restrict z_prev, " : "");
    pr_block(p);
    pr_line(p, "for (int k = 0; k < B * %s; k++)", n.in);
    if (derivative[0])
        pr_line(p, "    delta_prev[k] = delta[k] * mask[k] * (%s);", derivative);
    else
        pr_line(p, "    delta_prev[k] = delta[k] * mask[k];");
    pr_close(p);
}
