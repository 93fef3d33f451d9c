// transpose.h - W from WT, which δ_prev = W^T δ reads along W's rows.  Training only.
// Needs prelude.h.  A fragment of generated C (README.md).
/* w[o][i] = wt[i][o], for wt[K][N]; rows o_lo <= o < o_hi of w.  Eight rows of wt
 * at a time, so that each row of w gets 32 contiguous bytes per visit while the
 * eight rows being read stay in L1 (one float per row of w at a time is ten times
 * slower for 512 × 512: every store a different cache line, in a few sets). */
static NETC_INLINE void transpose(float *restrict w, const float *restrict wt, int K, int N,
                                  int o_lo, int o_hi)
{
    const int K8 = K - K % 8;
    for (int i0 = 0; i0 < K8; i0 += 8)
        for (int o = o_lo; o < o_hi; o++)
            for (int i = i0; i < i0 + 8; i++)
                w[o * K + i] = wt[i * N + o];
    for (int o = o_lo; o < o_hi; o++)     /* the last K % 8 */
        for (int i = K8; i < K; i++)
            w[o * K + i] = wt[i * N + o];
}
