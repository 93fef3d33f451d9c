// matmul.h - out = init + x·w (a layer's z = W·x + b, and δ_prev = W^T δ): register
// blocks of vectors over the outputs, sums over k in chunks of 128, in a stated order.
// Needs prelude.h, vec.h and NETC_PACK_PANELS defined as 1 (the trainer: packed panels)
// or 0 (exported code: a small stack).  A fragment of generated C (README.md);
// reference.h has the plain loops it is tested against (tests/kernels/).
/* The order of every sum out[b][o] = init[o] + Σ_k x[b][k] w[k][o] (vector outputs):
 * k goes in chunks of KC, each chunk's terms added in order of k starting from 0,
 * and the chunk sums S_0, S_1, ... added in order to init[o] (or to 0):
 * ((init + S_0) + S_1) + ...  A block of samples computes one chunk at a time; one
 * sample alone computes several chunks side by side (matmul_row), and both get the
 * same bits. */
/* KC: rows of w per pass, 8 KB of a block; PANEL_ROWS: of the packed panels (below),
 * none in exported code, whose stack stays small (nor matmul_row_columns' chunks side
 * by side: their accumulators) */
enum { MAX_R = 6, MAX_V = 2, KC = 128, PANEL_ROWS = NETC_PACK_PANELS ? KC : 1 };
#if defined(__wasm_simd128__)
/* WebAssembly's SIMD128 (netc --emit web): a vec is two of its 128-bit registers, of
 * which a browser has 16 on x86 (V8 keeps one): the blocks chosen for 16 AVX registers
 * spill there.  WASM_ROWS caps a block's rows (of samples, of dw's rows, of filters) at 2:
 * 2 × 2 vectors of sums, 2 of w and 2 broadcasts, 14 registers.  The same sums in the
 * same order, as any block size. */
#define WASM_ROWS(R) ((R) < 2 ? (R) : 2)
#endif

/* The first n floats at p into v, its other lanes 0, and back: whole vectors for
 * n = VW, the last N % VW outputs of a layer otherwise. */
static NETC_INLINE void load_lanes(vec *v, const float *p, int n)
{
    if (n == VW) {
        V_LOAD(*v, p);
    } else {
        V_ZERO(*v);
        memcpy(v, p, sizeof(float) * n);
    }
}

static NETC_INLINE void store_lanes(float *p, const vec *v, int n)
{
    if (n == VW)
        V_STORE(p, *v);
    else
        memcpy(p, v, sizeof(float) * n);
}

/* out[b][o] = start + acc for the R × V sums of a block: start is init[o] (0 if init
 * is NULL) for the first chunk, else out (first is a constant at each call); lanes
 * of each vector are outputs (VW, or N % VW in the block of the last outputs). */
static NETC_INLINE void matmul_finish(float *restrict out, const float *restrict init,
                                      vec acc[MAX_R][MAX_V], int N, int b0, int o0,
                                      int R, int V, int lanes, int first)
{
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) {
            float *const o = out + (b0 + r) * N + o0 + v * VW;
            vec sum;
            if (!first)
                load_lanes(&sum, o, lanes);
            else if (init)
                load_lanes(&sum, init + o0 + v * VW, lanes);
            else
                V_ZERO(sum);
            V_ADD(sum, acc[r][v]);
            store_lanes(o, &sum, lanes);
        }
}

/* The chunk k0 <= k < k1 of the sums for rows b0 <= b < b0 + R and the V vectors of
 * outputs from o0: the R × V sums stay in registers while k runs over w's rows, so
 * each row of w is read once for R samples.  wp points at w[k0][o0], in w itself or
 * in a packed panel, its rows ws floats apart; lanes as in matmul_finish (a
 * panel's rows, VW apart, are whole vectors padded with zeros, w's own rows have
 * only lanes floats in the block of the last outputs). */
static NETC_INLINE void matmul_block(float *restrict out, const float *restrict x,
                                     const float *restrict wp, int ws,
                                     const float *restrict init, int K, int N, int b0,
                                     int o0, int R, int V, int lanes, int k0, int k1)
{
    vec acc[MAX_R][MAX_V];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++)
            V_ZERO(acc[r][v]);
    for (int k = k0; k < k1; k++) {
        vec wk[MAX_V];
        for (int v = 0; v < V; v++) {
            if (ws == VW || lanes == VW)
                V_LOAD(wk[v], wp + (k - k0) * ws + v * VW);
            else
                load_lanes(&wk[v], wp + (k - k0) * ws + v * VW, lanes);
            if (R > 1)                   /* reused by R rows */
                V_KEEP(wk[v]);
        }
        for (int r = 0; r < R; r++) {
            const float xs = x[(b0 + r) * K + k];
            for (int v = 0; v < V; v++)
                V_MADD(acc[r][v], xs, wk[v]);
        }
    }
    matmul_finish(out, init, acc, N, b0, o0, R, V, lanes, k0 == 0);
}

/* matmul_block for the last rows (fewer than a block's) from b0: one block of them,
 * with their count a constant in each case so that the block stays in registers. */
static NETC_INLINE void matmul_rest(float *restrict out, const float *restrict x,
                                    const float *restrict wp, int ws,
                                    const float *restrict init, int K, int N, int b0,
                                    int rows, int o0, int V, int lanes, int k0, int k1)
{
    switch (rows) {
    case 1: matmul_block(out, x, wp, ws, init, K, N, b0, o0, 1, V, lanes, k0, k1); break;
    case 2: matmul_block(out, x, wp, ws, init, K, N, b0, o0, 2, V, lanes, k0, k1); break;
    case 3: matmul_block(out, x, wp, ws, init, K, N, b0, o0, 3, V, lanes, k0, k1); break;
    case 4: matmul_block(out, x, wp, ws, init, K, N, b0, o0, 4, V, lanes, k0, k1); break;
    default: matmul_block(out, x, wp, ws, init, K, N, b0, o0, 5, V, lanes, k0, k1); break;
    }
}

/* Rows k0 <= k < k1 (VW apart) of a block of R samples from b0, or of the last B - b0. */
static NETC_INLINE void matmul_rows(float *restrict out, const float *restrict x,
                                    const float *restrict wp, int ws,
                                    const float *restrict init, int B, int K, int N,
                                    int R, int o0, int V, int lanes, int k0, int k1)
{
    int b = 0;
    for (; b + R <= B; b += R)
        matmul_block(out, x, wp, ws, init, K, N, b, o0, R, V, lanes, k0, k1);
    if (b < B)
        matmul_rest(out, x, wp, ws, init, K, N, b, B - b, o0, V, lanes, k0, k1);
}

/* Rows k0 <= k < k1 of V vectors of w's columns from o0, for every row block of the
 * B samples.  When w's rows are a multiple of 2 KB apart they fall into 2 of L1's
 * 64 cache sets and evict each other before the next block of samples reads them
 * again; if at least 8 blocks read them, they are first copied next to each other
 * into panel (for 784-512-512-10 at batch 128: 10 % faster; for fewer blocks the
 * copy costs more than it saves).  The same numbers in the same order. */
static NETC_INLINE void matmul_columns(float *restrict out, const float *restrict x,
                                       const float *restrict w, const float *restrict init,
                                       float *restrict panel, int B, int K, int N, int R,
                                       int o0, int V, int k0, int k1)
{
    const float *wp = w + k0 * N + o0;
    int ws = N;
    if (PANEL_ROWS == KC && N % 512 == 0 && B >= 8 * R) {
        for (int k = k0; k < k1; k++)
            memcpy(panel + (k - k0) * V * VW, w + k * N + o0, sizeof(float) * V * VW);
        wp = panel;
        ws = V * VW;
    }
    matmul_rows(out, x, wp, ws, init, B, K, N, R, o0, V, VW, k0, k1);
}

/* Rows k0 <= k < k1 of the last N % VW outputs: the same blocks as the others',
 * of which only N % VW lanes are stored.  The trainer first copies their columns
 * of w into vectors padded with zeros; exported code, which has no room for the
 * panel, loads N % VW floats at a time (slower, the same numbers).  The same
 * order of sums as the other outputs'. */
static NETC_INLINE void matmul_tail(float *restrict out, const float *restrict x,
                                    const float *restrict w, const float *restrict init,
                                    float *restrict panel, int B, int K, int N, int R,
                                    int k0, int k1)
{
    const int lanes = N % VW, o0 = N - lanes;
    if (PANEL_ROWS == KC) {
        for (int k = k0; k < k1; k++) {
            memset(panel + (k - k0) * VW, 0, sizeof(float) * VW);
            memcpy(panel + (k - k0) * VW, w + k * N + o0, sizeof(float) * lanes);
        }
        matmul_rows(out, x, panel, VW, init, B, K, N, R, o0, 1, lanes, k0, k1);
    } else {
        matmul_rows(out, x, w + k0 * N + o0, N, init, B, K, N, R, o0, 1, lanes, k0, k1);
    }
}

/* The chunk k0 <= k < k0 + KC of the outputs for all B samples: of the whole
 * vectors of outputs if vectors is 1, and of the last N % VW outputs. */
static NETC_INLINE void matmul_pass(float *restrict out, const float *restrict x,
                                    const float *restrict w, const float *restrict init,
                                    float *restrict panel, int B, int K, int N, int R,
                                    int k0, int vectors)
{
    const int k1 = K - k0 < KC ? K : k0 + KC;
    int o = 0;
    for (; vectors && o + 2 * VW <= N; o += 2 * VW)
        matmul_columns(out, x, w, init, panel, B, K, N, R, o, 2, k0, k1);
    for (; vectors && o + VW <= N; o += VW)
        matmul_columns(out, x, w, init, panel, B, K, N, R, o, 1, k0, k1);
    if (N % VW)
        matmul_tail(out, x, w, init, panel, B, K, N, R, k0, k1);
}

/* One sample b: G whole chunks from k0 side by side, then added in order.  A
 * multiply-add waits for the one before it in its chain (4 cycles on current x86,
 * which starts 2 a cycle), so one sample's V chains alone would leave the machine
 * mostly idle: G·V chains keep it busy.  MAX_G × MAX_V accumulators: 12 of the 16
 * vector registers. */
#if defined(__wasm_simd128__)
enum { MAX_G = 2 };   /* 2 × 2 vecs: 8 of wasm's 128-bit registers (6 spilled: 1.6x slower) */
#else
enum { MAX_G = 6 };
#endif
static NETC_INLINE void matmul_chunks(float *restrict out, const float *restrict x,
                                      const float *restrict w, const float *restrict init,
                                      int K, int N, int b, int o0, int V, int k0, int G)
{
    vec acc[MAX_G][MAX_V];
    for (int g = 0; g < G; g++)
        for (int v = 0; v < V; v++)
            V_ZERO(acc[g][v]);
    for (int k = k0; k < k0 + KC; k++)
        for (int g = 0; g < G; g++) {
            const float xs = x[b * K + k + g * KC];
            for (int v = 0; v < V; v++) {
                vec wk;
                V_LOAD(wk, w + (k + g * KC) * N + o0 + v * VW);
                V_MADD(acc[g][v], xs, wk);
            }
        }
    for (int g = 0; g < G; g++)
        matmul_finish(out, init, acc + g, N, b, o0, 1, V, VW, k0 + g * KC == 0);
}

/* matmul_chunks for the last whole chunks (fewer than MAX_G), G a constant in each
 * case. */
static NETC_INLINE void matmul_chunks_rest(float *restrict out, const float *restrict x,
                                           const float *restrict w,
                                           const float *restrict init, int K, int N,
                                           int b, int o0, int V, int k0, int chunks)
{
    switch (chunks) {
    case 1: matmul_chunks(out, x, w, init, K, N, b, o0, V, k0, 1); break;
    case 2: matmul_chunks(out, x, w, init, K, N, b, o0, V, k0, 2); break;
    case 3: matmul_chunks(out, x, w, init, K, N, b, o0, V, k0, 3); break;
    case 4: matmul_chunks(out, x, w, init, K, N, b, o0, V, k0, 4); break;
    default: matmul_chunks(out, x, w, init, K, N, b, o0, V, k0, 5); break;
    }
}

/* All chunks of sample b's V vectors of outputs from o0: MAX_G whole chunks at a
 * time, then the remaining whole ones, then the last partial chunk. */
static NETC_INLINE void matmul_row_columns(float *restrict out, const float *restrict x,
                                           const float *restrict w,
                                           const float *restrict init, int K, int N,
                                           int b, int o0, int V)
{
    int k0 = 0;
    for (; k0 + MAX_G * KC <= K; k0 += MAX_G * KC)
        matmul_chunks(out, x, w, init, K, N, b, o0, V, k0, MAX_G);
    if (k0 + KC <= K) {
        const int chunks = (K - k0) / KC;
        matmul_chunks_rest(out, x, w, init, K, N, b, o0, V, k0, chunks);
        k0 += chunks * KC;
    }
    if (k0 < K)
        matmul_block(out, x, w + k0 * N + o0, N, init, K, N, b, o0, 1, V, VW, k0, K);
}

/* out[b][o] = init[o] + Σ_k x[b][k] w[k][o]: out = x·w (+ init) for x[B][K], w[K][N],
 * in blocks of R samples (R <= MAX_R; the last B % R in one smaller block) × 2
 * vectors, KC rows of w at a time so that a block's columns of w stay in L1 for
 * all samples.  Fewer samples than R, for outputs that make at most one block of
 * 2 vectors, go one at a time with chunks side by side (matmul_row_columns; their
 * last N % VW outputs by matmul_pass still); with more outputs the processor
 * already overlaps the chains of consecutive blocks (for 784-128-64-10 and
 * 784-512-512-10 one sample then runs 10-25 % faster the block way).  The first
 * pass is a call of its own, with k0 the constant 0: a run-time choice in the
 * kernels between starting from init and from out makes gcc keep the sums in
 * memory instead of registers. */
static NETC_INLINE void matmul(float *restrict out, const float *restrict x,
                               const float *restrict w, const float *restrict init,
                               int B, int K, int N, int R)
{
#if defined(__wasm_simd128__)
    R = WASM_ROWS(R);
#endif
    vec panel[PANEL_ROWS * MAX_V];       /* a block of w's columns, packed */
    const int by_sample = NETC_PACK_PANELS && B < R && N < 4 * VW;
    for (int b = 0; by_sample && b < B; b++) {
        int o = 0;
        for (; o + 2 * VW <= N; o += 2 * VW)
            matmul_row_columns(out, x, w, init, K, N, b, o, 2);
        for (; o + VW <= N; o += VW)
            matmul_row_columns(out, x, w, init, K, N, b, o, 1);
    }
    matmul_pass(out, x, w, init, (float *)panel, B, K, N, R, 0, !by_sample);
    for (int k0 = KC; k0 < K; k0 += KC)
        matmul_pass(out, x, w, init, (float *)panel, B, K, N, R, k0, !by_sample);
}
