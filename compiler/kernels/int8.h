// int8.h - the int8 export's kernels: quantize (floats to int8), dense_i8 (int8 × int8
// sums in int32, back to float) with AVX-512 VNNI, AVX2 or plain C, the same bits on all.
// Needs <stdint.h>, <string.h> (and restrict: C99, or a #define in C++).
// A fragment of generated C: compiler/infer/int8.c pastes it into the exported NAME.c
// (README.md); reference.h has the plain loops it is tested against.
#if defined(__GNUC__) && !defined(__clang__)
/* No floating-point traps (nothing here reads the exception flags), so that gcc may
 * turn quantize()'s selects into vector operations; no fused multiply-adds, so that
 * dequantize() rounds as the vector paths do.  Results are unchanged. */
#pragma GCC optimize("fp-contract=off", "no-trapping-math")
#endif

/* The instructions for the sums, from the target's macros (NETC_PORTABLE: plain C):
 *   AVX-512 VNNI  vpdpbusd: 4 u8 × s8 products added to each int32 lane, 16 lanes;
 *   AVX2          vpmaddubsw (u8 × s8 pairs summed to int16) then vpmaddwd (pairs of
 *                 int16 summed to int32), 8 lanes;
 *   SSE2          (any x86-64) pmaddwd on the weights and inputs widened to int16, 4 lanes;
 *   otherwise     plain C loops.
 * Integer sums are exact in any order, so all four give the same int32 sums, and the
 * same float expression turns them into the same outputs. */
#if !defined(NETC_PORTABLE) && defined(__AVX512VNNI__) && defined(__AVX512BW__)
#define NETC_I8_VNNI 1
#elif !defined(NETC_PORTABLE) && defined(__AVX2__)
#define NETC_I8_AVX2 1
#elif !defined(NETC_PORTABLE) && defined(__SSE2__) && (defined(__x86_64__) || defined(_M_X64))
#define NETC_I8_SSE2 1
#endif
#if defined(NETC_I8_VNNI) || defined(NETC_I8_AVX2) || defined(NETC_I8_SSE2)
#define NETC_I8_VECTOR 1
#include <immintrin.h>
#endif
#if defined(NETC_I8_VNNI) && defined(__cplusplus) && defined(__GNUC__) && !defined(__clang__)
/* g++ 12 warns of the "uninitialised" placeholder inside its own AVX-512 intrinsics
 * (_mm512_undefined_ps, gcc bug 105593) wherever they are inlined; nothing here reads one. */
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

/* The weights' layout, w4[g][o][j] = Wq[o][4g + j] (0 past the last input): for each
 * group of four inputs, every output's four weights side by side, so that one vector
 * load takes four inputs' weights for 16 (VNNI), 8 (AVX2) or 4 (SSE2) outputs, and one int32 lane
 * sums an output's four products.  The rows of q are KP = 4·G bytes long. */
#if defined(NETC_I8_VECTOR)

#if defined(__GNUC__)
#define I8_INLINE static inline __attribute__((always_inline))
#else
#define I8_INLINE static inline
#endif

/* q's four bytes at p as one int32 (a plain unaligned load). */
I8_INLINE int32_t i8_four(const int8_t *p)
{
    return _mm_cvtsi128_si32(_mm_loadu_si32(p));
}

#if defined(NETC_I8_VNNI)
#define I8_LANES 16                         /* outputs per vector */
#define I8_VMAX 4                           /* vectors per block */
typedef __m512i i8_vec;
typedef __mmask16 i8_mask;
I8_INLINE i8_mask i8_lanes(int n)          /* the first min(n, 16) lanes */
{
    return n >= 16 ? (i8_mask)0xFFFF : (i8_mask)((1u << n) - 1);
}
I8_INLINE i8_vec i8_zero(void) { return _mm512_setzero_si512(); }
I8_INLINE i8_vec i8_add(i8_vec a, i8_vec b) { return _mm512_add_epi32(a, b); }
I8_INLINE i8_vec i8_weights(const int8_t *p, i8_mask m)
{
    return _mm512_maskz_loadu_epi32(m, p);
}
I8_INLINE i8_vec i8_broadcast(const int8_t *p) { return _mm512_set1_epi32(i8_four(p)); }
/* acc + Σ_j x[j]·w[j] per lane, x in [0, 127] (vpdpbusd wraps, never saturates) */
I8_INLINE i8_vec i8_dot(i8_vec acc, i8_vec x, i8_vec w) { return _mm512_dpbusd_epi32(acc, x, w); }
/* the same for x in [-127, 127]: x = pos − neg with pos, neg in [0, 127], and
 * pos·w + neg·(−w) = x·w */
I8_INLINE i8_vec i8_dot_signed(i8_vec acc, i8_vec x, i8_vec w)
{
    const i8_vec pos = _mm512_max_epi8(x, _mm512_setzero_si512());
    const i8_vec neg = _mm512_sub_epi8(pos, x);
    acc = _mm512_dpbusd_epi32(acc, pos, w);
    return _mm512_dpbusd_epi32(acc, neg, _mm512_sub_epi8(_mm512_setzero_si512(), w));
}
/* z[0..n) = s_x·s_w·acc + bias, as dequantize() computes each */
I8_INLINE void i8_store(float *z, i8_vec acc, float s_x, const float *s_w, const float *bias,
                        i8_mask m)
{
    const __m512 scale = _mm512_mul_ps(_mm512_set1_ps(s_x), _mm512_maskz_loadu_ps(m, s_w));
    const __m512 scaled = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), scale);
    _mm512_mask_storeu_ps(z, m, _mm512_add_ps(scaled, _mm512_maskz_loadu_ps(m, bias)));
}
/* Quantises x[0..n) to q as quantize() does, 16 values a step, from k = 0 while 16 are
 * left; returns how many it did, and or's into *any the sign bit of each q. */
I8_INLINE int i8_quantize_vec(int8_t *q, const float *x, int n, float inv_scale, int8_t *any)
{
    const __m512 s = _mm512_set1_ps(inv_scale), lo = _mm512_set1_ps(-127.0f);
    const __m512 hi = _mm512_set1_ps(127.0f);
    const __m512i sign = _mm512_set1_epi32(INT32_MIN), half = _mm512_set1_epi32(0x3f000000);
    __m512i bits = _mm512_setzero_si512();
    int k = 0;
    for (; k + 16 <= n; k += 16) {
        /* max and min take their second operand for a NaN: the selects' -127 */
        __m512 v = _mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(_mm512_loadu_ps(x + k), s), lo), hi);
        /* ±0.5 with v's sign (-0.0 gets -0.5, not 0.5: either truncates to 0) */
        const __m512 r = _mm512_castsi512_ps(
            _mm512_or_si512(_mm512_and_si512(_mm512_castps_si512(v), sign), half));
        const __m512i t = _mm512_cvttps_epi32(_mm512_add_ps(v, r));
        bits = _mm512_or_si512(bits, t);
        _mm_storeu_si128((__m128i *)(void *)(q + k), _mm512_cvtsepi32_epi8(t));
    }
    *any |= (int8_t)(_mm512_cmplt_epi32_mask(bits, _mm512_setzero_si512()) ? -1 : 0);
    return k;
}
#elif defined(NETC_I8_AVX2)
#define I8_LANES 8
#define I8_VMAX 2
typedef __m256i i8_vec;
typedef __m256i i8_mask;
I8_INLINE i8_mask i8_lanes(int n)          /* lanes below n all ones */
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
I8_INLINE i8_vec i8_zero(void) { return _mm256_setzero_si256(); }
I8_INLINE i8_vec i8_add(i8_vec a, i8_vec b) { return _mm256_add_epi32(a, b); }
I8_INLINE i8_vec i8_weights(const int8_t *p, i8_mask m)
{
    return _mm256_maskload_epi32((const int *)(const void *)p, m);
}
I8_INLINE i8_vec i8_broadcast(const int8_t *p) { return _mm256_set1_epi32(i8_four(p)); }
/* x in [0, 127], w in [-127, 127]: each pair x0·w0 + x1·w1 is within ±2·127·127 =
 * ±32258, so vpmaddubsw's int16 never saturates; vpmaddwd adds the pairs in int32. */
I8_INLINE i8_vec i8_dot(i8_vec acc, i8_vec x, i8_vec w)
{
    const i8_vec pairs = _mm256_maddubs_epi16(x, w);
    return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
}
/* x in [-127, 127]: |x|·(w·sign x) = x·w, with |x| in [0, 127] as above */
I8_INLINE i8_vec i8_dot_signed(i8_vec acc, i8_vec x, i8_vec w)
{
    return i8_dot(acc, _mm256_abs_epi8(x), _mm256_sign_epi8(w, x));
}
I8_INLINE void i8_store(float *z, i8_vec acc, float s_x, const float *s_w, const float *bias,
                        i8_mask m)
{
    const __m256 scale = _mm256_mul_ps(_mm256_set1_ps(s_x), _mm256_maskload_ps(s_w, m));
    const __m256 scaled = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), scale);
    _mm256_maskstore_ps(z, m, _mm256_add_ps(scaled, _mm256_maskload_ps(bias, m)));
}
/* i8_round(x): 8 values of quantize() in int32 */
I8_INLINE __m256i i8_round(const float *x, __m256 s)
{
    const __m256 lo = _mm256_set1_ps(-127.0f), hi = _mm256_set1_ps(127.0f);
    const __m256i sign = _mm256_set1_epi32(INT32_MIN), half = _mm256_set1_epi32(0x3f000000);
    __m256 v = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(_mm256_loadu_ps(x), s), lo), hi);
    const __m256 r = _mm256_castsi256_ps(
        _mm256_or_si256(_mm256_and_si256(_mm256_castps_si256(v), sign), half));
    return _mm256_cvttps_epi32(_mm256_add_ps(v, r));
}
/* As the VNNI one, 32 values a step: four vectors of int32 packed to bytes (the packs
 * work within 128-bit lanes: the permutation puts the four vectors' bytes back in order). */
I8_INLINE int i8_quantize_vec(int8_t *q, const float *x, int n, float inv_scale, int8_t *any)
{
    const __m256 s = _mm256_set1_ps(inv_scale);
    __m256i bits = _mm256_setzero_si256();
    int k = 0;
    for (; k + 32 <= n; k += 32) {
        const __m256i t0 = i8_round(x + k, s), t1 = i8_round(x + k + 8, s);
        const __m256i t2 = i8_round(x + k + 16, s), t3 = i8_round(x + k + 24, s);
        bits = _mm256_or_si256(bits, _mm256_or_si256(_mm256_or_si256(t0, t1), _mm256_or_si256(t2, t3)));
        const __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(t0, t1), _mm256_packs_epi32(t2, t3));
        _mm256_storeu_si256((__m256i *)(void *)(q + k),
                            _mm256_permutevar8x32_epi32(bytes, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
    }
    *any |= (int8_t)(_mm256_movemask_ps(_mm256_castsi256_ps(bits)) ? -1 : 0);
    return k;
}
#else
/* SSE2: four outputs' sixteen weights widened to int16 (lo: outputs 0 and 1, hi: 2 and 3)
 * times the four inputs widened and repeated, by pmaddwd: each int32 lane sums two
 * products (at most 2·127·127 in magnitude), an output's two lanes are added at the end. */
#define I8_LANES 4
#define I8_VMAX 1
typedef struct { __m128i lo, hi; } i8_vec;
typedef int i8_mask;                        /* how many of the 4 lanes */
I8_INLINE i8_mask i8_lanes(int n) { return n < 4 ? n : 4; }
I8_INLINE i8_vec i8_zero(void)
{
    i8_vec v;
    v.lo = v.hi = _mm_setzero_si128();
    return v;
}
I8_INLINE i8_vec i8_add(i8_vec a, i8_vec b)
{
    a.lo = _mm_add_epi32(a.lo, b.lo);
    a.hi = _mm_add_epi32(a.hi, b.hi);
    return a;
}
I8_INLINE i8_vec i8_weights(const int8_t *p, i8_mask m)
{
    int8_t part[16] = { 0 };
    __m128i w;
    if (m == 4) {
        w = _mm_loadu_si128((const __m128i *)(const void *)p);
    } else {                                /* the last outputs: no read past them */
        memcpy(part, p, (size_t)(4 * m));
        w = _mm_loadu_si128((const __m128i *)(const void *)part);
    }
    i8_vec v;                               /* bytes to int16: each byte twice, shifted */
    v.lo = _mm_srai_epi16(_mm_unpacklo_epi8(w, w), 8);
    v.hi = _mm_srai_epi16(_mm_unpackhi_epi8(w, w), 8);
    return v;
}
I8_INLINE i8_vec i8_broadcast(const int8_t *p)     /* x0..x3 as int16, twice */
{
    __m128i x = _mm_cvtsi32_si128(i8_four(p));
    x = _mm_srai_epi16(_mm_unpacklo_epi8(x, x), 8);
    i8_vec v;
    v.lo = v.hi = _mm_unpacklo_epi64(x, x);
    return v;
}
I8_INLINE i8_vec i8_dot(i8_vec acc, i8_vec x, i8_vec w)
{
    acc.lo = _mm_add_epi32(acc.lo, _mm_madd_epi16(w.lo, x.lo));
    acc.hi = _mm_add_epi32(acc.hi, _mm_madd_epi16(w.hi, x.hi));
    return acc;
}
/* int16 products are signed already */
I8_INLINE i8_vec i8_dot_signed(i8_vec acc, i8_vec x, i8_vec w) { return i8_dot(acc, x, w); }
I8_INLINE void i8_store(float *z, i8_vec acc, float s_x, const float *s_w, const float *bias,
                        i8_mask m)
{
    /* output o's sum: lanes 2o and 2o + 1 of lo (o = 0, 1) or of hi (o = 2, 3) */
    const __m128 lo = _mm_castsi128_ps(acc.lo), hi = _mm_castsi128_ps(acc.hi);
    const __m128i sum = _mm_add_epi32(_mm_castps_si128(_mm_shuffle_ps(lo, hi, 0x88)),
                                      _mm_castps_si128(_mm_shuffle_ps(lo, hi, 0xDD)));
    float sw[4] = { 0, 0, 0, 0 }, b[4] = { 0, 0, 0, 0 }, out[4];
    memcpy(sw, s_w, sizeof(float) * (size_t)m);
    memcpy(b, bias, sizeof(float) * (size_t)m);
    const __m128 scale = _mm_mul_ps(_mm_set1_ps(s_x), _mm_loadu_ps(sw));
    const __m128 scaled = _mm_mul_ps(_mm_cvtepi32_ps(sum), scale);
    _mm_storeu_ps(out, _mm_add_ps(scaled, _mm_loadu_ps(b)));
    memcpy(z, out, sizeof(float) * (size_t)m);
}
/* i8_round4(x): 4 values of quantize() in int32 */
I8_INLINE __m128i i8_round4(const float *x, __m128 s)
{
    const __m128 lo = _mm_set1_ps(-127.0f), hi = _mm_set1_ps(127.0f);
    const __m128i sign = _mm_set1_epi32(INT32_MIN), half = _mm_set1_epi32(0x3f000000);
    __m128 v = _mm_min_ps(_mm_max_ps(_mm_mul_ps(_mm_loadu_ps(x), s), lo), hi);
    const __m128 r = _mm_castsi128_ps(
        _mm_or_si128(_mm_and_si128(_mm_castps_si128(v), sign), half));
    return _mm_cvttps_epi32(_mm_add_ps(v, r));
}
/* As the VNNI one, 16 values a step. */
I8_INLINE int i8_quantize_vec(int8_t *q, const float *x, int n, float inv_scale, int8_t *any)
{
    const __m128 s = _mm_set1_ps(inv_scale);
    __m128i bits = _mm_setzero_si128();
    int k = 0;
    for (; k + 16 <= n; k += 16) {
        const __m128i t0 = i8_round4(x + k, s), t1 = i8_round4(x + k + 4, s);
        const __m128i t2 = i8_round4(x + k + 8, s), t3 = i8_round4(x + k + 12, s);
        bits = _mm_or_si128(bits, _mm_or_si128(_mm_or_si128(t0, t1), _mm_or_si128(t2, t3)));
        _mm_storeu_si128((__m128i *)(void *)(q + k),
                         _mm_packs_epi16(_mm_packs_epi32(t0, t1), _mm_packs_epi32(t2, t3)));
    }
    *any |= (int8_t)(_mm_movemask_ps(_mm_castsi128_ps(bits)) ? -1 : 0);
    return k;
}
#endif

/* z[r][o0 + o] for R rows of q (KP bytes apart) and V vectors of outputs from o0 (the
 * last n of them, n <= V·I8_LANES): each weight vector loaded once for the R rows.
 * With fewer than 4 sums in flight (R·V < 4) the groups are split between S sets of
 * sums, added at the end, so that the multiply-adds do not wait on each other.  R, V,
 * S and negative are constants where it is called: the loops unroll into registers. */
I8_INLINE void i8_block(float *z, const int8_t *w4, const int8_t *q, int KP, int N, int o0,
                        int n, int R, int V, int negative, float s_x, const float *s_w,
                        const float *bias)
{
    const int G = KP / 4, S = R * V >= 4 ? 1 : R * V >= 2 ? 2 : 4;
    i8_vec acc[4][4][I8_VMAX], w[I8_VMAX];
    i8_mask m[I8_VMAX];
    for (int v = 0; v < V; v++)
        m[v] = i8_lanes(n - v * I8_LANES);
    for (int s = 0; s < S; s++)
        for (int r = 0; r < R; r++)
            for (int v = 0; v < V; v++)
                acc[s][r][v] = i8_zero();
    int g = 0;
    for (; g + S <= G; g += S)
        for (int s = 0; s < S; s++) {
            const int8_t *wg = w4 + ((size_t)(g + s) * N + o0) * 4;
            for (int v = 0; v < V; v++)
                w[v] = i8_weights(wg + v * 4 * I8_LANES, m[v]);
            for (int r = 0; r < R; r++) {
                const i8_vec x = i8_broadcast(q + (size_t)r * KP + (size_t)4 * (g + s));
                for (int v = 0; v < V; v++)
                    acc[s][r][v] = negative ? i8_dot_signed(acc[s][r][v], x, w[v])
                                            : i8_dot(acc[s][r][v], x, w[v]);
            }
        }
    for (; g < G; g++) {                /* the last G % S groups */
        const int8_t *wg = w4 + ((size_t)g * N + o0) * 4;
        for (int v = 0; v < V; v++)
            w[v] = i8_weights(wg + v * 4 * I8_LANES, m[v]);
        for (int r = 0; r < R; r++) {
            const i8_vec x = i8_broadcast(q + (size_t)r * KP + (size_t)4 * g);
            for (int v = 0; v < V; v++)
                acc[0][r][v] = negative ? i8_dot_signed(acc[0][r][v], x, w[v])
                                        : i8_dot(acc[0][r][v], x, w[v]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) {
            for (int s = 1; s < S; s++)
                acc[0][r][v] = i8_add(acc[0][r][v], acc[s][r][v]);
            const int o = o0 + v * I8_LANES;
            i8_store(z + (size_t)r * N + o, acc[0][r][v], s_x, s_w + o, bias + o, m[v]);
        }
}
#endif

/* q[b][k] = round(x[b][k] / s), saturated to [-127, 127], for B rows of K values given
 * inv_scale = 1 / s, each row of q padded with zeros to KP values (KP >= K; the sums
 * take inputs four at a time).  Returns 1 if any q is negative, else 0.  The clamps come
 * before the rounding (so a NaN becomes -127 rather than undefined behaviour); rounding
 * adds ±0.5 and truncates: half away from zero.  Every step is a select or plain
 * arithmetic, so the loop vectorises. */
static int quantize(int8_t *restrict q, const float *restrict x, int B, int K, int KP,
                    float inv_scale)
{
    int8_t any = 0;             /* the bits of every q or'ed: the sign bit says if one is < 0 */
    for (int b = 0; b < B; b++) {
        const float *xb = x + (size_t)b * K;
        int8_t *qb = q + (size_t)b * KP;
        int k0 = 0;
#if defined(NETC_I8_VECTOR)
        k0 = i8_quantize_vec(qb, xb, K, inv_scale, &any);
#endif
        for (int k = k0; k < K; k++) {
            float v = xb[k] * inv_scale;
            v = v > -127.0f ? v : -127.0f;
            v = v < 127.0f ? v : 127.0f;
            qb[k] = (int8_t)(int)(v + (v >= 0.0f ? 0.5f : -0.5f));
        }
        for (int k = k0; k < K; k++)    /* a loop of its own: both vectorise */
            any |= qb[k];
        for (int k = K; k < KP; k++)
            qb[k] = 0;
    }
    return any < 0;
}


#if !defined(NETC_I8_VECTOR)
/* z = s_x·s_w·acc + bias: an output back in float, from its int32 sum, as the vector
 * paths' i8_store computes it (two statements: no compiler fuses them into one rounding). */
static inline float dequantize(int32_t acc, float s_x, float s_w, float bias)
{
    const float scaled = (float)acc * (s_x * s_w);
    return scaled + bias;
}
#endif

/* z[b][o] = s_x·s_w[o]·Σ_k Wq[o][k]·q[b][k] + bias[o] for B rows of q and N outputs,
 * with w4 as above (G = KP / 4 groups) and negative = 0 only if no q is below 0.  Four
 * rows at a time share each load of the weights, then the last B % 4 one by one; the
 * sums run in int32 and are exact: netc checked that none can overflow. */
static void dense_i8(float *restrict z, const int8_t *restrict w4, const int8_t *restrict q,
                     int B, int N, int KP, int negative, float s_x, const float *restrict s_w,
                     const float *restrict bias)
{
#if defined(NETC_I8_VECTOR)
    for (int b = 0; b < B;) {
        const int R = B - b >= 4 ? 4 : 1;
        const int8_t *qb = q + (size_t)b * KP;
        float *zb = z + (size_t)b * N;
        for (int o = 0; o < N; o += I8_VMAX * I8_LANES) {
            const int n = N - o, V = (n + I8_LANES - 1) / I8_LANES;
#define I8_CASE(r, v)                                                                      \
            if (R == r && (V == v || (v == I8_VMAX && V > v))) {                           \
                if (negative)                                                              \
                    i8_block(zb, w4, qb, KP, N, o, n, r, v, 1, s_x, s_w, bias);            \
                else                                                                       \
                    i8_block(zb, w4, qb, KP, N, o, n, r, v, 0, s_x, s_w, bias);            \
                continue;                                                                  \
            }
            I8_CASE(4, 1) I8_CASE(1, 1)
#if I8_VMAX > 1
            I8_CASE(4, 2) I8_CASE(1, 2)
#endif
#if I8_VMAX > 2
            I8_CASE(4, 3) I8_CASE(4, 4) I8_CASE(1, 3) I8_CASE(1, 4)
#endif
#undef I8_CASE
        }
        b += R;
    }
#else
    (void)negative;                     /* plain C multiplies signed bytes alike */
    for (int b = 0; b < B; b++) {
        const int8_t *qb = q + (size_t)b * KP;
        for (int o0 = 0; o0 < N; o0 += 8) {  /* eight outputs' sums, 32 weight bytes a group */
            const int n = N - o0 < 8 ? N - o0 : 8;
            int32_t acc[8] = { 0, 0, 0, 0, 0, 0, 0, 0 };
            for (int g = 0; g < KP / 4; g++) {
                const int8_t *wg = w4 + ((size_t)g * N + o0) * 4, *x = qb + 4 * g;
                for (int o = 0; o < n; o++)
                    for (int j = 0; j < 4; j++)
                        acc[o] += wg[4 * o + j] * x[j];
            }
            for (int o = 0; o < n; o++)
                z[(size_t)b * N + o0 + o] = dequantize(acc[o], s_x, s_w[o0 + o], bias[o0 + o]);
        }
    }
#endif
}
