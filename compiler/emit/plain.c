/* plain.c - `netc --plain`: a layer's sums written out as loops under their equations,
 * where netc's default output calls the kernels (matmul, outer_sum, column_sum).
 *
 * The loops are those of compiler/kernels/reference.h, written for one layer's sizes:
 * each sum runs over its index in order from 0, and the bias comes last, as the
 * equation reads.  The kernels add the same products in chunks of 128 and may fuse
 * multiply-adds, so the two trainers agree within float rounding (tests/kernels/ for
 * the kernels, tests/e2e/plain.sh for whole trainings).  For reading beside the
 * equations and stepping through in a debugger; slower.  Threads split the work as in
 * the default output, and every sum keeps its order, so the results do not depend on
 * their number either.
 */
#include "emit/emit.h"

#include <stdio.h>

/* A sum per element:
 *     for (OUTER) {                    (when outer is not NULL)
 *         for (INNER) {
 *             float sum = 0.0f;   /+ WHAT +/
 *             for (TERMS)
 *                 sum += TERM;
 *             STORE
 *         }
 *     }
 * with each loop's header given whole, "int o = 0; o < MNIST_L1_OUT; o++". */
struct plain_sum {
    const char *outer, *inner, *terms;
    const char *what, *term, *store;
};

static void print_sum(struct printer *p, const struct plain_sum *s)
{
    if (s->outer)
        pr_open(p, "for (%s)", s->outer);
    pr_open(p, "for (%s)", s->inner);
    pr_line(p, "float sum = 0.0f;   /* %s */", s->what);
    pr_line(p, "for (%s)", s->terms);
    pr_line(p, "    sum += %s;", s->term);
    pr_line(p, "%s", s->store);
    pr_close(p);
    if (s->outer)
        pr_close(p);
}

/* z[b][o] = bias[o] + Σ_i x[b][i] WT[i][o], inside layerN_forward. */
void emit_plain_forward(const struct emit *e, const struct layer_names *n)
{
    char inner[EXPR_MAX], terms[EXPR_MAX], term[EXPR_MAX], store[EXPR_MAX];
    snprintf(inner, sizeof inner, "int o = 0; o < %s; o++", n->units);
    snprintf(terms, sizeof terms, "int i = 0; i < %s; i++", n->fan_in);
    snprintf(term, sizeof term, "x[b * %s + i] * WT[i * %s + o]", n->fan_in, n->units);
    snprintf(store, sizeof store, "z[b * %s + o] = bias[o] + sum;", n->units);
    const struct plain_sum s = { "int b = 0; b < B; b++", inner, terms,
                                 "Σ_i x[b][i] WT[i][o]", term, store };
    print_sum(e->p, &s);
}

/* δ_prev[b][i] = Σ_o δ[b][o] W[o][i], inside layerN_backward. */
void emit_plain_backward(const struct emit *e, const struct layer_names *n)
{
    char inner[EXPR_MAX], terms[EXPR_MAX], term[EXPR_MAX], store[EXPR_MAX];
    snprintf(inner, sizeof inner, "int i = 0; i < %s; i++", n->fan_in);
    snprintf(terms, sizeof terms, "int o = 0; o < %s; o++", n->units);
    snprintf(term, sizeof term, "delta[b * %s + o] * W[o * %s + i]", n->units, n->fan_in);
    snprintf(store, sizeof store, "delta_prev[b * %s + i] = sum;", n->fan_in);
    const struct plain_sum s = { "int b = 0; b < B; b++", inner, terms, "Σ_o δ[b][o] W[o][i]",
                                 term, store };
    print_sum(e->p, &s);
}

/* dWT[i][o] = Σ_b x[b][i] δ[b][o] and dbias[o] = Σ_b δ[b][o] for thread t's share of
 * their rows: the body of layerN_gradients. */
void emit_plain_gradients(const struct emit *e, const struct layer_names *n)
{
    struct printer *p = e->p;
    char inner[EXPR_MAX], term[EXPR_MAX], store[EXPR_MAX];
    pr_line(p, "int lo, hi;");
    pr_line(p, "share(%s, 1, t, T, &lo, &hi);   /* this thread's rows of dWT */", n->fan_in);
    snprintf(inner, sizeof inner, "int o = 0; o < %s; o++", n->units);
    snprintf(term, sizeof term, "x[b * %s + i] * delta[b * %s + o]", n->fan_in, n->units);
    snprintf(store, sizeof store, "dWT[i * %s + o] = sum;", n->units);
    const struct plain_sum weights = { "int i = lo; i < hi; i++", inner, "int b = 0; b < B; b++",
                                       "Σ_b x[b][i] δ[b][o]", term, store };
    print_sum(p, &weights);
    pr_line(p, "share(%s, 16, t, T, &lo, &hi);   /* of dbias, in cache lines */", n->units);
    snprintf(term, sizeof term, "delta[b * %s + o]", n->units);
    const struct plain_sum bias = { NULL, "int o = lo; o < hi; o++", "int b = 0; b < B; b++",
                                    "Σ_b δ[b][o]", term, "dbias[o] = sum;" };
    print_sum(p, &bias);
}
