// gradients.h - a layer's ∂C/∂W (outer_sum: dw = x^T·d, summed over the batch in order
// of the samples) and ∂C/∂b (column_sum).  Training only.
// Needs matmul.h (its blocks, vectors and panels) with NETC_PACK_PANELS 1: outer_tail
// packs the last columns of d into the panel whatever their size.  A fragment of
// generated C (README.md); reference.h has the plain loops it is tested against.
/* dw[k][o] (+)= Σ_b x[b][k] d[b][o] over b0 <= b < b1, for rows k0 <= k < k0 + R
 * of dw and the V vectors of outputs from o0: the sums stay in registers while b
 * runs.  dp points at d[b0][o0], in d itself or in a packed panel, its rows ds
 * floats apart (whole vectors: the last outputs' are padded with zeros); lanes of
 * each vector are kept, as in matmul_finish.  The sums start from 0 when b0 = 0,
 * else from dw (b0 is a constant where that matters: see outer_sum). */
static NETC_INLINE void outer_block(float *restrict dw, const float *restrict x,
                                    const float *restrict dp, int ds, int K, int N,
                                    int k0, int o0, int R, int V, int lanes, int b0,
                                    int b1)
{
    vec acc[MAX_R][MAX_V];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) {
            if (b0 > 0)
                load_lanes(&acc[r][v], dw + (k0 + r) * N + o0 + v * VW, lanes);
            else
                V_ZERO(acc[r][v]);
        }
    for (int b = b0; b < b1; b++) {
        vec db[MAX_V];
        for (int v = 0; v < V; v++) {
            V_LOAD(db[v], dp + (b - b0) * ds + v * VW);
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
            store_lanes(dw + (k0 + r) * N + o0 + v * VW, &acc[r][v], lanes);
}

/* outer_block for the last rows of dw (fewer than a block's) from k0, as matmul_rest. */
static NETC_INLINE void outer_rest(float *restrict dw, const float *restrict x,
                                   const float *restrict dp, int ds, int K, int N,
                                   int k0, int rows, int o0, int V, int lanes, int b0,
                                   int b1)
{
    switch (rows) {
    case 1: outer_block(dw, x, dp, ds, K, N, k0, o0, 1, V, lanes, b0, b1); break;
    case 2: outer_block(dw, x, dp, ds, K, N, k0, o0, 2, V, lanes, b0, b1); break;
    case 3: outer_block(dw, x, dp, ds, K, N, k0, o0, 3, V, lanes, b0, b1); break;
    case 4: outer_block(dw, x, dp, ds, K, N, k0, o0, 4, V, lanes, b0, b1); break;
    default: outer_block(dw, x, dp, ds, K, N, k0, o0, 5, V, lanes, b0, b1); break;
    }
}

/* Rows k_lo <= k < k_hi of dw in blocks of R (the last k_hi % R in a smaller one). */
static NETC_INLINE void outer_rows(float *restrict dw, const float *restrict x,
                                   const float *restrict dp, int ds, int K, int N, int R,
                                   int o0, int V, int lanes, int k_lo, int k_hi, int b0,
                                   int b1)
{
    int k = k_lo;
    for (; k + R <= k_hi; k += R)
        outer_block(dw, x, dp, ds, K, N, k, o0, R, V, lanes, b0, b1);
    if (k < k_hi)
        outer_rest(dw, x, dp, ds, K, N, k, k_hi - k, o0, V, lanes, b0, b1);
}

/* V vectors of dw's columns from o0, rows k_lo <= k < k_hi, summed over samples
 * b0 <= b < b1.  d's rows are packed into panel first on the same terms as w's in
 * matmul_columns: a multiple of 2 KB apart and read by at least 8 blocks. */
static NETC_INLINE void outer_columns(float *restrict dw, const float *restrict x,
                                      const float *restrict d, float *restrict panel,
                                      int K, int N, int R, int o0, int V, int k_lo,
                                      int k_hi, int b0, int b1)
{
    const float *dp = d + b0 * N + o0;
    int ds = N;
    if (PANEL_ROWS == KC && N % 512 == 0 && k_hi - k_lo >= 8 * R) {
        for (int b = b0; b < b1; b++)
            memcpy(panel + (b - b0) * V * VW, d + b * N + o0, sizeof(float) * V * VW);
        dp = panel;
        ds = V * VW;
    }
    outer_rows(dw, x, dp, ds, K, N, R, o0, V, VW, k_lo, k_hi, b0, b1);
}

/* The last N % VW columns of dw, as matmul_tail: d's columns copied into vectors
 * padded with zeros, the same blocks, N % VW lanes kept. */
static NETC_INLINE void outer_tail(float *restrict dw, const float *restrict x,
                                   const float *restrict d, float *restrict panel, int K,
                                   int N, int R, int k_lo, int k_hi, int b0, int b1)
{
    const int lanes = N % VW, o0 = N - lanes;
    for (int b = b0; b < b1; b++) {
        memset(panel + (b - b0) * VW, 0, sizeof(float) * VW);
        memcpy(panel + (b - b0) * VW, d + b * N + o0, sizeof(float) * lanes);
    }
    outer_rows(dw, x, panel, VW, K, N, R, o0, 1, lanes, k_lo, k_hi, b0, b1);
}

/* Samples b0 <= b < b1 of every column block of dw, rows k_lo <= k < k_hi. */
static NETC_INLINE void outer_pass(float *restrict dw, const float *restrict x,
                                   const float *restrict d, float *restrict panel, int K,
                                   int N, int R, int k_lo, int k_hi, int b0, int b1)
{
    int o = 0;
    for (; o + 2 * VW <= N; o += 2 * VW)
        outer_columns(dw, x, d, panel, K, N, R, o, 2, k_lo, k_hi, b0, b1);
    for (; o + VW <= N; o += VW)
        outer_columns(dw, x, d, panel, K, N, R, o, 1, k_lo, k_hi, b0, b1);
    if (N % VW)
        outer_tail(dw, x, d, panel, K, N, R, k_lo, k_hi, b0, b1);
}

/* dw[k][o] = Σ_b x[b][k] d[b][o]: dw = x^T·d, the sum of the B outer products
 * x_b d_b^T, for x[B][K], d[B][N]; rows k_lo <= k < k_hi of dw (a thread's share),
 * in blocks of R rows × 2 vectors, KC samples at a time.  Each element's sum runs
 * over b = 0, 1, ... whichever block computes it, so any split of the rows gives
 * the same bits.  The first pass is a call of its own, with b0 the constant 0: a
 * run-time choice between starting the sums from 0 or from dw makes gcc keep them
 * in memory instead of registers. */
static NETC_INLINE void outer_sum(float *restrict dw, const float *restrict x,
                                  const float *restrict d, int B, int K, int N, int R,
                                  int k_lo, int k_hi)
{
#if defined(__wasm_simd128__)
    R = WASM_ROWS(R);
#endif
    vec panel[PANEL_ROWS * MAX_V];       /* KC rows of a block of d, packed */
    outer_pass(dw, x, d, (float *)panel, K, N, R, k_lo, k_hi, 0, B < KC ? B : KC);
    for (int b0 = KC; b0 < B; b0 += KC)
        outer_pass(dw, x, d, (float *)panel, K, N, R, k_lo, k_hi, b0,
                   B - b0 < KC ? B : b0 + KC);
}

/* dbias[o] = Σ_b delta[b][o], for delta[B][N]; columns o_lo <= o < o_hi */
static NETC_INLINE void column_sum(float *restrict dbias, const float *restrict delta,
                                   int B, int N, int o_lo, int o_hi)
{
    for (int o = o_lo; o < o_hi; o++)
        dbias[o] = 0.0f;
    for (int b = 0; b < B; b++)
        for (int o = o_lo; o < o_hi; o++)
            dbias[o] += delta[b * N + o];
}
