/* test_kernels.c - suite `kernels`: the kernels of compiler/kernels/ on their own,
 * against the plain loops of compiler/kernels/reference.h.
 *
 * The float kernels run in every build of tests/kernels/ (GNU vectors; NETC_PORTABLE;
 * AVX2 with fused multiply-adds where the processor has them; each with the trainer's
 * packed panels and without, as exported code has them), on sizes chosen to take every
 * path: each register block R = 1..6 and the rows left over (B % R), every tail of
 * outputs (N % 8 = 1..7), one sample alone and fewer samples than a block (matmul_row's
 * chunks side by side), sums over K > 128 in up to 11 chunks, the packed panels (rows
 * 512 floats = 2 KB apart, read by 8 blocks or more), a thread's share of the rows.
 * Buffers start 4 bytes past an aligned address, outputs start as NaN (a kernel that
 * reads them before writing shows), and guard floats after them must stay untouched.
 *
 * Two comparisons per result:
 *   exact, bit for bit, with the order each kernel documents, spelt out here as plain
 *     loops: matmul's sums over k in chunks of 128 in order, each from 0, the chunk
 *     sums then added in order to init; outer_sum's sums over the samples in order;
 *     each multiply-add fused or not as this build's V_MADD is (measured);
 *   within a stated bound, with reference.h's loops (a sum in one run over k, init
 *     last): |fast - plain| <= 2·(K + 1)·FLT_EPSILON·(|init| + Σ_k |x_k w_k|), twice
 *     the worst-case error of either float sum of K + 1 terms.
 * Column sums, the transpose, the threads' shares and the int8 kernels are exact; the int8
 * kernels' builds (plain C, SSE2, AVX2, AVX-512 VNNI) must also give the same bytes.
 * exp_f stays within 1.02 ulp of e^x (as tests/codegen/expf.sh over all floats; here
 * every 16411th float and the special values).
 */
#include <CUnit/CUnit.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/reference.h"
#include "int8_variant.h"
#include "support.h"
#include "variant.h"

void kernels_register(void);

static const struct kernel_variant *const variants[] = {
    &kernels_trainer, &kernels_export, &kernels_portable, &kernels_portable_export,
    &kernels_avx2, &kernels_avx2_export,
};
enum { NVARIANTS = sizeof variants / sizeof variants[0] };

/* Whether this machine runs variant v. */
static int runs(const struct kernel_variant *v)
{
    return v->built && processor_has(v->needs);
}

/* ---- data ---- */


static void fill(float *p, int n)
{
    for (int k = 0; k < n; k++)
        p[k] = test_rng_float();
}

enum { GUARD = 8 };
static const float guard_value = 12345.678f;

/* n floats 4 bytes past a 32-byte boundary (the kernels may not assume alignment),
 * followed by GUARD guard floats; free with release(). */
static float *buffer(int n)
{
    float *base = NULL;
    if (posix_memalign((void **)&base, 32, sizeof(float) * ((size_t)n + 1 + GUARD)) != 0)
        return NULL;
    for (int k = 0; k < GUARD; k++)
        base[1 + n + k] = guard_value;
    return base + 1;
}

static void release(float *p)
{
    if (p)
        free(p - 1);
}

static int guards_intact(const float *p, int n)
{
    for (int k = 0; k < GUARD; k++)
        if (memcmp(&p[n + k], &guard_value, sizeof(float)) != 0)
            return 0;
    return 1;
}

static void fill_nan(float *p, int n)
{
    for (int k = 0; k < n; k++)
        p[k] = NAN;
}

/* ---- the orders the kernels document, spelt out ---- */

/* acc + a·b, rounded once (fused) or twice. */
static float madd(float acc, float a, float b, int fused)
{
    if (fused)
        return fmaf(a, b, acc);
    volatile float product = a * b;     /* rounded on its own, never contracted */
    return acc + product;
}

enum { KC = 128 };      /* matmul.h's chunk of k */

/* matmul's order: chunks of KC terms, each summed from 0 in order of k, then
 * ((init + S_0) + S_1) + ... */
static void matmul_in_order(float *out, const float *x, const float *w, const float *init,
                            int B, int K, int N, int fused)
{
    for (int b = 0; b < B; b++)
        for (int o = 0; o < N; o++) {
            float total = init ? init[o] : 0.0f;
            for (int k0 = 0; k0 < K; k0 += KC) {
                float chunk = 0.0f;
                for (int k = k0; k < K && k < k0 + KC; k++)
                    chunk = madd(chunk, x[b * K + k], w[k * N + o], fused);
                total = total + chunk;
            }
            out[b * N + o] = total;
        }
}

/* outer_sum's order: over b = 0, 1, ..., from 0. */
static void outer_sum_in_order(float *dw, const float *x, const float *d, int B, int K, int N,
                               int fused)
{
    for (int k = 0; k < K; k++)
        for (int o = 0; o < N; o++) {
            float sum = 0.0f;
            for (int b = 0; b < B; b++)
                sum = madd(sum, x[b * K + k], d[b * N + o], fused);
            dw[k * N + o] = sum;
        }
}

/* conv_product's order: over k = 0, 1, ..., from 0, then bias[o] + the sum. */
static void conv_product_in_order(float *z, const float *wt, const float *cols,
                                  const float *bias, int O, int K, int P, int fused)
{
    for (int o = 0; o < O; o++)
        for (int p = 0; p < P; p++) {
            float sum = 0.0f;
            for (int k = 0; k < K; k++)
                sum = madd(sum, wt[k * O + o], cols[k * P + p], fused);
            z[o * P + p] = bias[o] + sum;
        }
}

/* ---- comparing ---- */

/* What one kernel on one variant came to: the cases, the first mismatch, the largest
 * difference from the plain loops relative to its bound. */
struct tally {
    int cases, mismatches;
    char first[200];
    double max_diff, max_ratio;     /* |fast - plain|, and that over its bound */
};

/* One result, got, of a sum of `terms` products per element (for messages: the case,
 * e.g. "B=5 K=7 N=9 R=3"), against the documented order (bits) and the plain loops
 * (the bound, given Σ|terms| per element in mag). */
static void compare(struct tally *t, const char *what, const float *got, const float *in_order,
                    const float *plain, const float *mag, int n, int terms)
{
    t->cases++;
    for (int i = 0; i < n; i++) {
        if (memcmp(&got[i], &in_order[i], sizeof(float)) != 0) {
            if (t->mismatches++ == 0)
                snprintf(t->first, sizeof t->first, "%s: [%d] = %.9g, in order %.9g", what,
                         i, (double)got[i], (double)in_order[i]);
            break;
        }
    }
    if (!guards_intact(got, n) && t->mismatches++ == 0)
        snprintf(t->first, sizeof t->first, "%s: wrote past its output", what);
    for (int i = 0; i < n; i++) {
        const double diff = fabs((double)got[i] - (double)plain[i]);
        const double bound = 2.0 * (terms + 1) * FLT_EPSILON * mag[i];
        if (diff > t->max_diff)
            t->max_diff = diff;
        if (diff > 0 && (bound == 0 || diff / bound > t->max_ratio))
            t->max_ratio = bound == 0 ? INFINITY : diff / bound;
    }
}

/* After a test's lines: CUnit's verdict on a line of its own. */
static void end_lines(void)
{
    printf("\n  ");
}

/* Prints the tally, OK or FAIL, and asserts it. */
static void report(const struct tally *t, const char *kernel, const struct kernel_variant *v)
{
    const int ok = t->mismatches == 0 && t->max_ratio <= 1.0;
    printf("\n    %-10s %-34s %4d cases, %s; plain loops: maxdiff %.2g (%.2g of the bound):"
           " %s", kernel, v->name, t->cases, t->mismatches ? "NOT bit-exact" : "bit-exact",
           t->max_diff, t->max_ratio, ok ? "OK" : "FAIL");
    if (t->mismatches)
        printf("\n      %d mismatches, first: %s", t->mismatches, t->first);
    CU_ASSERT(ok);
}

/* mag[b][o] = |init[o]| + Σ_k |x[b][k] w[k][o]|, the scale of a sum's rounding */
static void magnitudes(float *mag, const float *x, const float *w, const float *init, int B,
                       int K, int N)
{
    for (int b = 0; b < B; b++)
        for (int o = 0; o < N; o++) {
            double m = init ? fabs((double)init[o]) : 0.0;
            for (int k = 0; k < K; k++)
                m += fabs((double)x[b * K + k] * (double)w[k * N + o]);
            mag[b * N + o] = (float)m;
        }
}

/* ---- matmul ---- */

/* One product out = init + x·w on variant v, checked both ways. */
static void matmul_case(struct tally *t, const struct kernel_variant *v, int B, int K, int N,
                        int R, int with_init)
{
    float *x = buffer(B * K), *w = buffer(K * N), *init = buffer(N), *out = buffer(B * N);
    float *in_order = buffer(B * N), *plain = buffer(B * N), *mag = buffer(B * N);
    if (!x || !w || !init || !out || !in_order || !plain || !mag) {
        CU_FAIL("out of memory");
    } else {
        fill(x, B * K);
        fill(w, K * N);
        fill(init, N);
        const float *bias = with_init ? init : NULL;
        fill_nan(out, B * N);
        v->matmul(out, x, w, bias, B, K, N, R);
        matmul_in_order(in_order, x, w, bias, B, K, N, v->madd_fuses());
        matmul_reference(plain, x, w, bias, B, K, N);
        magnitudes(mag, x, w, bias, B, K, N);
        char what[80];
        snprintf(what, sizeof what, "B=%d K=%d N=%d R=%d%s", B, K, N, R, bias ? "" : " init=NULL");
        compare(t, what, out, in_order, plain, mag, B * N, K);
    }
    release(x), release(w), release(init), release(out);
    release(in_order), release(plain), release(mag);
}

/* Each register block R = 1..6 with each count of rows left over, every N % 8,
 * one chunk, one and a bit, several. */
static void test_matmul_blocks_and_tails(void)
{
    static const int Bs[] = { 1, 2, 3, 5, 6, 7, 11, 13 };
    static const int Ks[] = { 1, 7, 128, 129, 300 };
    static const int Ns[] = { 1, 5, 7, 8, 9, 16, 17, 23, 24, 25, 40 };
    for (int i = 0; i < NVARIANTS; i++) {
        const struct kernel_variant *v = variants[i];
        struct tally t = { 0 };
        if (!runs(v))
            continue;
        test_rng_state = 1;
        for (size_t b = 0; b < sizeof Bs / sizeof Bs[0]; b++)
            for (size_t k = 0; k < sizeof Ks / sizeof Ks[0]; k++)
                for (size_t n = 0; n < sizeof Ns / sizeof Ns[0]; n++)
                    for (int R = 1; R <= 6; R++)
                        matmul_case(&t, v, Bs[b], Ks[k], Ns[n], R, (R + (int)n) % 2);
        report(&t, "matmul", v);
    }
    end_lines();
}

/* Sums over K > 128: fewer samples than a block with at most 4 vectors of outputs go
 * one sample at a time, 6 chunks side by side, then the 1-5 whole chunks left, then
 * the last partial one (matmul_row_columns); more samples or outputs, chunk by chunk. */
static void test_matmul_chunks(void)
{
    static const int Bs[] = { 1, 2, 4, 7 };
    static const int Ks[] = { 256, 640, 768, 769, 896, 1280, 1413, 1536 };
    static const int Ns[] = { 3, 8, 13, 16, 24, 31, 40 };
    for (int i = 0; i < NVARIANTS; i++) {
        const struct kernel_variant *v = variants[i];
        struct tally t = { 0 };
        if (!runs(v))
            continue;
        test_rng_state = 2;
        for (size_t b = 0; b < sizeof Bs / sizeof Bs[0]; b++)
            for (size_t k = 0; k < sizeof Ks / sizeof Ks[0]; k++)
                for (size_t n = 0; n < sizeof Ns / sizeof Ns[0]; n++)
                    for (int R = 5; R <= 6; R++)
                        matmul_case(&t, v, Bs[b], Ks[k], Ns[n], R, (int)(k + n) % 2);
        report(&t, "chunks", v);
    }
    end_lines();
}

/* w's rows 2 KB apart (N a multiple of 512) and at least 8 blocks of samples: the
 * trainer packs columns of w into panels; 47 samples in blocks of 6 are too few. */
static void test_matmul_panels(void)
{
    static const int cases[][4] = {     /* B, K, N, R */
        { 48, 3, 512, 6 }, { 53, 130, 512, 6 }, { 40, 9, 1024, 5 }, { 47, 5, 512, 6 },
        { 16, 129, 512, 2 }, { 9, 20, 512, 1 }, { 50, 7, 520, 5 },
    };
    for (int i = 0; i < NVARIANTS; i++) {
        const struct kernel_variant *v = variants[i];
        struct tally t = { 0 };
        if (!runs(v))
            continue;
        test_rng_state = 3;
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
            matmul_case(&t, v, cases[c][0], cases[c][1], cases[c][2], cases[c][3], (int)c % 2);
        report(&t, "panels", v);
    }
    end_lines();
}

/* ---- conv_product ---- */

/* One sample's z = bias + W·cols on variant v, W read from wt[K][O], checked both ways. */
static void conv_product_case(struct tally *t, const struct kernel_variant *v, int O, int K,
                              int P, int R)
{
    float *wt = buffer(K * O), *cols = buffer(K * P), *bias = buffer(O), *z = buffer(O * P);
    float *in_order = buffer(O * P), *plain = buffer(O * P), *mag = buffer(O * P);
    if (!wt || !cols || !bias || !z || !in_order || !plain || !mag) {
        CU_FAIL("out of memory");
    } else {
        fill(wt, K * O);
        fill(cols, K * P);
        fill(bias, O);
        fill_nan(z, O * P);
        v->conv_product(z, wt, cols, bias, O, K, P, R);
        conv_product_in_order(in_order, wt, cols, bias, O, K, P, v->madd_fuses());
        conv_product_reference(plain, wt, cols, bias, O, K, P);
        for (int o = 0; o < O; o++)
            for (int p = 0; p < P; p++) {
                double m = fabs((double)bias[o]);
                for (int k = 0; k < K; k++)
                    m += fabs((double)wt[k * O + o] * (double)cols[k * P + p]);
                mag[o * P + p] = (float)m;
            }
        char what[80];
        snprintf(what, sizeof what, "O=%d K=%d P=%d R=%d", O, K, P, R);
        compare(t, what, z, in_order, plain, mag, O * P, K);
    }
    release(wt), release(cols), release(bias), release(z);
    release(in_order), release(plain), release(mag);
}

/* Every block of filters R = 1..6 with each count left over, every P % 8 and one or
 * more pairs of vectors of positions, sums of 1 to 150 terms (LeNet's 25 and 150). */
static void test_conv_product(void)
{
    static const int Os[] = { 1, 2, 5, 6, 7, 11, 16 };
    static const int Ks[] = { 1, 9, 25, 150 };
    static const int Ps[] = { 1, 3, 7, 8, 9, 15, 16, 17, 24, 31, 100 };
    for (int i = 0; i < NVARIANTS; i++) {
        const struct kernel_variant *v = variants[i];
        struct tally t = { 0 };
        if (!runs(v))
            continue;
        test_rng_state = 9;
        for (size_t o = 0; o < sizeof Os / sizeof Os[0]; o++)
            for (size_t k = 0; k < sizeof Ks / sizeof Ks[0]; k++)
                for (size_t p = 0; p < sizeof Ps / sizeof Ps[0]; p++)
                    for (int R = 1; R <= 6; R++)
                        conv_product_case(&t, v, Os[o], Ks[k], Ps[p], R);
        report(&t, "conv", v);
    }
    end_lines();
}

/* copy_floats: every n from 0 to 40 (fewer than a vector, whole vectors, and the
 * overlapping last one), the same bytes as src (NaNs of any payload too), nothing
 * written past n. */
static void test_copy_floats(void)
{
    for (int i = 0; i < NVARIANTS; i++) {
        const struct kernel_variant *v = variants[i];
        if (!runs(v))
            continue;
        test_rng_state = 9;
        for (int n = 0; n <= 40; n++) {
            float *src = buffer(n), *got = buffer(n);
            if (!src || !got) {
                CU_FAIL("out of memory");
            } else {
                fill(src, n);
                if (n > 2)
                    memcpy(&src[n / 2], &(const uint32_t){ 0x7fc01234u }, sizeof(float));
                fill_nan(got, n);
                v->copy_floats(got, src, n);
                CU_ASSERT(memcmp(got, src, sizeof(float) * (size_t)n) == 0);
                CU_ASSERT(guards_intact(got, n));
            }
            release(src), release(got);
        }
    }
}

/* Batch 1 (a sample predicted alone): R = 1, and R = 5 or 6 with B = 1. */
static void test_matmul_one_sample(void)
{
    static const int Ks[] = { 1, 10, 128, 200, 784, 800 };
    static const int Ns[] = { 1, 10, 16, 33, 128 };
    for (int i = 0; i < NVARIANTS; i++) {
        const struct kernel_variant *v = variants[i];
        struct tally t = { 0 };
        if (!runs(v))
            continue;
        test_rng_state = 4;
        for (size_t k = 0; k < sizeof Ks / sizeof Ks[0]; k++)
            for (size_t n = 0; n < sizeof Ns / sizeof Ns[0]; n++)
                for (int R = 1; R <= 6; R += 4)
                    matmul_case(&t, v, 1, Ks[k], Ns[n], R, 1);
        report(&t, "one sample", v);
    }
    end_lines();
}

/* δ_prev = W^T δ as the trainer computes it: W = WT transposed (in thread shares),
 * then matmul(δ_prev, δ, W, NULL, B, OUT, IN); against the plain loop over WT. */
static void test_backward(void)
{
    static const int cases[][4] = {     /* B, IN, OUT, R */
        { 5, 16, 10, 5 }, { 13, 784, 16, 6 }, { 3, 100, 300, 6 }, { 1, 30, 200, 1 },
        { 64, 512, 512, 6 }, { 10, 7, 3, 5 },
    };
    for (int i = 0; i < NVARIANTS; i++) {
        const struct kernel_variant *v = variants[i];
        struct tally t = { 0 };
        if (!runs(v) || !v->outer_sum)
            continue;
        test_rng_state = 5;
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            const int B = cases[c][0], IN = cases[c][1], OUT = cases[c][2], R = cases[c][3];
            float *delta = buffer(B * OUT), *WT = buffer(IN * OUT), *W = buffer(OUT * IN);
            float *got = buffer(B * IN), *in_order = buffer(B * IN), *plain = buffer(B * IN);
            float *mag = buffer(B * IN), *Wt_again = buffer(IN * OUT);
            if (!delta || !WT || !W || !got || !in_order || !plain || !mag || !Wt_again) {
                CU_FAIL("out of memory");
            } else {
                fill(delta, B * OUT);
                fill(WT, IN * OUT);
                for (int th = 0; th < 3; th++) {       /* three threads' rows of W */
                    int lo, hi;
                    v->share(OUT, 1, th, 3, &lo, &hi);
                    v->transpose(W, WT, IN, OUT, lo, hi);
                }
                fill_nan(got, B * IN);
                v->matmul(got, delta, W, NULL, B, OUT, IN, R);
                matmul_in_order(in_order, delta, W, NULL, B, OUT, IN, v->madd_fuses());
                backward_reference(plain, delta, WT, B, IN, OUT);
                transpose_reference(Wt_again, W, OUT, IN);      /* W^T = WT */
                magnitudes(mag, delta, W, NULL, B, OUT, IN);
                char what[80];
                snprintf(what, sizeof what, "B=%d IN=%d OUT=%d R=%d", B, IN, OUT, R);
                compare(&t, what, got, in_order, plain, mag, B * IN, OUT);
                CU_ASSERT(memcmp(Wt_again, WT, sizeof(float) * IN * OUT) == 0);
            }
            release(delta), release(WT), release(W), release(got);
            release(in_order), release(plain), release(mag), release(Wt_again);
        }
        report(&t, "backward", v);
    }
    end_lines();
}

/* ---- gradients ---- */

/* dw = x^T·d on variant v, its rows split between T threads as the trainer splits
 * them (blocks of R), checked both ways; rows outside a share stay untouched. */
static void outer_case(struct tally *t, const struct kernel_variant *v, int B, int K, int N,
                       int R, int T)
{
    float *x = buffer(B * K), *d = buffer(B * N), *dw = buffer(K * N);
    float *in_order = buffer(K * N), *plain = buffer(K * N), *mag = buffer(K * N);
    float *xt = buffer(K * B);
    if (!x || !d || !dw || !in_order || !plain || !mag || !xt) {
        CU_FAIL("out of memory");
    } else {
        fill(x, B * K);
        fill(d, B * N);
        fill_nan(dw, K * N);
        for (int th = 0; th < T; th++) {
            int lo, hi;
            v->share(K, R, th, T, &lo, &hi);
            v->outer_sum(dw, x, d, B, K, N, R, lo, hi);
        }
        outer_sum_in_order(in_order, x, d, B, K, N, v->madd_fuses());
        outer_sum_reference(plain, x, d, B, K, N);
        transpose_reference(xt, x, B, K);           /* the sums' scale: x^T as K × B */
        magnitudes(mag, xt, d, NULL, K, B, N);
        char what[80];
        snprintf(what, sizeof what, "B=%d K=%d N=%d R=%d threads=%d", B, K, N, R, T);
        compare(t, what, dw, in_order, plain, mag, K * N, B);
    }
    release(x), release(d), release(dw), release(in_order), release(plain), release(mag);
    release(xt);
}

/* Rows of dw in blocks of R = 1..6 and those left over, every N % 8, sums over one
 * sample, fewer than 128, exactly 128 and more (passes of 128 samples), 1-3 threads. */
static void test_outer_sum(void)
{
    static const int Bs[] = { 1, 3, 10, 128, 129, 300 };
    static const int Ks[] = { 1, 5, 6, 7, 13, 50 };
    static const int Ns[] = { 1, 7, 8, 9, 17, 24, 33 };
    for (int i = 0; i < NVARIANTS; i++) {
        const struct kernel_variant *v = variants[i];
        struct tally t = { 0 };
        if (!runs(v) || !v->outer_sum)
            continue;
        test_rng_state = 6;
        for (size_t b = 0; b < sizeof Bs / sizeof Bs[0]; b++)
            for (size_t k = 0; k < sizeof Ks / sizeof Ks[0]; k++)
                for (size_t n = 0; n < sizeof Ns / sizeof Ns[0]; n++)
                    for (int R = 1; R <= 6; R++)
                        outer_case(&t, v, Bs[b], Ks[k], Ns[n], R, 1 + (R + (int)n) % 3);
        report(&t, "outer_sum", v);
    }
    end_lines();
}

/* d's rows 2 KB apart and at least 8 blocks of rows of dw: the trainer packs d. */
static void test_outer_sum_panels(void)
{
    static const int cases[][5] = {     /* B, K, N, R, threads */
        { 10, 50, 512, 6, 1 }, { 130, 48, 512, 6, 1 }, { 200, 13, 512, 1, 1 },
        { 64, 100, 1024, 4, 2 }, { 20, 47, 512, 6, 1 },
    };
    for (int i = 0; i < NVARIANTS; i++) {
        const struct kernel_variant *v = variants[i];
        struct tally t = { 0 };
        if (!runs(v) || !v->outer_sum)
            continue;
        test_rng_state = 7;
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
            outer_case(&t, v, cases[c][0], cases[c][1], cases[c][2], cases[c][3], cases[c][4]);
        report(&t, "panels", v);
    }
    end_lines();
}

/* dbias = Σ_b δ[b], in cache-line shares of 1-3 threads: exact. */
static void test_column_sum(void)
{
    static const int Bs[] = { 1, 7, 130 };
    static const int Ns[] = { 1, 17, 40 };
    for (int i = 0; i < NVARIANTS; i++) {
        const struct kernel_variant *v = variants[i];
        if (!runs(v) || !v->outer_sum)
            continue;
        test_rng_state = 8;
        for (size_t b = 0; b < sizeof Bs / sizeof Bs[0]; b++)
            for (size_t n = 0; n < sizeof Ns / sizeof Ns[0]; n++)
                for (int T = 1; T <= 3; T++) {
                    const int B = Bs[b], N = Ns[n];
                    float *delta = buffer(B * N), *got = buffer(N), *want = buffer(N);
                    if (!delta || !got || !want) {
                        CU_FAIL("out of memory");
                    } else {
                        fill(delta, B * N);
                        fill_nan(got, N);
                        for (int th = 0; th < T; th++) {
                            int lo, hi;
                            v->share(N, 16, th, T, &lo, &hi);
                            v->column_sum(got, delta, B, N, lo, hi);
                        }
                        column_sum_reference(want, delta, B, N);
                        CU_ASSERT(memcmp(got, want, sizeof(float) * N) == 0);
                        CU_ASSERT(guards_intact(got, N));
                    }
                    release(delta), release(got), release(want);
                }
    }
}

/* W = WT^T in thread shares of W's rows: exact, K % 8 = 0..7 (its blocks of 8). */
static void test_transpose(void)
{
    static const int Ks[] = { 1, 7, 8, 9, 17, 784 };
    static const int Ns[] = { 1, 10, 16, 33 };
    for (int i = 0; i < NVARIANTS; i++) {
        const struct kernel_variant *v = variants[i];
        if (!runs(v) || !v->outer_sum)
            continue;
        test_rng_state = 9;
        for (size_t k = 0; k < sizeof Ks / sizeof Ks[0]; k++)
            for (size_t n = 0; n < sizeof Ns / sizeof Ns[0]; n++)
                for (int T = 1; T <= 4; T += 3) {
                    const int K = Ks[k], N = Ns[n];
                    float *wt = buffer(K * N), *got = buffer(N * K), *want = buffer(N * K);
                    if (!wt || !got || !want) {
                        CU_FAIL("out of memory");
                    } else {
                        fill(wt, K * N);
                        fill_nan(got, N * K);
                        for (int th = 0; th < T; th++) {
                            int lo, hi;
                            v->share(N, 1, th, T, &lo, &hi);
                            v->transpose(got, wt, K, N, lo, hi);
                        }
                        transpose_reference(want, wt, K, N);
                        CU_ASSERT(memcmp(got, want, sizeof(float) * N * K) == 0);
                        CU_ASSERT(guards_intact(got, N * K));
                    }
                    release(wt), release(got), release(want);
                }
    }
}

/* T threads' shares of n items: in order, contiguous, covering [0, n), boundaries at
 * multiples of align. */
static void test_share(void)
{
    static const int aligns[] = { 1, 4, 5, 6, 16 };
    const struct kernel_variant *v = &kernels_trainer;
    int bad = 0;
    for (int n = 0; n <= 100; n++)
        for (size_t a = 0; a < sizeof aligns / sizeof aligns[0]; a++)
            for (int T = 1; T <= 8; T++) {
                int next = 0;
                for (int th = 0; th < T; th++) {
                    int lo, hi;
                    v->share(n, aligns[a], th, T, &lo, &hi);
                    bad += lo != next || hi < lo || hi > n || (lo % aligns[a] != 0 && lo != n);
                    next = hi;
                }
                bad += next != n;
            }
    CU_ASSERT_EQUAL(bad, 0);
}

/* ---- e^x ---- */

static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* The error of y as e^x, in ulps of the float result (subnormals: 2^-149), as
 * tests/codegen/expf_test.c measures it. */
static double exp_ulp_error(float x, float y)
{
    const double exact = exp((double)x);
    if (exact > (double)FLT_MAX * (1.0 + 0x1p-25))  /* rounds to +inf */
        return isinf(y) ? 0.0 : 1e9;
    int e;
    frexp(exact, &e);
    const double ulp = ldexp(1.0, e - 24 < -149 ? -149 : e - 24);
    return fabs((double)y - exact) / ulp;
}

static void test_exp_f(void)
{
    for (int i = 0; i < NVARIANTS; i++) {
        const struct kernel_variant *v = variants[i];
        if (!runs(v))
            continue;
        double worst = 0.0;
        float worst_x = 0.0f;
        long tested = 0;
        for (uint64_t u = 0; u <= 0xffffffffu; u += 16411) {
            const float x = from_bits((uint32_t)u);
            if (isnan(x))
                continue;
            const double err = exp_ulp_error(x, v->exp_f(x));
            tested++;
            if (err > worst)
                worst = err, worst_x = x;
        }
        /* and where e^x over- and underflows, and the values around them */
        static const float edges[] = { 88.72f, 88.73f, -87.3f, -103.0f, -103.97f, -104.0f,
                                       0.0f, -0.0f, 1e-30f, -1e-30f, 1.0f, -1.0f };
        for (size_t k = 0; k < sizeof edges / sizeof edges[0]; k++) {
            const double err = exp_ulp_error(edges[k], v->exp_f(edges[k]));
            if (err > worst)
                worst = err, worst_x = edges[k];
        }
        const int specials = v->exp_f(INFINITY) == INFINITY && v->exp_f(-INFINITY) == 0.0f &&
                             v->exp_f(89.0f) == INFINITY && v->exp_f(-104.0f) == 0.0f &&
                             v->exp_f(0.0f) == 1.0f && isnan(v->exp_f(NAN));
        printf("\n    exp_f      %-34s %ld floats: max %.3f ulp at %.9g (bound 1.02)%s", v->name,
               tested, worst, (double)worst_x, specials ? "" : ", special values WRONG");
        CU_ASSERT(worst <= 1.02);
        CU_ASSERT(specials);
        CU_ASSERT(fabsf(exp_reference(1.0f) - 2.7182817f) <= 1e-6f);
    }
    end_lines();
}

/* ---- int8 ---- */

static const struct int8_variant *const int8_variants[] = { &int8_portable, &int8_sse2, &int8_avx2,
                                                           &int8_vnni };
enum { NINT8 = sizeof int8_variants / sizeof int8_variants[0] };

/* Whether this machine runs the int8 build v (every feature its needs name). */
static int int8_runs(const struct int8_variant *v)
{
    return v->built && processor_has(v->needs);
}

/* quantize against round-half-away-from-zero and the saturation: exact, but for one
 * value each side, v = ±(0.5 - 2^-25): the kernel's v + 0.5 rounds up to 1 there.  Rows
 * of 30012 values padded to 30016 (the padding zero), the special values first (where
 * the vector steps take them), NaN as -127, the negative flag; every build. */
static void test_int8_quantize(void)
{
    enum { N = 30000, K = N + 12, KP = K + 4 };
    static float x[2 * K];
    static int8_t got[2 * KP], want[K];
    static const float specials[] = { 0.5f, -0.5f, 1.5f, -1.5f, 126.5f, -126.5f, 127.5f,
                                      -127.5f, 1e30f, -1e30f, INFINITY, -INFINITY };
    const float near_half = 0.5f - 0x1p-25f;
    memcpy(x, specials, sizeof specials);  /* first, where the vector paths take them */
    for (int k = 12; k < K; k++)
        x[k] = (float)(k - 12 - N / 2) * 0.0099f;
    for (int k = 0; k < K; k++)
        x[K + k] = fabsf(x[k]);     /* the second row has no negative value */
    for (int i = 0; i < NINT8; i++) {
        const struct int8_variant *v = int8_variants[i];
        if (!int8_runs(v))
            continue;
        for (int pass = 0; pass < 2; pass++) {
            const float inv_scale = pass == 0 ? 1.0f : 127.0f / 3.5f;
            memset(got, 0x55, sizeof got);
            CU_ASSERT_EQUAL(v->quantize(got, x, 2, K, KP, inv_scale), 1);
            CU_ASSERT_EQUAL(v->quantize(got + KP, x + K, 1, K, KP, inv_scale), 0);
            quantize_reference(want, x, K, inv_scale);
            int bad = 0;
            for (int k = 0; k < K; k++) {
                const float f = x[k] * inv_scale;
                if (fabsf(f) == near_half)
                    bad += got[k] != (f > 0 ? 1 : -1);
                else
                    bad += got[k] != want[k];
                bad += got[KP + k] != (want[k] < 0 ? -want[k] : want[k]);
            }
            for (int k = K; k < KP; k++)
                bad += got[k] != 0 || got[KP + k] != 0;
            CU_ASSERT_EQUAL(bad, 0);
        }
        float nans[40];
        const float halves[] = { near_half, -near_half };
        int8_t q[40];
        for (int k = 0; k < 40; k++)
            nans[k] = NAN;
        v->quantize(q, nans, 1, 40, 40, 1.0f);      /* vector steps and the scalar tail */
        for (int k = 0; k < 40; k++)
            CU_ASSERT_EQUAL(q[k], -127);
        v->quantize(q, halves, 1, 2, 2, 1.0f);  /* the documented difference, pinned */
        CU_ASSERT(q[0] == 1 && q[1] == -1);
    }
}

/* w4[g][o][j] = w[o][4g + j], 0 past K (int8.h's layout). */
static void pack_w4(int8_t *w4, const int8_t *w, int N, int K)
{
    const int KP = (K + 3) / 4 * 4;
    for (int g = 0; g < KP / 4; g++)
        for (int o = 0; o < N; o++)
            for (int j = 0; j < 4; j++)
                w4[((size_t)g * N + o) * 4 + j] = 4 * g + j < K ? w[(size_t)o * K + 4 * g + j] : 0;
}

/* Inputs: 0 random in [0, 127]; 1 random in [-127, 127]; 2 the extremes (127 and -127,
 * weights too: each pair of products at ±32258, vpmaddubsw's limit is 32767). */
static int8_t int8_value(int kind, int negative)
{
    if (kind == 2)
        return (int8_t)(negative && test_rng_next() % 2 ? -127 : 127);
    return (int8_t)(negative ? (int)(test_rng_next() % 255) - 127 : (int)(test_rng_next() % 128));
}

/* One case on every build of dense_i8 that runs here: the reference's bytes from each.
 * Returns the number of builds that differed. */
static int int8_dense_case(int B, int N, int K, int kind, int negative)
{
    const int KP = (K + 3) / 4 * 4;
    int8_t *w = malloc((size_t)N * K), *w4 = malloc((size_t)N * KP);
    int8_t *xq = calloc((size_t)B * KP, 1), *x = malloc((size_t)B * K);
    float *s_w = buffer(N), *bias = buffer(N), *got = buffer(B * N), *want = buffer(B * N);
    int bad = 0;
    if (!w || !w4 || !xq || !x || !s_w || !bias || !got || !want) {
        CU_FAIL("out of memory");
    } else {
        for (int i = 0; i < N * K; i++)
            w[i] = int8_value(kind, 1);
        for (int b = 0; b < B; b++)
            for (int k = 0; k < K; k++)
                x[b * K + k] = xq[b * KP + k] = int8_value(kind, negative);
        for (int o = 0; o < N; o++)
            s_w[o] = (test_rng_float() + 1.5f) / 127.0f, bias[o] = test_rng_float();
        pack_w4(w4, w, N, K);
        const float s_x = 0.0123f;
        dense_i8_reference(want, w, x, B, N, K, s_x, s_w, bias);
        for (int i = 0; i < NINT8; i++) {
            if (!int8_runs(int8_variants[i]))
                continue;
            for (int k = 0; k < B * N; k++)
                got[k] = NAN;
            int8_variants[i]->dense(got, w4, xq, B, N, KP, negative, s_x, s_w, bias);
            bad += memcmp(got, want, sizeof(float) * B * N) != 0 || !guards_intact(got, B * N);

        }
    }
    free(w), free(w4), free(xq), free(x);
    release(s_w), release(bias), release(got), release(want);
    return bad;
}

/* dense_i8: blocks of four rows and the last B % 4 one by one, output vectors of 16
 * (VNNI), 8 (AVX2) or 4 (SSE2) in blocks of up to 4, 2 or 1 and every tail of outputs,
 * one group of four inputs to 196 (and K % 4 = 1..3 padded), inputs all >= 0 and signed:
 * the exact sums, the same bytes from every build. */
static void test_int8_dense(void)
{
    static const int Bs[] = { 1, 2, 3, 4, 5, 7, 8, 9 };
    static const int Ns[] = { 1, 3, 7, 8, 9, 16, 17, 31, 33, 64, 65, 70, 129 };
    static const int Ks[] = { 1, 3, 4, 16, 25, 100, 784 };
    int bad = 0, cases = 0;
    test_rng_state = 10;
    for (size_t b = 0; b < sizeof Bs / sizeof Bs[0]; b++)
        for (size_t n = 0; n < sizeof Ns / sizeof Ns[0]; n++)
            for (size_t k = 0; k < sizeof Ks / sizeof Ks[0]; k++)
                for (int kind = 0; kind < 3; kind++)
                    for (int negative = 0; negative < 2; negative++) {
                        bad += int8_dense_case(Bs[b], Ns[n], Ks[k], kind, negative);
                        cases++;
                    }
    for (int i = 0; i < NINT8; i++)
        printf("\n    dense_i8   %-34s %s", int8_variants[i]->name,
               !int8_variants[i]->built ? "not built (compiler flags)"
               : !int8_runs(int8_variants[i]) ? "skipped (the processor lacks it)"
               : "runs");
    printf("\n    dense_i8   %d cases: %s", cases, bad ? "FAIL" : "exact, the same bytes from each, OK");
    CU_ASSERT_EQUAL(bad, 0);
    end_lines();
}

/* Which builds run here, and whether their multiply-adds fuse. */
static void test_variants(void)
{
    int ran = 0;
    for (int i = 0; i < NVARIANTS; i++) {
        const struct kernel_variant *v = variants[i];
        printf("\n    %-34s %s", v->name,
               !v->built ? "not built (compiler flags)"
               : !runs(v) ? "skipped (the processor lacks it)"
               : v->madd_fuses() ? "runs, fused multiply-adds" : "runs, separate multiply and add");
        ran += runs(v);
    }
    CU_ASSERT(ran >= 4);        /* the vector and portable builds run everywhere */
    end_lines();
}

void kernels_register(void)
{
    CU_pSuite s = CU_add_suite("kernels", NULL, NULL);
    CU_add_test(s, "variants", test_variants);
    CU_add_test(s, "matmul_blocks_and_tails", test_matmul_blocks_and_tails);
    CU_add_test(s, "matmul_chunks", test_matmul_chunks);
    CU_add_test(s, "matmul_panels", test_matmul_panels);
    CU_add_test(s, "matmul_one_sample", test_matmul_one_sample);
    CU_add_test(s, "backward", test_backward);
    CU_add_test(s, "conv_product", test_conv_product);
    CU_add_test(s, "copy_floats", test_copy_floats);
    CU_add_test(s, "outer_sum", test_outer_sum);
    CU_add_test(s, "outer_sum_panels", test_outer_sum_panels);
    CU_add_test(s, "column_sum", test_column_sum);
    CU_add_test(s, "transpose", test_transpose);
    CU_add_test(s, "share", test_share);
    CU_add_test(s, "exp_f", test_exp_f);
    CU_add_test(s, "int8_quantize", test_int8_quantize);
    CU_add_test(s, "int8_dense", test_int8_dense);
}
