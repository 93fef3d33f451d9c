/* test_sparse.c - suite `kernels_sparse`: compiler/kernels/sparse.h, a network's first
 * layer skipping its zero inputs, against the dense kernels it stands for, bit for bit.
 *
 * input_product must give matmul's bits and input_outer_sum outer_sum's, on every build
 * of tests/kernels/ (GNU vectors, NETC_PORTABLE, AVX2 + FMA; trainer and export), for
 * inputs with every density of zeros (none, a few, most, all; +0 and -0 alike; in runs
 * as images have them and scattered), with each block of samples and rows, every tail
 * of outputs and sums of up to 7 chunks of 128 inputs, and where the sign of a zero sum
 * could tell the two apart: products that round to -0, exact zero weights, a bias of
 * +0, of -0 (input_product then is matmul) and none.  Outputs start as NaN and guard
 * floats after them must stay untouched.
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "variant.h"

void kernels_sparse_register(void);

static const struct kernel_variant *const variants[] = {
    &kernels_trainer, &kernels_export, &kernels_portable, &kernels_portable_export,
    &kernels_avx2, &kernels_avx2_export,
};
enum { NVARIANTS = sizeof variants / sizeof variants[0], GUARD = 8 };

static int runs(const struct kernel_variant *v)
{
    return v->built && processor_has(v->needs);
}


/* The ways inputs are zero. */
enum zeros { NONE, FEW, MOST, ALL, RUNS, TINY };

/* x[n]: random values, of which (by kind) none, 1/8, 7/8 or all are zero, or runs of
 * zeros and values as image rows have them; zeros are +0 or -0 at random.  TINY: most
 * zero, the others ±2^-100, whose products with weights of ±2^-60 round to ±0. */
static void fill_inputs(float *x, int n, enum zeros kind)
{
    int run = 0, on = 0;
    for (int k = 0; k < n; k++) {
        const uint32_t r = test_rng_next();
        int zero = 0;
        switch (kind) {
        case NONE: zero = 0; break;
        case FEW: zero = r % 8 == 0; break;
        case MOST: case TINY: zero = r % 8 != 0; break;
        case ALL: zero = 1; break;
        case RUNS:
            if (run-- <= 0) {
                on = !on;
                run = (int)(r % 40);
            }
            zero = !on;
            break;
        }
        if (zero)
            x[k] = r & 0x100 ? -0.0f : 0.0f;
        else if (kind == TINY)
            x[k] = r & 0x200 ? 0x1p-100f : -0x1p-100f;
        else
            x[k] = test_rng_float();
    }
}

/* w[n]: random, or (tiny) ±2^-60, with every 7th weight an exact +0 or -0. */
static void fill_weights(float *w, int n, int tiny)
{
    for (int k = 0; k < n; k++) {
        const uint32_t r = test_rng_next();
        if (k % 7 == 3)
            w[k] = r & 1 ? -0.0f : 0.0f;
        else
            w[k] = tiny ? (r & 2 ? 0x1p-60f : -0x1p-60f) : test_rng_float();
    }
}

static float *buffer(int n)
{
    float *p = malloc(sizeof(float) * ((size_t)n + GUARD));
    if (p)
        for (int k = 0; k < n + GUARD; k++)
            p[k] = NAN;
    return p;
}

/* got[n] against want[n] bit for bit, and got's guards untouched (NaN). */
static int same_bits(const float *got, const float *want, int n)
{
    if (memcmp(got, want, sizeof(float) * (size_t)n) != 0)
        return 0;
    for (int k = n; k < n + GUARD; k++)
        if (!isnan(got[k]))
            return 0;
    return 1;
}

struct tally {
    int cases, mismatches;
    char first[160];
};

static void count(struct tally *t, int ok, const char *what)
{
    t->cases++;
    if (!ok && t->mismatches++ == 0)
        snprintf(t->first, sizeof t->first, "%s", what);
}

static void report(const struct tally *t, const char *kernel, const struct kernel_variant *v)
{
    printf("\n    %-15s %-34s %5d cases, %s", kernel, v->name, t->cases,
           t->mismatches ? "NOT bit-exact" : "bit-exact to the dense kernel: OK");
    if (t->mismatches)
        printf("\n      %d mismatches, first: %s", t->mismatches, t->first);
    CU_ASSERT_EQUAL(t->mismatches, 0);
}

/* bias[n] of one kind: 0 random, 1 all +0, 2 one -0 among random values. */
static void fill_bias(float *bias, int n, int kind)
{
    for (int o = 0; o < n; o++)
        bias[o] = kind == 1 ? 0.0f : test_rng_float();
    if (kind == 2)
        bias[n / 2] = -0.0f;
}

/* One product: input_product against matmul on variant v. */
static void product_case(struct tally *t, const struct kernel_variant *v, int B, int K, int N,
                         int R, enum zeros kind, int bias_kind)
{
    float *x = buffer(B * K), *w = buffer(K * N), *bias = buffer(N);
    float *got = buffer(B * N), *want = buffer(B * N);
    if (!x || !w || !bias || !got || !want) {
        CU_FAIL("out of memory");
    } else {
        fill_inputs(x, B * K, kind);
        fill_weights(w, K * N, kind == TINY);
        fill_bias(bias, N, bias_kind);
        const float *init = bias_kind == 3 ? NULL : bias;
        v->matmul(want, x, w, init, B, K, N, R);
        v->input_product(got, x, w, init, B, K, N, R);
        char what[96];
        snprintf(what, sizeof what, "B=%d K=%d N=%d R=%d zeros=%d bias=%d", B, K, N, R,
                 (int)kind, bias_kind);
        count(t, same_bits(got, want, B * N), what);
    }
    free(x), free(w), free(bias), free(got), free(want);
}

static void test_input_product(void)
{
    static const int Bs[] = { 1, 2, 6, 7 };
    static const int Ks[] = { 1, 9, 128, 300, 784 };
    static const int Ns[] = { 1, 7, 16, 17, 40 };
    for (int i = 0; i < NVARIANTS; i++) {
        const struct kernel_variant *v = variants[i];
        struct tally t = { 0 };
        if (!runs(v))
            continue;
        test_rng_state = 7;
        for (size_t b = 0; b < sizeof Bs / sizeof Bs[0]; b++)
            for (size_t k = 0; k < sizeof Ks / sizeof Ks[0]; k++)
                for (size_t n = 0; n < sizeof Ns / sizeof Ns[0]; n++)
                    for (int kind = NONE; kind <= TINY; kind++)
                        for (int R = 1; R <= 6; R += 5 - (int)(b % 2) * 2)
                            product_case(&t, v, Bs[b], Ks[k], Ns[n], R, (enum zeros)kind,
                                         (int)(k + n + (size_t)kind) % 4);
        report(&t, "input_product", v);
    }
    printf("\n  ");
}

/* One weight gradient: input_outer_sum against outer_sum, rows k_lo..k_hi. */
static void outer_case(struct tally *t, const struct kernel_variant *v, int B, int K, int N,
                       int R, enum zeros kind, int k_lo, int k_hi)
{
    float *x = buffer(B * K), *d = buffer(B * N);
    float *got = buffer(K * N), *want = buffer(K * N);
    if (!x || !d || !got || !want) {
        CU_FAIL("out of memory");
    } else {
        fill_inputs(x, B * K, kind);
        fill_weights(d, B * N, kind == TINY);
        for (int k = 0; k < K * N; k++)       /* rows outside the share stay as they are */
            got[k] = want[k] = 1.0f;
        v->outer_sum(want, x, d, B, K, N, R, k_lo, k_hi);
        v->input_outer_sum(got, x, d, B, K, N, R, k_lo, k_hi);
        char what[96];
        snprintf(what, sizeof what, "B=%d K=%d N=%d R=%d zeros=%d rows %d..%d", B, K, N, R,
                 (int)kind, k_lo, k_hi);
        count(t, same_bits(got, want, K * N), what);
    }
    free(x), free(d), free(got), free(want);
}

static void test_input_outer_sum(void)
{
    static const int Bs[] = { 1, 40, 129 };
    static const int Ks[] = { 1, 9, 30, 784 };
    static const int Ns[] = { 1, 9, 16, 24 };
    for (int i = 0; i < NVARIANTS; i++) {
        const struct kernel_variant *v = variants[i];
        struct tally t = { 0 };
        if (!runs(v) || !v->input_outer_sum)
            continue;
        test_rng_state = 11;
        for (size_t b = 0; b < sizeof Bs / sizeof Bs[0]; b++)
            for (size_t k = 0; k < sizeof Ks / sizeof Ks[0]; k++)
                for (size_t n = 0; n < sizeof Ns / sizeof Ns[0]; n++)
                    for (int kind = NONE; kind <= TINY; kind++)
                        for (int R = 4; R <= 6; R += 2) {
                            const int K = Ks[k];
                            outer_case(&t, v, Bs[b], K, Ns[n], R, (enum zeros)kind, 0, K);
                            if (K >= 2 * R)     /* a thread's share: rows from a block */
                                outer_case(&t, v, Bs[b], K, Ns[n], R, (enum zeros)kind, R,
                                           K - 1);
                        }
        report(&t, "input_outer_sum", v);
    }
    printf("\n  ");
}

void kernels_sparse_register(void)
{
    CU_pSuite s = CU_add_suite("kernels_sparse", NULL, NULL);
    CU_add_test(s, "input_product", test_input_product);
    CU_add_test(s, "input_outer_sum", test_input_outer_sum);
}
