// conv.h - a conv layer's filters at every position of one sample:
// z[o][p] = bias[o] + Σ_k W[o][k] cols[k][p], W read as the trainer keeps it, WT[k][o].
// Needs prelude.h, vec.h and matmul.h (its blocks' sizes, load_lanes, store_lanes).
// A fragment of generated C (README.md); reference.h has the plain loop it is tested against.
/* Vectors run across positions p, which are many (a 28 x 28 image has 784), where a
 * product over the positions' rows (matmul) would run across the filters, which are few
 * (LeNet's first layer has 6: one vector, 6 of its 8 lanes, with a copy into a padded
 * panel for each chunk).  Register blocks of up to MAX_R filters × MAX_V vectors of
 * positions; each position's column of cols is read once per block of filters.
 * The order of every sum: over k in order from 0, each multiply-add fused where V_MADD
 * is, then bias[o] + the sum (reference.h's order, matmul's for K <= 128).  Vectors
 * never run along the sum. */

/* dst[i] = src[i] for 0 <= i < n: a row of a conv layer's columns (layerN_columns, when
 * the stride across is 1).  Whole vectors, the last one ending at n (overlapping the one
 * before it, the same floats again): gcc turns a loop of floats, or of vectors and then
 * floats, into a call of memcpy, which for rows of 10 to 28 floats took 6 % of LeNet's
 * training. */
static NETC_INLINE void copy_floats(float *restrict dst, const float *restrict src, int n)
{
    if (n < VW) {
        for (int i = 0; i < n; i++)
            dst[i] = src[i];
        return;
    }
    vec v;
    for (int i = 0; i + VW < n; i += VW) {
        V_LOAD(v, src + i);
        V_STORE(dst + i, v);
    }
    V_LOAD(v, src + n - VW);
    V_STORE(dst + n - VW, v);
}

/* The R × V sums of filters o0 .. o0 + R - 1 at the V vectors of positions from p0 (of
 * which `lanes` are kept in each vector: VW, or P when there are fewer), without
 * the bias (conv_product adds it after: added in here, gcc keeps each filter's bias in a
 * register across all blocks and runs out of registers for the sums). */
static NETC_INLINE void conv_block(float *restrict z, const float *restrict wt,
                                   const float *restrict cols, int O, int K, int P, int o0,
                                   int p0, int R, int V, int lanes)
{
    vec acc[MAX_R][MAX_V];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++)
            V_ZERO(acc[r][v]);
    for (int k = 0; k < K; k++) {
        vec c[MAX_V];
        for (int v = 0; v < V; v++) {
            load_lanes(&c[v], cols + k * P + p0 + v * VW, lanes);
            if (R > 1)                   /* reused by R filters */
                V_KEEP(c[v]);
        }
        for (int r = 0; r < R; r++) {
            const float w = wt[k * O + o0 + r];
            for (int v = 0; v < V; v++)
                V_MADD(acc[r][v], w, c[v]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++)
            store_lanes(z + (o0 + r) * P + p0 + v * VW, &acc[r][v], lanes);
}

/* conv_block for the last filters (fewer than a block's), their count a constant in
 * each case, as matmul_rest. */
static NETC_INLINE void conv_rest(float *restrict z, const float *restrict wt,
                                  const float *restrict cols, int O, int K, int P, int o0,
                                  int rows, int p0, int V, int lanes)
{
    switch (rows) {
    case 1: conv_block(z, wt, cols, O, K, P, o0, p0, 1, V, lanes); break;
    case 2: conv_block(z, wt, cols, O, K, P, o0, p0, 2, V, lanes); break;
    case 3: conv_block(z, wt, cols, O, K, P, o0, p0, 3, V, lanes); break;
    case 4: conv_block(z, wt, cols, O, K, P, o0, p0, 4, V, lanes); break;
    default: conv_block(z, wt, cols, O, K, P, o0, p0, 5, V, lanes); break;
    }
}

/* Every block of R filters (the last O % R in a smaller one) at V vectors from p0. */
static NETC_INLINE void conv_filters(float *restrict z, const float *restrict wt,
                                     const float *restrict cols, int O, int K, int P, int R,
                                     int p0, int V, int lanes)
{
    int o = 0;
    for (; o + R <= O; o += R)
        conv_block(z, wt, cols, O, K, P, o, p0, R, V, lanes);
    if (o < O)
        conv_rest(z, wt, cols, O, K, P, o, O - o, p0, V, lanes);
}

/* z[o][p] = bias[o] + Σ_k wt[k][o] cols[k][p] for wt[K][O], cols[K][P], z[O][P]: one
 * sample's O filters at its P positions, in blocks of R filters × 2 vectors (R <=
 * MAX_R, a constant at the call).  The last P % VW positions go as the last whole
 * vector, P - VW .. P - 1, of which some are computed again with the same bits (a
 * vector of fewer lanes goes through memory at every k); fewer than VW, lane by lane. */
static NETC_INLINE void conv_product(float *restrict z, const float *restrict wt,
                                     const float *restrict cols, const float *restrict bias,
                                     int O, int K, int P, int R)
{
#if defined(__wasm_simd128__)
    R = WASM_ROWS(R);
#endif
    int p = 0;
    for (; p + 2 * VW <= P; p += 2 * VW)
        conv_filters(z, wt, cols, O, K, P, R, p, 2, VW);
    for (; p + VW <= P; p += VW)
        conv_filters(z, wt, cols, O, K, P, R, p, 1, VW);
    if (p < P && P >= VW)
        conv_filters(z, wt, cols, O, K, P, R, P - VW, 1, VW);
    else if (p < P)
        conv_filters(z, wt, cols, O, K, P, R, p, 1, P - p);
    for (int o = 0; o < O; o++)
        for (int q = 0; q < P; q++)
            z[o * P + q] = bias[o] + z[o * P + q];
}
