/* init.c - NAME_init: deterministic initial weights from a seed.
 *
 * The generated file carries its own tiny generator (splitmix64), so the same seed
 * gives the same bytes whatever links the model.  Only the helpers the network's
 * init schemes use are emitted.
 */
#include "trainer/trainer_internal.h"

#include <stdio.h>

static int uses_normal(const struct network *net)
{
    for (int l = 0; l < net->nlayers; l++)
        if (net->layers[l].init.kind == INIT_NORMAL || net->layers[l].init.kind == INIT_HE)
            return 1;
    return 0;
}


static void emit_rng_core(struct printer *p)
{
    pr_line(p, "/* splitmix64 (Steele, Lea and Flood; Vigna's constants): a small deterministic");
    pr_line(p, " * generator, plenty for initial weights. */");
    pr_line(p, "static uint64_t rng_next(uint64_t *state)");
    pr_block(p);
    pr_line(p, "uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));");
    pr_line(p, "z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);");
    pr_line(p, "z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);");
    pr_line(p, "return z ^ (z >> 31);");
    pr_close(p);
    pr_blank(p);
    pr_line(p, "/* Uniform in [0, 1): the top 24 bits, each value exact in a float. */");
    pr_line(p, "static float rng_uniform(uint64_t *state)");
    pr_block(p);
    pr_line(p, "return (float)(rng_next(state) >> 40) * (1.0f / 16777216.0f);");
    pr_close(p);
    pr_blank(p);
}

static void emit_fill_uniform(struct printer *p)
{
    pr_line(p, "/* w[0..n) drawn uniformly from [lo, hi). */");
    pr_line(p, "static void fill_uniform(float *w, int n, float lo, float hi, uint64_t *state)");
    pr_block(p);
    pr_line(p, "for (int k = 0; k < n; k++)");
    pr_line(p, "    w[k] = lo + (hi - lo) * rng_uniform(state);");
    pr_close(p);
    pr_blank(p);
}

static void emit_fill_normal(struct printer *p)
{
    pr_line(p, "/* A standard normal sample by Box–Muller; u1 in (0, 1] keeps the log finite. */");
    pr_line(p, "static float rng_normal(uint64_t *state)");
    pr_block(p);
    pr_line(p, "const float u1 = 1.0f - rng_uniform(state);");
    pr_line(p, "const float u2 = rng_uniform(state);");
    pr_line(p, "return sqrtf(-2.0f * logf(u1)) * cosf(6.28318531f * u2);");
    pr_close(p);
    pr_blank(p);
    pr_line(p, "/* w[0..n) drawn from the normal distribution N(mean, std²). */");
    pr_line(p, "static void fill_normal(float *w, int n, float mean, float std, uint64_t *state)");
    pr_block(p);
    pr_line(p, "for (int k = 0; k < n; k++)");
    pr_line(p, "    w[k] = mean + std * rng_normal(state);");
    pr_close(p);
    pr_blank(p);
}

void emit_rng(const struct emit *e)
{
    emit_rng_core(e->p);
    emit_fill_uniform(e->p);        /* biases always draw from it */
    if (uses_normal(e->net))
        emit_fill_normal(e->p);
}

/* One layer's weights, with a comment naming the scheme. */
static void emit_layer_init(const struct emit *e, int l)
{
    const struct layer *L = &e->net->layers[l];
    struct printer *p = e->p;
    const struct layer_names n = layer_names(e, l);
    /* torch's fan-in and fan-out: a dense layer's IN and OUT, a conv layer's C·KH·KW and
     * OUT_C·KH·KW */
    const char *in = n.fan_in, *units = n.units;
    char w[128], count[200], a[LIT_MAX], b[LIT_MAX], alpha[LIT_MAX], out[3 * SYMBOL_MAX + 16];
    char kh[SYMBOL_MAX], kw[SYMBOL_MAX];
    layer_constant(kh, e, l, "KH");
    layer_constant(kw, e, l, "KW");
    if (L->kind == LAYER_CONV)
        snprintf(out, sizeof out, "%s * %s * %s", units, kh, kw);
    else
        snprintf(out, sizeof out, "%s", units);
    snprintf(w, sizeof w, "m->param + %s", n.wt);
    snprintf(count, sizeof count, "%s * %s", in, units);

    switch (L->init.kind) {
    case INIT_XAVIER:
        pr_line(p, "/* layer %d, \"%s\": Xavier/Glorot uniform, U(−√(6 / (IN + OUT)), +√(6 / (IN + OUT))) */",
                l + 1, L->name);
        pr_line(p, "const float limit%d = sqrtf(6.0f / (float)(%s + %s));", l + 1, in, out);
        pr_line(p, "fill_uniform(%s, %s, -limit%d, limit%d, &rng);", w, count, l + 1, l + 1);
        break;
    case INIT_HE:
        if (L->act == ACT_LEAKY_RELU) {
            pr_line(p, "/* layer %d, \"%s\": He/Kaiming normal for leaky_relu, N(0, 2 / ((1 + α²) IN)) */",
                    l + 1, L->name);
            lit_float(alpha, L->alpha);
            pr_line(p, "const float std%d = sqrtf(2.0f / ((1.0f + %s * %s) * (float)%s));", l + 1,
                    alpha, alpha, in);
        } else {
            pr_line(p, "/* layer %d, \"%s\": He/Kaiming normal, N(0, 2 / IN) */", l + 1, L->name);
            pr_line(p, "const float std%d = sqrtf(2.0f / (float)%s);", l + 1, in);
        }
        pr_line(p, "fill_normal(%s, %s, 0.0f, std%d, &rng);", w, count, l + 1);
        break;
    case INIT_UNIFORM:
        pr_line(p, "/* layer %d, \"%s\": uniform in [a, b) */", l + 1, L->name);
        pr_line(p, "fill_uniform(%s, %s, %s, %s, &rng);", w, count, lit_float(a, L->init.a),
                lit_float(b, L->init.b));
        break;
    case INIT_NORMAL:
        pr_line(p, "/* layer %d, \"%s\": normal, N(mean, std²) */", l + 1, L->name);
        pr_line(p, "fill_normal(%s, %s, %s, %s, &rng);", w, count, lit_float(a, L->init.a),
                lit_float(b, L->init.b));
        break;
    }
    pr_line(p, "/* its biases: U(−1/√IN, +1/√IN), as torch.nn.Linear starts them */");
    pr_line(p, "const float bound%d = 1.0f / sqrtf((float)%s);", l + 1, in);
    pr_line(p, "fill_uniform(m->param + %s, %s, -bound%d, bound%d, &rng);", n.b, units, l + 1, l + 1);
}

void emit_init(const struct emit *e)
{
    struct printer *p = e->p;
    pr_line(p, "/* Fresh weights from seed: each layer's weights as the .net file says, its");
    pr_line(p, " * biases as torch.nn.Linear's; optimizer state and step are zero.  The same");
    pr_line(p, " * seed gives the same bytes. */");
    pr_line(p, "void %s_init(%s_model *m, uint64_t seed)", e->name, e->name);
    pr_block(p);
    pr_line(p, "uint64_t rng = seed;");
    pr_line(p, "memset(m, 0, sizeof *m);");
    for (int l = 0; l < e->net->nlayers; l++)
        if (layer_has_weights(&e->net->layers[l]))
            emit_layer_init(e, l);
    pr_close(p);
}
