// sparse.h - the first layer's products skipping zero inputs: z = W·x + b
// (input_product) and ∂C/∂W = x^T·δ (input_outer_sum), bit for bit matmul's and
// outer_sum's, cheaper when most inputs are zero (MNIST: 81 % of the pixels).
// Needs matmul.h (its blocks and their order); input_outer_sum needs gradients.h
// (trainers only).  A fragment of generated C (README.md); tests/kernels/ holds it to
// matmul and outer_sum bit for bit.
/* Why the bits are the same.  matmul adds each chunk's terms x[b][k]·w[k][o] in
 * order of k to a sum that starts at +0.  A term with x = ±0 and a finite weight is
 * ±0, and adding ±0 to a sum leaves it as it is, but for the sign of a zero sum
 * (-0 + +0 = +0): leaving such terms out, a chunk's sum S is the same number, at most
 * a zero of the other sign; the terms after it see the same value (a nonzero product
 * added to +0 or -0 gives the same result).  The chunk sums are then added in order
 * to init (or to +0): ((init + S_0) + S_1) + ...  If init is not -0, that running sum
 * is never -0 (+0 + -0 = +0; x + -x = +0), and a zero S of either sign leaves it the
 * same: the output has the same bits.  So input_product falls back to matmul when a
 * bias is -0 (only a loaded file can make one: training's updates b - ε never do).
 * The one difference left is a weight that is infinite or NaN: 0·∞ is NaN in matmul,
 * skipped here (a diverged network; the trainer stops on a loss that is not finite).
 * In outer_sum a row k of dw with x[b][k] = ±0 in every sample b adds only ±0 to a
 * sum that starts at +0: it is +0, as input_outer_sum writes it (δ finite).  Leaving
 * out single terms x[b][k] = ±0 of a row's sum (listed_outer_sum) is exact as long as
 * no product of nonzero factors rounds to ±0: a fused multiply-add of such a product
 * can make the running sum -0, which a left-out +0 term would have turned back into +0. */

/* The lanes of the VW floats at p that are neither +0 nor -0, as bits (lane l: bit l). */
#if defined(__GNUC__) && !defined(NETC_PORTABLE) && __FLT_EVAL_METHOD__ == 0
static NETC_INLINE unsigned nonzero_lanes(const float *p)
{
    vec v;
    V_LOAD(v, p);
    const __typeof__(v != v) ne = v != (vec){ 0 };  /* lanes of -1 (true) or 0 */
#if defined(__AVX__) && !defined(float)  /* not where float is #defined (to double) */
    return (unsigned)__builtin_ia32_movmskps256((vec)ne);
#else
    unsigned bits = 0;
    for (int l = 0; l < VW; l++)
        bits |= (unsigned)(ne[l] & 1) << l;
    return bits;
#endif
}

#else
static NETC_INLINE unsigned nonzero_lanes(const float *p)
{
    unsigned bits = 0;
    for (int l = 0; l < VW; l++)
        bits |= (unsigned)(p[l] != 0.0f) << l;
    return bits;
}
#endif

/* AVX-512 (with 256-bit forms) lists nonzero lanes by vpcompressd; elsewhere a table
 * of 4 bits, written 4 lanes at a time (offsets4). */
#if defined(__GNUC__) && !defined(NETC_PORTABLE) && defined(__AVX512F__) && \
    defined(__AVX512VL__)
#define SPARSE_COMPRESS 1
#else
#define SPARSE_COMPRESS 0
#if defined(__GNUC__) && !defined(NETC_PORTABLE)
/* dst[0 .. 3] = base + lanes[0 .. 3], as one vector (gcc writes 4 ints apart otherwise). */
typedef int ivec4 __attribute__((vector_size(4 * sizeof(int))));
static NETC_INLINE void offsets4(int *dst, int base, const int *lanes)
{
    ivec4 v;
    memcpy(&v, lanes, sizeof v);
    v += base;
    memcpy(dst, &v, sizeof v);
}
#else
static NETC_INLINE void offsets4(int *dst, int base, const int *lanes)
{
    for (int j = 0; j < 4; j++)
        dst[j] = base + lanes[j];
}
#endif

/* For each 4 bits, the positions of those set, first to last (then zeros), and how
 * many. */
static const int nibble_lanes[16][4] = {
    { 0, 0, 0, 0 }, { 0, 0, 0, 0 }, { 1, 0, 0, 0 }, { 0, 1, 0, 0 },
    { 2, 0, 0, 0 }, { 0, 2, 0, 0 }, { 1, 2, 0, 0 }, { 0, 1, 2, 0 },
    { 3, 0, 0, 0 }, { 0, 3, 0, 0 }, { 1, 3, 0, 0 }, { 0, 1, 3, 0 },
    { 2, 3, 0, 0 }, { 0, 2, 3, 0 }, { 1, 2, 3, 0 }, { 0, 1, 2, 3 },
};
static const int nibble_count[16] = { 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4 };
#endif

/* The inputs k0 <= k < k1 (at most KC, in order) that are not zero in one of the rows
 * b0 <= b < b0 + R, into idx (room for KC + VW); how many.  Whole vectors of VW inputs
 * are tested at once, and their nonzero ones written by AVX-512's compress (vpcompressd
 * into a register: 1.3x faster for MNIST's images than the table; stored straight to
 * memory it is 14x slower on AMD Zen 4) or 4 lanes at a time from a table: no branch
 * that depends on the data (a zero vector or not is as good as random, and a branch on
 * it costs more than the writes it saves); the last k1 % VW inputs one by one. */
static NETC_INLINE int input_list(int *restrict idx, const float *restrict x, int K, int b0,
                                  int R, int k0, int k1)
{
    int count = 0, k = k0;
    for (; k + VW <= k1; k += VW) {
        unsigned bits = 0;
        for (int r = 0; r < R; r++)
            bits |= nonzero_lanes(x + (b0 + r) * K + k);
#if SPARSE_COMPRESS
        /* AVX-512: the nonzero lanes' k side by side in one instruction */
        typedef int ivec8 __attribute__((vector_size(8 * sizeof(int))));
        const ivec8 ks = (ivec8){ 0, 1, 2, 3, 4, 5, 6, 7 } + k;
        const ivec8 packed = __builtin_ia32_compresssi256_mask(ks, (ivec8){ 0 },
                                                               (unsigned char)bits);
        memcpy(idx + count, &packed, sizeof packed);
        count += __builtin_popcount(bits);
#else
        for (int h = 0; h < VW; h += 4) {
            const unsigned nibble = (bits >> h) & 15;
            offsets4(idx + count, k + h, nibble_lanes[nibble]);
            count += nibble_count[nibble];
        }
#endif
    }
    for (; k < k1; k++) {
        int any = 0;
        for (int r = 0; r < R; r++)
            any |= x[(b0 + r) * K + k] != 0.0f;
        idx[count] = k;
        count += any;
    }
    return count;
}

/* One chunk's sums of matmul_block for rows b0 <= b < b0 + R and V vectors of
 * outputs from o0, over the n inputs k of idx only (the others are zero in every
 * row), then added to out as matmul_finish does (first: this is the chunk k0 = 0). */
static NETC_INLINE void sparse_block(float *restrict out, const float *restrict x,
                                     const float *restrict w, const float *restrict init,
                                     const int *restrict idx, int n, int K, int N, int b0,
                                     int o0, int R, int V, int lanes, int first)
{
    vec acc[MAX_R][MAX_V];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++)
            V_ZERO(acc[r][v]);
    for (int j = 0; j < n; j++) {
        const int k = idx[j];
        vec wk[MAX_V];
        for (int v = 0; v < V; v++) {
            load_lanes(&wk[v], w + k * N + o0 + v * VW, lanes);
            if (R > 1)
                V_KEEP(wk[v]);
        }
        for (int r = 0; r < R; r++) {
            const float xs = x[(b0 + r) * K + k];
            for (int v = 0; v < V; v++)
                V_MADD(acc[r][v], xs, wk[v]);
        }
    }
    matmul_finish(out, init, acc, N, b0, o0, R, V, lanes, first);
}

/* One chunk's sums of every output for the R rows from b0 (R a constant here): of
 * the n inputs of idx when they are at most 3/4 of the chunk's k1 - k0, else of all
 * (matmul_block, the same bits).  Measured (784 inputs, 16, 128 and 512 outputs,
 * batches 1, 10, 32, 128): skipping is 1.3-2.8x faster with 40 % of the rows read
 * (MNIST's images in blocks of 5; 19 % one at a time), 1.1-1.9x with 74 %, about as
 * fast as all of them at 88 %. */
static NETC_INLINE void sparse_chunk(float *restrict out, const float *restrict x,
                                     const float *restrict w, const float *restrict init,
                                     const int *restrict idx, int n, int K, int N, int b0,
                                     int R, int k0, int k1)
{
    const int sparse = 4 * n <= 3 * (k1 - k0), first = k0 == 0;
    int o = 0;
    for (; o + 2 * VW <= N; o += 2 * VW)
        if (sparse)
            sparse_block(out, x, w, init, idx, n, K, N, b0, o, R, 2, VW, first);
        else
            matmul_block(out, x, w + k0 * N + o, N, init, K, N, b0, o, R, 2, VW, k0, k1);
    for (; o + VW <= N; o += VW)
        if (sparse)
            sparse_block(out, x, w, init, idx, n, K, N, b0, o, R, 1, VW, first);
        else
            matmul_block(out, x, w + k0 * N + o, N, init, K, N, b0, o, R, 1, VW, k0, k1);
    if (N % VW) {
        if (sparse)
            sparse_block(out, x, w, init, idx, n, K, N, b0, o, R, 1, N % VW, first);
        else
            matmul_block(out, x, w + k0 * N + o, N, init, K, N, b0, o, R, 1, N % VW, k0, k1);
    }
}

/* Every chunk of the R rows from b0, in order: each chunk's inputs that are not zero
 * in all R rows, then their sums. */
static NETC_INLINE void sparse_rows(float *restrict out, const float *restrict x,
                                    const float *restrict w, const float *restrict init,
                                    int K, int N, int b0, int R)
{
    int idx[KC + VW];
    for (int k0 = 0; k0 < K; k0 += KC) {
        const int k1 = K - k0 < KC ? K : k0 + KC;
        const int n = input_list(idx, x, K, b0, R, k0, k1);
        sparse_chunk(out, x, w, init, idx, n, K, N, b0, R, k0, k1);
    }
}

/* sparse_rows with R = rows, a constant in each case. */
static NETC_INLINE void sparse_rest(float *restrict out, const float *restrict x,
                                    const float *restrict w, const float *restrict init,
                                    int K, int N, int b0, int rows)
{
    switch (rows) {
    case 1: sparse_rows(out, x, w, init, K, N, b0, 1); break;
    case 2: sparse_rows(out, x, w, init, K, N, b0, 2); break;
    case 3: sparse_rows(out, x, w, init, K, N, b0, 3); break;
    case 4: sparse_rows(out, x, w, init, K, N, b0, 4); break;
    default: sparse_rows(out, x, w, init, K, N, b0, 5); break;
    }
}

/* Samples per block of sparse_matmul: at most 5 (measured on 784-16, -128 and -512
 * layers at batches 10, 32 and 128: 5 rows are 5-25 % faster than 3 or 4, and 6
 * slower than 5 for 512 outputs). */
enum { SPARSE_MAX_ROWS = 5 };

/* matmul's out = x·w + init for x[B][K], w[K][N], skipping the inputs that are zero
 * in every row of a block of SR samples. */
static NETC_INLINE void sparse_matmul(float *restrict out, const float *restrict x,
                                      const float *restrict w, const float *restrict init,
                                      int B, int K, int N, int SR)
{
    int b = 0;
    for (; b + SR <= B; b += SR)
        sparse_rest(out, x, w, init, K, N, b, SR);
    if (b < B)
        sparse_rest(out, x, w, init, K, N, b, B - b);
}

/* NETC_DENSE_INPUT 1 (-DNETC_DENSE_INPUT=1 when compiling): input_product and
 * input_outer_sum are matmul and outer_sum, to compare with (make bench). */
#ifndef NETC_DENSE_INPUT
#define NETC_DENSE_INPUT 0
#endif

/* Whether one of the n floats at p is -0 (a sum starting there could end as -0). */
static NETC_INLINE int has_negative_zero(const float *p, int n)
{
    int any = 0;
    for (int i = 0; p && i < n; i++)
        any |= p[i] == 0.0f && signbit(p[i]);
    return any;
}

/* out = x·w + init as matmul, the same bits, for a network's input x[B][K]: each
 * block of samples and chunk of inputs skips the inputs that are zero in all its
 * samples when that pays (sparse_chunk); matmul itself if a bias is -0. */
static NETC_INLINE void input_product(float *restrict out, const float *restrict x,
                                      const float *restrict w, const float *restrict init,
                                      int B, int K, int N, int R)
{
    if (NETC_DENSE_INPUT || has_negative_zero(init, N))
        matmul(out, x, w, init, B, K, N, R);
    else
        sparse_matmul(out, x, w, init, B, K, N, R < SPARSE_MAX_ROWS ? R : SPARSE_MAX_ROWS);
}

#if NETC_PACK_PANELS
/* The rows k <= r < k + VW of x^T (at most k_hi - k of them) that are nonzero in one
 * of the B samples, as bits (row k + l: bit l). */
static NETC_INLINE unsigned active_rows(const float *restrict x, int B, int K, int k, int k_hi)
{
    unsigned bits = 0;
    if (k + VW <= k_hi) {
        for (int b = 0; b < B; b++)
            bits |= nonzero_lanes(x + b * K + k);
        return bits;
    }
    for (int l = 0; k + l < k_hi; l++)
        for (int b = 0; b < B; b++)
            bits |= (unsigned)(x[b * K + k + l] != 0.0f) << l;
    return bits;
}

/* Rows lo <= k < hi of dw: 0 when empty is set, else outer_sum's. */
static NETC_INLINE void outer_run(float *restrict dw, const float *restrict x,
                                  const float *restrict d, int B, int K, int N, int R, int lo,
                                  int hi, int empty)
{
    if (lo >= hi)
        return;
    if (empty)
        memset(dw + lo * N, 0, sizeof(float) * (size_t)(hi - lo) * N);
    else
        outer_sum(dw, x, d, B, K, N, R, lo, hi);
}

/* The samples b < B, in order, whose inputs k0 <= k < k0 + rows (rows <= VW) are not
 * all zero, into idx; how many. */
static NETC_INLINE int active_samples(int *restrict idx, const float *restrict x, int B, int K,
                                      int k0, int rows)
{
    const unsigned mask = (1u << rows) - 1;
    int n = 0;
    for (int b = 0; b < B; b++) {
        unsigned bits = 0;
        if (k0 + VW <= K)
            bits = nonzero_lanes(x + b * K + k0) & mask;
        else
            for (int l = 0; l < rows; l++)
                bits |= (unsigned)(x[b * K + k0 + l] != 0.0f) << l;
        idx[n] = b;
        n += bits != 0;
    }
    return n;
}

/* outer_block's sums from 0 over the samples idx[0 .. n) only (the others' inputs are
 * zero in these R rows: their terms are ±0, see the top): rows k0 <= k < k0 + R of dw,
 * the V vectors of outputs from o0, read from d itself (N % VW == 0). */
static NETC_INLINE void listed_block(float *restrict dw, const float *restrict x,
                                     const float *restrict d, int K, int N, int k0, int o0,
                                     int R, int V, const int *restrict idx, int n)
{
    vec acc[MAX_R][MAX_V];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++)
            V_ZERO(acc[r][v]);
    for (int i = 0; i < n; i++) {
        const int b = idx[i];
        vec db[MAX_V];
        for (int v = 0; v < V; v++) {
            V_LOAD(db[v], d + b * N + o0 + v * VW);
            V_KEEP(db[v]);
        }
        for (int r = 0; r < R; r++) {
            const float xs = x[b * K + k0 + r];
            for (int v = 0; v < V; v++)
                V_MADD(acc[r][v], xs, db[v]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++)
            V_STORE(dw + (k0 + r) * N + o0 + v * VW, acc[r][v]);
}

/* Every column block of rows k0 <= k < k0 + R of dw over the samples idx[0 .. n). */
static NETC_INLINE void listed_rows(float *restrict dw, const float *restrict x,
                                    const float *restrict d, int K, int N, int k0, int R,
                                    const int *restrict idx, int n)
{
    int o = 0;
    for (; o + 2 * VW <= N; o += 2 * VW)
        listed_block(dw, x, d, K, N, k0, o, R, 2, idx, n);
    for (; o < N; o += VW)
        listed_block(dw, x, d, K, N, k0, o, R, 1, idx, n);
}

/* listed_rows for the last rows (fewer than a block's), their count a constant. */
static NETC_INLINE void listed_rest(float *restrict dw, const float *restrict x,
                                    const float *restrict d, int K, int N, int k0, int rows,
                                    const int *restrict idx, int n)
{
    switch (rows) {
    case 1: listed_rows(dw, x, d, K, N, k0, 1, idx, n); break;
    case 2: listed_rows(dw, x, d, K, N, k0, 2, idx, n); break;
    case 3: listed_rows(dw, x, d, K, N, k0, 3, idx, n); break;
    case 4: listed_rows(dw, x, d, K, N, k0, 4, idx, n); break;
    default: listed_rows(dw, x, d, K, N, k0, 5, idx, n); break;
    }
}

/* The smallest |v| of the n floats at p that are not zero (0 if all are).  On the
 * bits: those of |v| order as its values, and less one, a zero's wrap around to the
 * largest (an unsigned minimum, which vectorises). */
static NETC_INLINE float smallest_nonzero(const float *restrict p, int n)
{
    uint32_t least = 0xffffffffu;
    for (int i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, p + i, sizeof bits);
        const uint32_t key = (bits & 0x7fffffffu) - 1u;
        least = key < least ? key : least;
    }
    least += 1u;
    float value;
    memcpy(&value, &least, sizeof value);
    return value;
}

/* Whether every product x[b][k]·d[b][o] of nonzero factors is at least 2^-140, far from
 * rounding to ±0 (below 2^-149).  A fused multiply-add of such a tiny product can turn
 * a sum of +0 into -0, and a later zero term back into +0; with none, the terms that
 * listed_outer_sum leaves out change nothing, not even a zero's sign (see the top). */
static NETC_INLINE int no_vanishing_products(const float *restrict x, const float *restrict d,
                                             int B, int K, int N)
{
    return (double)smallest_nonzero(x, B * K) * (double)smallest_nonzero(d, B * N) >= 0x1p-140;
}

/* outer_sum's dw = x^T·d, the same bits, for rows k_lo <= k < k_hi and B <= KC samples
 * of whole vectors of outputs (N % VW == 0): each block of R rows sums over the samples
 * whose inputs in those rows are not all zero, listed once for all its column blocks
 * (an image's zero pixels come in runs: most of a block's samples drop out).  Only
 * where no product vanishes (no_vanishing_products). */
static NETC_INLINE void listed_outer_sum(float *restrict dw, const float *restrict x,
                                         const float *restrict d, int B, int K, int N, int R,
                                         int k_lo, int k_hi)
{
#if defined(__wasm_simd128__)
    R = WASM_ROWS(R);
#endif
    int idx[KC];
    int k0 = k_lo;
    for (; k0 + R <= k_hi; k0 += R)
        listed_rows(dw, x, d, K, N, k0, R, idx, active_samples(idx, x, B, K, k0, R));
    if (k0 < k_hi)
        listed_rest(dw, x, d, K, N, k0, k_hi - k0, idx,
                    active_samples(idx, x, B, K, k0, k_hi - k0));
}

/* A row of dw is skipped when its sum has at least this many multiply-adds (B·N):
 * finding the rows costs about as much as computing a row of 10 × 16 (784-16-16-10
 * at batch 10 trained 16 % slower skipping), and 32 × 128 (784-128-64-10) trained
 * 1.2x faster. */
enum { SPARSE_MIN_ROW_WORK = 512 };

/* outer_sum's dw = x^T·d for a network's input x[B][K], rows k_lo <= k < k_hi of dw:
 * a row whose input is zero in every sample of the batch is +0 (see the top) and is
 * written so; the others are outer_sum's, over runs of rows that hold fewer than R
 * zero rows in a row (computing those gives +0 as well, and keeps the blocks of R
 * whole).  outer_sum alone for rows of less work than SPARSE_MIN_ROW_WORK, and with
 * NETC_DENSE_INPUT 1 (to compare). */
static NETC_INLINE void input_outer_sum(float *restrict dw, const float *restrict x,
                                        const float *restrict d, int B, int K, int N, int R,
                                        int k_lo, int k_hi)
{
    int lo = k_lo, active = 0, last = k_lo - 1;  /* the run from lo; its last active row */
    if (NETC_DENSE_INPUT || B * N < SPARSE_MIN_ROW_WORK) {
        outer_sum(dw, x, d, B, K, N, R, k_lo, k_hi);
        return;
    }
    if (N % VW == 0 && B <= KC && R <= VW && no_vanishing_products(x, d, B, K, N)) {
        listed_outer_sum(dw, x, d, B, K, N, R, k_lo, k_hi);
        return;
    }
    for (int k = k_lo; k < k_hi; k += VW) {
        const unsigned bits = active_rows(x, B, K, k, k_hi);
        for (int l = 0; l < VW && k + l < k_hi; l++) {
            const int row = k + l, on = (bits >> l) & 1;
            if (on && !active) {                /* a run of zero rows ends */
                outer_run(dw, x, d, B, K, N, R, lo, row, 1);
                lo = row;
                active = 1;
            } else if (!on && active && row - last >= R) {  /* R zero rows: a run ends */
                outer_run(dw, x, d, B, K, N, R, lo, last + 1, 0);
                lo = last + 1;
                active = 0;
            }
            if (on)
                last = row;
        }
    }
    outer_run(dw, x, d, B, K, N, R, lo, active ? last + 1 : k_hi, !active);
    if (active)
        outer_run(dw, x, d, B, K, N, R, last + 1, k_hi, 1);
}
#endif
