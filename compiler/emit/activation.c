/* activation.c - activations and their derivatives, one table row each.
 *
 * Expressions are templates over "{z}" (the weighted input), "{a}" (the stored
 * activation) and "{alpha}" (the layer's leaky_relu slope constant), expanded for
 * whichever arrays the caller names.  Derivatives use the stored activation where
 * the function allows (σ' = a(1 − a), tanh' = 1 − a²) and z otherwise.
 */
#include "emit/emit.h"

#include <stdio.h>
#include <string.h>

/* What a derivative template reads: the callers pass only the arrays it needs. */
enum reads { READS_NOTHING, READS_A, READS_Z };

struct activation_info {
    const char *forward;            /* a = f(z); NULL: not elementwise (softmax) */
    const char *derivative;         /* f'(z), from {a} or {z} */
    enum reads derivative_reads;    /* which of the two it uses */
    const char *equation;
    const char *derivative_equation;
};

static const struct activation_info activations[] = {
    [ACT_SIGMOID] = { "1.0f / (1.0f + exp_f(-{z}))", "{a} * (1.0f - {a})", READS_A,
                      "σ(z) = 1 / (1 + e^−z)", "σ'(z) = σ(z)(1 − σ(z)) = a(1 − a)" },
    [ACT_RELU] = { "{z} > 0.0f ? {z} : 0.0f", "{z} > 0.0f ? 1.0f : 0.0f", READS_Z,
                   "relu(z) = max(0, z)", "relu'(z) = 1 if z > 0, else 0" },
    [ACT_LEAKY_RELU] = { "{z} > 0.0f ? {z} : {alpha} * {z}", "{z} > 0.0f ? 1.0f : {alpha}", READS_Z,
                         "leaky_relu(z) = z if z > 0, else α·z",
                         "leaky_relu'(z) = 1 if z > 0, else α" },
    [ACT_TANH] = { "tanhf({z})", "1.0f - {a} * {a}", READS_A,
                   "tanh(z)", "tanh'(z) = 1 − tanh²(z) = 1 − a²" },
    [ACT_LINEAR] = { "{z}", "1.0f", READS_NOTHING, "f(z) = z", "f'(z) = 1" },
    [ACT_SOFTMAX] = { NULL, NULL, READS_NOTHING, "softmax(z)_j = e^z_j / Σ_k e^z_k",
                      "∂a_j/∂z_k = a_j (1[j = k] − a_k)" },
};

int act_is_elementwise(enum activation a) { return activations[a].forward != NULL; }
int act_derivative_reads_a(enum activation a) { return activations[a].derivative_reads == READS_A; }
int act_derivative_reads_z(enum activation a) { return activations[a].derivative_reads == READS_Z; }
const char *act_equation(enum activation a) { return activations[a].equation; }
const char *act_derivative_equation(enum activation a) { return activations[a].derivative_equation; }

/* Copy tmpl to buf with {a}, {z} and {alpha} replaced. */
static void expand(const char *tmpl, const char *a, const char *z, const char *alpha,
                   char *buf, size_t n)
{
    static const struct { const char *key; size_t len; } keys[] = {
        { "{a}", 3 }, { "{z}", 3 }, { "{alpha}", 7 },
    };
    const char *values[] = { a, z, alpha };
    size_t k = 0;
    while (*tmpl && k + 1 < n) {
        size_t i, nkeys = sizeof keys / sizeof keys[0];
        for (i = 0; i < nkeys; i++)
            if (strncmp(tmpl, keys[i].key, keys[i].len) == 0)
                break;
        if (i == nkeys) {
            buf[k++] = *tmpl++;
            continue;
        }
        k += (size_t)snprintf(buf + k, n - k, "%s", values[i]);
        if (k >= n)
            k = n - 1;
        tmpl += keys[i].len;
    }
    buf[k] = '\0';
}

void act_derivative_expr(const struct emit *e, int layer, const char *a, const char *z,
                         char *buf, size_t n)
{
    const struct layer_names names = layer_names(e, layer);
    expand(activations[e->net->layers[layer].act].derivative, a, z, names.alpha, buf, n);
}

/* The leaky_relu slopes, as named constants at the top of NAME.c. */
void emit_activation_constants(const struct emit *e)
{
    char lit[LIT_MAX];
    int any = 0;
    for (int l = 0; l < e->net->nlayers; l++) {
        const struct layer *L = &e->net->layers[l];
        if (L->act != ACT_LEAKY_RELU)
            continue;
        if (!any)
            pr_line(e->p, "/* leaky_relu slopes α for z < 0 */");
        any = 1;
        const struct layer_names n = layer_names(e, l);
        pr_line(e->p, "#define %s %s   /* layer %d, \"%s\" */", n.alpha, lit_float(lit, L->alpha),
                l + 1, L->name);
    }
    if (any)
        pr_blank(e->p);
}

void emit_row_max(struct printer *p, const char *width)
{
    pr_line(p, "float max = zb[0];");
    pr_line(p, "for (int o = 1; o < %s; o++)", width);
    pr_line(p, "    max = zb[o] > max ? zb[o] : max;");
}

static void emit_softmax_forward(const struct emit *e, const char *out)
{
    struct printer *p = e->p;
    pr_line(p, "/* a = softmax(z), row by row; subtracting the row's largest z keeps e^z finite */");
    pr_open(p, "for (int b = 0; b < B; b++)");
    pr_line(p, "const float *zb = z + b * %s;", out);
    pr_line(p, "float *ab = a + b * %s;", out);
    emit_row_max(p, out);
    pr_line(p, "float sum = 0.0f;");
    pr_open(p, "for (int o = 0; o < %s; o++)", out);
    pr_line(p, "ab[o] = exp_f(zb[o] - max);");
    pr_line(p, "sum += ab[o];");
    pr_close(p);
    pr_line(p, "for (int o = 0; o < %s; o++)", out);
    pr_line(p, "    ab[o] /= sum;");
    pr_close(p);
}

void emit_activation_forward(const struct emit *e, int layer)
{
    const struct layer *L = &e->net->layers[layer];
    const struct layer_names n = layer_names(e, layer);
    char expr[256];
    if (!act_is_elementwise(L->act)) {
        emit_softmax_forward(e, n.out);
        return;
    }
    expand(activations[L->act].forward, "a[k]", "z[k]", n.alpha, expr, sizeof expr);
    pr_line(e->p, "/* a = %s */", activations[L->act].equation);
    pr_line(e->p, "for (int k = 0; k < B * %s; k++)", n.out);
    pr_line(e->p, "    a[k] = %s;", expr);
}

int layer_backward_reads_a(const struct emit *e, int layer)
{
    return act_derivative_reads_a(e->net->layers[layer - 1].act);
}

int layer_backward_reads_z(const struct emit *e, int layer)
{
    return act_derivative_reads_z(e->net->layers[layer - 1].act);
}
