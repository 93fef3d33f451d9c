/* test_int8_integer.c - suite `kernels_integer`: the fully integer export's kernels
 * (compiler/kernels/int8_integer.h) and its fixed-point multipliers
 * (compiler/infer/int8_integer.c) against plain arithmetic.
 *
 *   rescale: round(v·m / 2^shift) half away from zero, saturated, exactly as the
 *     quotient and remainder of the 64-bit product say, over random and edge operands;
 *   fixed_multiplier: m / 2^shift within 2^-30 of r (relative) and m in [2^30, 2^31)
 *     for r from 2^-31 to 2^30, and the tiny, huge and non-positive cases;
 *   softmax_int: within 1 of round(127·softmax) in double;
 *   dense_int, requantize, lookup (with strides), argmax_int, column_int (padding, strides)
 *   and pool_int (max; mean rounded half away from zero): exact against loops written
 *   here.
 */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "infer/int8_integer.h"
#include "kernels/int8_integer.h"

void kernels_integer_register(void);

static uint64_t state = 0x243F6A8885A308D3ull;

static uint64_t next(void)
{
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return state >> 11;
}

/* round(v·m / 2^shift) half away from zero from the quotient and the remainder. */
static int64_t rescale_reference(int64_t v, int32_t m, int shift)
{
    const int64_t p = v * m;
    const uint64_t a = (uint64_t)(p < 0 ? -p : p);
    uint64_t q = shift ? a >> shift : a;
    if (shift && 2 * (a & (((uint64_t)1 << shift) - 1)) >= (uint64_t)1 << shift)
        q++;
    if (q > INT32_MAX)
        q = INT32_MAX;
    return p < 0 ? -(int64_t)q : (int64_t)q;
}

static void test_rescale(void)
{
    static const int64_t edges[] = { 0, 1, -1, 2, -2, 3, 127, -128, INT32_MAX, -INT32_MAX,
                                     INT32_MIN, 1LL << 32, -(1LL << 32) };
    static const int32_t ms[] = { 0, 1, 1 << 30, INT32_MAX, 1518500250 };
    int bad = 0;
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        for (size_t j = 0; j < sizeof ms / sizeof ms[0]; j++)
            for (int shift = 0; shift <= 62; shift++)
                bad += rescale(edges[i], ms[j], shift) != rescale_reference(edges[i], ms[j], shift);
    for (int t = 0; t < 200000; t++) {
        const int64_t v = (int64_t)(next() % (1ULL << 33)) - (1LL << 32);
        const int32_t m = (int32_t)(next() % (1ULL << 31));
        const int shift = (int)(next() % 63);
        bad += rescale(v, m, shift) != rescale_reference(v, m, shift);
    }
    /* halves round away from zero: 3/2 = 2, -3/2 = -2, 5/4 = 1, -5/4 = -1 */
    CU_ASSERT_EQUAL(rescale(3, 1, 1), 2);
    CU_ASSERT_EQUAL(rescale(-3, 1, 1), -2);
    CU_ASSERT_EQUAL(rescale(5, 1, 2), 1);
    CU_ASSERT_EQUAL(rescale(-5, 1, 2), -1);
    CU_ASSERT_EQUAL(rescale(1LL << 32, INT32_MAX, 0), INT32_MAX);
    CU_ASSERT_EQUAL(rescale(-(1LL << 32), INT32_MAX, 0), -INT32_MAX);
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_fixed_multiplier(void)
{
    int bad = 0;
    for (int e = -31; e <= 30; e++)
        for (int t = 0; t < 1000; t++) {
            const double r = ldexp(1 + (double)(next() % 1000000) / 1000000, e);
            const struct fixed_multiplier f = fixed_multiplier(r);
            const double got = ldexp(f.m, -f.shift);
            bad += f.m < (1 << 30) || f.shift < 0 || f.shift > 62 || fabs(got - r) > r * 0x1p-30;
        }
    CU_ASSERT_EQUAL(bad, 0);
    const struct fixed_multiplier one = fixed_multiplier(1.0);
    CU_ASSERT(one.m == 1 << 30 && one.shift == 30);
    const struct fixed_multiplier tiny = fixed_multiplier(0x1p-40);     /* fewer bits */
    CU_ASSERT(tiny.shift == 62 && tiny.m == 1 << 22);
    const struct fixed_multiplier huge = fixed_multiplier(0x1p40);      /* saturates */
    CU_ASSERT(huge.shift == 0 && huge.m == INT32_MAX);
    const struct fixed_multiplier zero = fixed_multiplier(0.0);
    CU_ASSERT(zero.m == 0 && zero.shift == 0);
    const struct fixed_multiplier below = fixed_multiplier(0.99999999999);  /* rounds to 2^31 */
    CU_ASSERT(below.m == 1 << 30 && below.shift == 30);
}

static void test_softmax(void)
{
    int32_t pow2[256], z[10];
    int8_t p[10];
    int worst = 0;
    integer_pow2_table(pow2);
    for (int t = 0; t < 20000; t++) {
        const int n = 1 + (int)(next() % 10);
        const double s = ldexp(1 + (double)(next() % 1000) / 1000, -(int)(next() % 16));
        const struct fixed_multiplier f = fixed_multiplier(s * 256 / log(2));
        double e[10], sum = 0, max = -HUGE_VAL;
        for (int k = 0; k < n; k++)
            z[k] = (int32_t)(next() % 65025) - 32512;
        for (int k = 0; k < n; k++)
            max = fmax(max, z[k] * s);
        for (int k = 0; k < n; k++)
            sum += e[k] = exp(z[k] * s - max);
        softmax_int(p, z, n, f.m, f.shift, pow2);
        for (int k = 0; k < n; k++) {
            const int d = abs(p[k] - (int)lround(127 * e[k] / sum));
            worst = d > worst ? d : worst;
        }
    }
    CU_ASSERT(worst <= 1);
}

static void test_layers(void)
{
    enum { N = 37, K = 53 };
    int8_t w[N * K], x[K], a[3 * N], table[256];
    int32_t bias[N], acc[N], m[N], z[N];
    uint8_t shift[N];
    int bad = 0;
    for (int i = 0; i < N * K; i++)
        w[i] = (int8_t)((int)(next() % 255) - 127);
    for (int i = 0; i < K; i++)
        x[i] = (int8_t)((int)(next() % 255) - 127);
    for (int j = 0; j < 256; j++)
        table[j] = (int8_t)((int)(next() % 255) - 127);
    for (int o = 0; o < N; o++) {
        bias[o] = (int32_t)(next() % 200001) - 100000;
        m[o] = (int32_t)((1u << 30) + next() % (1u << 30));
        shift[o] = (uint8_t)(36 + next() % 8);
    }
    dense_int(acc, w, x, bias, N, K);
    for (int o = 0; o < N; o++) {
        int32_t sum = bias[o];
        for (int i = 0; i < K; i++)
            sum += w[o * K + i] * x[i];
        bad += acc[o] != sum;
    }
    for (int stride = 1; stride <= 3; stride += 2)
        for (int lo = -127; lo <= 0; lo += 127) {
            requantize(a, acc, m, shift, N, stride, lo);
            for (int o = 0; o < N; o++) {
                const int64_t r = rescale_reference(acc[o], m[o], shift[o]);
                bad += a[o * stride] != (r < lo ? lo : r > 127 ? 127 : r);
            }
        }
    lookup(a, acc, m, shift, table, N, 3);
    for (int o = 0; o < N; o++) {
        const int64_t r = rescale_reference(acc[o], m[o], shift[o]);
        bad += a[o * 3] != table[(r < -128 ? -128 : r > 127 ? 127 : r) + 128];
    }
    logits(z, acc, m, shift, N);
    for (int o = 0; o < N; o++)
        bad += z[o] != rescale_reference(acc[o], m[o], shift[o]);
    CU_ASSERT_EQUAL(bad, 0);
    const int32_t ties[] = { -5, 3, 3, -1 }, negative[] = { -5, -3, -4 };
    CU_ASSERT_EQUAL(argmax_int(ties, 4, INT32_MIN), 1);
    CU_ASSERT_EQUAL(argmax_int(negative, 3, INT32_MIN), 1);
    CU_ASSERT_EQUAL(argmax_int(negative, 3, 0), 0);     /* relu: all 0, the first */
}

/* column_int at every position of a 3 x 7 x 6 image under 3 x 4 kernels, strides 1 and
 * 2, padding 0 to 2; pool_int max and mean over 2 x 2 and 3 x 3 windows. */
static void test_image(void)
{
    enum { C = 3, H = 7, W = 6, KH = 3, KW = 4 };
    int8_t x[C * H * W], col[C * KH * KW], a[C * H * W];
    int bad = 0;
    for (int i = 0; i < C * H * W; i++)
        x[i] = (int8_t)((int)(next() % 255) - 127);
    for (int s = 1; s <= 2; s++)
        for (int pad = 0; pad <= 2; pad++)
            for (int oy = 0; oy * s - pad + KH <= H + pad; oy++)
                for (int ox = 0; ox * s - pad + KW <= W + pad; ox++) {
                    column_int(col, x, C, H, W, KH, KW, oy * s - pad, ox * s - pad);
                    for (int c = 0; c < C; c++)
                        for (int i = 0; i < KH; i++)
                            for (int j = 0; j < KW; j++) {
                                const int y = oy * s - pad + i, xx = ox * s - pad + j;
                                const int want = y < 0 || y >= H || xx < 0 || xx >= W ? 0
                                                 : x[(c * H + y) * W + xx];
                                bad += col[(c * KH + i) * KW + j] != want;
                            }
                }
    for (int k = 2; k <= 3; k++)
        for (int max = 0; max <= 1; max++) {
            const int OH = (H - k) / k + 1, OW = (W - k) / k + 1;
            pool_int(a, x, C, H, W, OH, OW, k, k, k, k, max);
            for (int c = 0; c < C; c++)
                for (int y = 0; y < OH; y++)
                    for (int xo = 0; xo < OW; xo++) {
                        int best = -128, sum = 0;
                        for (int i = 0; i < k; i++)
                            for (int j = 0; j < k; j++) {
                                const int v = x[(c * H + y * k + i) * W + xo * k + j];
                                best = v > best ? v : best;
                                sum += v;
                            }
                        const int mean = (int)lround((double)sum / (k * k));
                        bad += a[(c * OH + y) * OW + xo] != (max ? best : mean);
                    }
        }
    CU_ASSERT_EQUAL(bad, 0);
}

void kernels_integer_register(void)
{
    CU_pSuite s = CU_add_suite("kernels_integer", NULL, NULL);
    CU_add_test(s, "rescale", test_rescale);
    CU_add_test(s, "fixed_multiplier", test_fixed_multiplier);
    CU_add_test(s, "softmax_int", test_softmax);
    CU_add_test(s, "layers", test_layers);
    CU_add_test(s, "image", test_image);
}
