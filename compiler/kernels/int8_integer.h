// int8_integer.h - the fully integer int8 export's kernels (--quantize int8-integer):
// int8 × int8 sums in int32, fixed-point rescaling, tables, softmax in fixed point.  No
// floating-point type or operation anywhere: the file compiles with gcc's
// -mgeneral-regs-only.  Needs <stdint.h> (and restrict: C99, or a #define in C++).
// A fragment of generated C: compiler/infer/int8_integer_export.c pastes it into the
// exported NAME.c, and compiler/infer/int8_integer.c includes it to compute what NAME.c
// computes (its self-test's outputs, the agreement netc prints), bit for bit.

/* A network calls only some of these (lookup for sigmoid, tanh and leaky_relu layers,
 * softmax_int for a softmax output): no warning for the others. */
#if defined(__GNUC__)
#define NETC_MAY_BE_UNUSED __attribute__((unused))
#else
#define NETC_MAY_BE_UNUSED
#endif

/* round(v · m / 2^shift), half away from zero, saturated to [-INT32_MAX, INT32_MAX]: a
 * real multiplier m / 2^shift applied in integers (TFLite's "quantized multiplier").
 * 0 <= m < 2^31, 0 <= shift <= 62, |v| <= 2^32, so the product fits in 64 bits. */
static NETC_MAY_BE_UNUSED int32_t rescale(int64_t v, int32_t m, int shift)
{
    const int64_t p = v * m;
    const uint64_t magnitude = (uint64_t)(p < 0 ? -p : p);
    uint64_t r = shift > 0 ? (magnitude + ((uint64_t)1 << (shift - 1))) >> shift : magnitude;
    r = r < (uint64_t)INT32_MAX ? r : (uint64_t)INT32_MAX;
    return p < 0 ? -(int32_t)r : (int32_t)r;
}

/* v saturated to [lo, 127]. */
static NETC_MAY_BE_UNUSED int8_t saturate_i8(int32_t v, int lo)
{
    return (int8_t)(v < lo ? lo : v > 127 ? 127 : v);
}

/* acc[o] = bias[o] + Σ_i w[o][i]·x[i] for N outputs of K inputs, w[N][K] int8 and the
 * bias in the sums' unit (s_x·s_w[o]).  Exact: netc checked that no sum can overflow. */
static NETC_MAY_BE_UNUSED void dense_int(int32_t *restrict acc, const int8_t *restrict w,
                                         const int8_t *restrict x,
                                         const int32_t *restrict bias, int N, int K)
{
    for (int o = 0; o < N; o++) {
        const int8_t *wo = w + (size_t)o * K;
        int32_t sum = bias[o];
        for (int i = 0; i < K; i++)
            sum += (int32_t)wo[i] * x[i];
        acc[o] = sum;
    }
}

/* a[o·stride] = acc[o] · m[o] / 2^shift[o], saturated to [lo, 127]: the next layer's int8
 * input (lo = -127: linear; lo = 0: relu, which is then the saturation itself).  stride 1
 * for a dense layer, POS for a conv layer's position (its output is channels x positions). */
static NETC_MAY_BE_UNUSED void requantize(int8_t *restrict a, const int32_t *restrict acc,
                                          const int32_t *restrict m,
                                          const uint8_t *restrict shift, int N, int stride,
                                          int lo)
{
    for (int o = 0; o < N; o++)
        a[(size_t)o * stride] = saturate_i8(rescale(acc[o], m[o], shift[o]), lo);
}

/* a[o·stride] = table[zq + 128], zq = acc[o] · m[o] / 2^shift[o] saturated to [-128, 127]:
 * an activation (sigmoid, tanh, leaky_relu) looked up over its int8 input. */
static NETC_MAY_BE_UNUSED void lookup(int8_t *restrict a, const int32_t *restrict acc,
                                      const int32_t *restrict m, const uint8_t *restrict shift,
                                      const int8_t *restrict table, int N, int stride)
{
    for (int o = 0; o < N; o++)
        a[(size_t)o * stride] = table[saturate_i8(rescale(acc[o], m[o], shift[o]), -128) + 128];
}

/* A conv layer's input under its kernel at one output position (im2col, one column):
 * col[k] = x[c][y0 + i][x0 + j] with k = (c·KH + i)·KW + j, 0 outside the C x H x W image
 * (the padding; 0 is 0 in every scale).  y0, x0: the position times the stride, minus the
 * padding. */
static NETC_MAY_BE_UNUSED void column_int(int8_t *restrict col, const int8_t *restrict x,
                                          int C, int H, int W, int KH, int KW, int y0, int x0)
{
    for (int c = 0, k = 0; c < C; c++)
        for (int i = 0; i < KH; i++)
            for (int j = 0; j < KW; j++, k++) {
                const int y = y0 + i, xx = x0 + j;
                const int inside = y >= 0 && y < H && xx >= 0 && xx < W;
                col[k] = inside ? x[((size_t)c * H + y) * W + xx] : 0;
            }
}

/* Max or average pooling of C x H x W int8 values into C x OH x OW, windows KH x KW at
 * strides SH, SW: the largest value, or the sum / (KH·KW) rounded half away from zero;
 * the scale is the input's. */
static NETC_MAY_BE_UNUSED void pool_int(int8_t *restrict a, const int8_t *restrict x, int C,
                                        int H, int W, int OH, int OW, int KH, int KW, int SH,
                                        int SW, int max)
{
    const int32_t n = KH * KW;
    for (int c = 0; c < C; c++)
        for (int y = 0; y < OH; y++)
            for (int xo = 0; xo < OW; xo++) {
                const int8_t *w = x + ((size_t)c * H + (size_t)y * SH) * W + (size_t)xo * SW;
                int32_t v = max ? w[0] : 0;
                for (int i = 0; i < KH; i++)
                    for (int j = 0; j < KW; j++) {
                        const int32_t u = w[(size_t)i * W + j];
                        v = max ? (u > v ? u : v) : v + u;
                    }
                if (!max)
                    v = (v < 0 ? v - n / 2 : v + n / 2) / n;
                a[((size_t)c * OH + y) * OW + xo] = (int8_t)v;
            }
}

/* z[o] = acc[o] · m[o] / 2^shift[o]: the last layer's pre-activations in one fine unit
 * (the classes' order, softmax's input). */
static NETC_MAY_BE_UNUSED void logits(int32_t *restrict z, const int32_t *restrict acc,
                                      const int32_t *restrict m, const uint8_t *restrict shift,
                                      int N)
{
    for (int o = 0; o < N; o++)
        z[o] = rescale(acc[o], m[o], shift[o]);
}

/* e^(−d·s) in units of 2^-30 for d >= 0 in units of s: the exponent t = d·s·log2(e) in
 * 1/256ths (t = d·m / 2^shift), then 2^(−t/256) = pow2[t % 256] / 2^(t / 256), with
 * pow2[f] = round(2^30 · 2^(−f/256)). */
static NETC_MAY_BE_UNUSED int32_t exp_fixed(int64_t d, int32_t m, int shift,
                                            const int32_t *restrict pow2)
{
    const int32_t t = rescale(d, m, shift), bits = t >> 8;
    return bits >= 31 ? 0 : pow2[t & 255] >> bits;
}

/* p[k] = round(127 · e^(z[k]·s) / Σ_j e^(z[j]·s)) in fixed point, z in units of s, each
 * term e^(z[k]·s − max·s) by exp_fixed.  The largest term is 2^30, so the sum is not 0. */
static NETC_MAY_BE_UNUSED void softmax_int(int8_t *restrict p, const int32_t *restrict z,
                                           int N, int32_t m, int shift,
                                           const int32_t *restrict pow2)
{
    int32_t max = z[0];
    int64_t sum = 0;
    for (int k = 1; k < N; k++)
        max = z[k] > max ? z[k] : max;
    for (int k = 0; k < N; k++)
        sum += exp_fixed((int64_t)max - z[k], m, shift, pow2);
    for (int k = 0; k < N; k++) {
        const int64_t e = exp_fixed((int64_t)max - z[k], m, shift, pow2);
        p[k] = (int8_t)((254 * e + sum) / (2 * sum));
    }
}

/* The index of the largest z[k] (the first of equals), z[k] taken as at least floor. */
static NETC_MAY_BE_UNUSED int argmax_int(const int32_t *z, int N, int32_t floor)
{
    int best = 0;
    for (int k = 1; k < N; k++) {
        const int32_t a = z[k] > floor ? z[k] : floor, b = z[best] > floor ? z[best] : floor;
        best = a > b ? k : best;
    }
    return best;
}
