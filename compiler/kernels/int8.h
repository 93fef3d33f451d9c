// int8.h - the int8 export's kernels: quantize, dequantize, and dense_i8 (int8 × int8
// sums in int32).  Needs <stdint.h> (and restrict: C99, or a #define in C++).
// A fragment of generated C: compiler/infer/int8.c pastes it into the exported NAME.c
// (README.md); reference.h has the plain loops it is tested against.
#if defined(__GNUC__) && !defined(__clang__)
/* No floating-point traps (nothing here reads the exception flags), so that gcc may
 * turn quantize()'s selects into vector operations; results are unchanged. */
#pragma GCC optimize("no-trapping-math")
#endif

/* q[k] = round(x[k] / s), saturated to [-127, 127], for n values, given inv_scale = 1 / s.
 * The clamps come before the rounding (so a NaN becomes -127 rather than undefined
 * behaviour); rounding adds ±0.5 and truncates: half away from zero.  Every step is a
 * select or plain arithmetic, so the loop vectorises.  The int8 values are stored
 * widened to int16 (see dense_i8). */
static void quantize(int16_t *restrict q, const float *restrict x, int n, float inv_scale)
{
    for (int k = 0; k < n; k++) {
        float v = x[k] * inv_scale;
        v = v > -127.0f ? v : -127.0f;
        v = v < 127.0f ? v : 127.0f;
        q[k] = (int16_t)(v + (v >= 0.0f ? 0.5f : -0.5f));
    }
}

/* z = s_x·s_w·acc + bias: an output back in float, from its int32 sum. */
static inline float dequantize(int32_t acc, float s_x, float s_w, float bias)
{
    return (float)acc * (s_x * s_w) + bias;
}

/* z[b][o] = s_x·s_w[o]·Σ_i w[o][i]·xq[b][i] + bias[o] for B samples and N outputs, with
 * w[N][K] in int8 and xq[B][K] the quantised inputs.  Each product fits in 16 bits
 * (|w|, |xq| <= 127) and xq is already int16, so compilers pair the products up in
 * 16-bit multiply-adds (x86's pmaddwd, Arm's smlal).  Four samples at a time share
 * each load of a weight row, as the float kernels' register blocks do; the last B % 4
 * samples go one at a time, four rows sharing each load of the sample.  The sums run
 * over i in int32 and are exact: netc checked that none can overflow. */
static void dense_i8(float *restrict z, const int8_t *restrict w,
                     const int16_t *restrict xq, int B, int N, int K, float s_x,
                     const float *restrict s_w, const float *restrict bias)
{
    int b = 0;
    for (; b + 4 <= B; b += 4) {
        const int16_t *x0 = xq + (size_t)b * K, *x1 = x0 + K, *x2 = x1 + K, *x3 = x2 + K;
        for (int o = 0; o < N; o++) {
            const int8_t *wo = w + (size_t)o * K;
            int32_t acc[4] = { 0, 0, 0, 0 };
            for (int i = 0; i < K; i++) {
                const int16_t wi = wo[i];
                acc[0] += wi * x0[i];
                acc[1] += wi * x1[i];
                acc[2] += wi * x2[i];
                acc[3] += wi * x3[i];
            }
            for (int r = 0; r < 4; r++)
                z[(size_t)(b + r) * N + o] = dequantize(acc[r], s_x, s_w[o], bias[o]);
        }
    }
    for (; b < B; b++) {
        const int16_t *x = xq + (size_t)b * K;
        int o = 0;
        for (; o + 4 <= N; o += 4) {
            const int8_t *w0 = w + (size_t)o * K, *w1 = w0 + K, *w2 = w1 + K, *w3 = w2 + K;
            int32_t acc[4] = { 0, 0, 0, 0 };
            for (int i = 0; i < K; i++) {
                const int16_t xi = x[i];
                acc[0] += w0[i] * xi;
                acc[1] += w1[i] * xi;
                acc[2] += w2[i] * xi;
                acc[3] += w3[i] * xi;
            }
            for (int r = 0; r < 4; r++)
                z[(size_t)b * N + o + r] = dequantize(acc[r], s_x, s_w[o + r], bias[o + r]);
        }
        for (; o < N; o++) {        /* the last N % 4 outputs */
            const int8_t *wo = w + (size_t)o * K;
            int32_t acc = 0;
            for (int i = 0; i < K; i++)
                acc += wo[i] * x[i];
            z[(size_t)b * N + o] = dequantize(acc, s_x, s_w[o], bias[o]);
        }
    }
}
