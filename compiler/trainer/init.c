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
    pr_line(p, "for (int k = 0; k < n; k++) {");
    pr_line(p, "    const float scaled = (hi - lo) * rng_uniform(state);   /* not fused with the add */");
    pr_line(p, "    w[k] = lo + scaled;");
    pr_line(p, "}");
    pr_close(p);
    pr_blank(p);
}

/* ln u and cos 2πt, for Box–Muller, in double arithmetic of the generated file's own:
 * libm's logf and cosf differ in the last bit between C libraries (glibc's, musl's,
 * wasi-libc's in netc --emit web's page) and would make the same seed give other
 * weights elsewhere.  Each statement does one operation, so no compiler fuses a
 * multiply and an add (gcc's -ffp-contract=fast, clang's =on within an expression). */
static void emit_rng_log(struct printer *p)
{
    pr_line(p, "/* ln u for u in (0, 1]: u = m·2^e with m in [√½, √2) (doubling is exact), then");
    pr_line(p, " *   ln u = e·ln 2 + ln m,  ln m = 2 atanh s = 2 (s + s³/3 + s⁵/5 + …),  s = (m − 1)/(m + 1)");
    pr_line(p, " * |s| < 0.172, so the 13 terms summed leave less than 1e-18 out.  The generated");
    pr_line(p, " * file's own rather than libm's, whose last bit differs between C libraries: the");
    pr_line(p, " * same seed gives the same weights everywhere (one operation per statement, so");
    pr_line(p, " * that no compiler fuses a multiply and an add into one rounding). */");
    pr_line(p, "static double rng_log(double u)");
    pr_block(p);
    pr_line(p, "int e = 0;");
    pr_line(p, "for (; u < 0.70710678118654752; e--)");
    pr_line(p, "    u = 2.0 * u;");
    pr_line(p, "const double s = (u - 1.0) / (u + 1.0);");
    pr_line(p, "const double s2 = s * s;");
    pr_line(p, "double sum = 0.0;                   /* Σ_n s^2n / (2n + 1), by Horner's rule */");
    pr_line(p, "for (int n = 12; n >= 0; n--) {");
    pr_line(p, "    sum = sum * s2;");
    pr_line(p, "    sum = sum + 1.0 / (double)(2 * n + 1);");
    pr_line(p, "}");
    pr_line(p, "const double ln_m = (2.0 * s) * sum;");
    pr_line(p, "const double e_ln_2 = (double)e * 0.69314718055994531;");
    pr_line(p, "return e_ln_2 + ln_m;");
    pr_close(p);
    pr_blank(p);
}

static void emit_rng_cos(struct printer *p)
{
    pr_line(p, "/* cos 2πt for t in [0, 1), as rng_log: by the symmetries (exact in double for");
    pr_line(p, " * rng_uniform's values)");
    pr_line(p, " *   cos 2πt = cos 2π(1 − t),  cos 2πt = −cos 2π(½ − t),  cos 2πt = sin 2π(¼ − t)");
    pr_line(p, " * to x = 2πt in [0, π/4], then the Taylor series, 10 terms (the 11th < 1e-20):");
    pr_line(p, " *   cos x = 1 − x²/(1·2) (1 − x²/(3·4) (1 − …)),  sin x = x (1 − x²/(2·3) (1 − …)) */");
    pr_line(p, "static double rng_cos_turns(double t)");
    pr_block(p);
    pr_line(p, "t = t > 0.5 ? 1.0 - t : t;");
    pr_line(p, "const double sign = t > 0.25 ? -1.0 : 1.0;");
    pr_line(p, "t = t > 0.25 ? 0.5 - t : t;");
    pr_line(p, "const int sine = t > 0.125;         /* then sin 2π(¼ − t) */");
    pr_line(p, "t = sine ? 0.25 - t : t;");
    pr_line(p, "const double x = t * 6.283185307179586477;");
    pr_line(p, "const double x2 = x * x;");
    pr_line(p, "double sum = 1.0;");
    pr_line(p, "for (int k = 10; k >= 1; k--) {");
    pr_line(p, "    const double term = x2 / (double)((2 * k - 1 + sine) * (2 * k + sine));");
    pr_line(p, "    const double nested = term * sum;");
    pr_line(p, "    sum = 1.0 - nested;");
    pr_line(p, "}");
    pr_line(p, "sum = sine ? x * sum : sum;");
    pr_line(p, "return sign * sum;");
    pr_close(p);
    pr_blank(p);
}

static void emit_fill_normal(struct printer *p)
{
    emit_rng_log(p);
    emit_rng_cos(p);
    pr_line(p, "/* A standard normal sample by Box–Muller, in double, rounded once to float; u1 in");
    pr_line(p, " * (0, 1] keeps the log finite. */");
    pr_line(p, "static float rng_normal(uint64_t *state)");
    pr_block(p);
    pr_line(p, "const double u1 = 1.0 - (double)rng_uniform(state);");
    pr_line(p, "const double u2 = (double)rng_uniform(state);");
    pr_line(p, "const double radius = sqrt(-2.0 * rng_log(u1));   /* sqrt: correctly rounded everywhere */");
    pr_line(p, "return (float)(radius * rng_cos_turns(u2));");
    pr_close(p);
    pr_blank(p);
    pr_line(p, "/* w[0..n) drawn from the normal distribution N(mean, std²). */");
    pr_line(p, "static void fill_normal(float *w, int n, float mean, float std, uint64_t *state)");
    pr_block(p);
    pr_line(p, "for (int k = 0; k < n; k++) {");
    pr_line(p, "    const float scaled = std * rng_normal(state);");
    pr_line(p, "    w[k] = mean + scaled;");
    pr_line(p, "}");
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
            pr_line(p, "const float alpha_squared%d = %s * %s;   /* not fused with the add */", l + 1,
                    alpha, alpha);
            pr_line(p, "const float std%d = sqrtf(2.0f / ((1.0f + alpha_squared%d) * (float)%s));",
                    l + 1, l + 1, in);
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
