// reference.h - the plain loops the kernels are held to, one per job, written as the
// equations read (llm.c keeps matmul_forward_naive beside its fast matmul the same way):
// no blocks, no vectors, no chunks.  tests/kernels/ compares every kernel with them;
// `netc --plain` writes the same loops out under each equation of the generated NAME.c
// (compiler/emit/plain.c).  Slow.  Needs <math.h> and <stdint.h>; not pasted into
// generated code (tools/embed.sh embeds it all the same, as every file here).

/* out[b][o] = init[o] + Σ_k x[b][k] w[k][o] for x[B][K], w[K][N], init[N] (NULL: 0),
 * as a layer's z = W·x + b with w = WT.  The sum runs over k in order, from 0, and
 * init comes last: matmul's order when K <= 128 (one chunk; more are summed chunk by
 * chunk) and its multiply-adds are not fused. */
static void matmul_reference(float *out, const float *x, const float *w, const float *init,
                             int B, int K, int N)
{
    for (int b = 0; b < B; b++)
        for (int o = 0; o < N; o++) {
            float sum = 0.0f;
            for (int k = 0; k < K; k++)
                sum += x[b * K + k] * w[k * N + o];
            out[b * N + o] = (init ? init[o] : 0.0f) + sum;
        }
}

/* z[o][p] = bias[o] + Σ_k wt[k][o] cols[k][p] for wt[K][O], cols[K][P]: a conv layer's O
 * filters at one sample's P positions, W[o][k] read from WT[k][o] (conv_product).  The
 * sum runs over k in order, from 0, and the bias comes last, as conv_product's (its
 * multiply-adds may be fused). */
static void conv_product_reference(float *z, const float *wt, const float *cols,
                                   const float *bias, int O, int K, int P)
{
    for (int o = 0; o < O; o++)
        for (int p = 0; p < P; p++) {
            float sum = 0.0f;
            for (int k = 0; k < K; k++)
                sum += wt[k * O + o] * cols[k * P + p];
            z[o * P + p] = bias[o] + sum;
        }
}

/* δ_prev[b][i] = Σ_o δ[b][o] W[o][i], read from WT[i][o] = W[o][i] itself, for
 * δ[B][OUT], WT[IN][OUT] (what the trainer computes as transpose, then matmul). */
static void backward_reference(float *delta_prev, const float *delta, const float *WT,
                               int B, int IN, int OUT)
{
    for (int b = 0; b < B; b++)
        for (int i = 0; i < IN; i++) {
            float sum = 0.0f;
            for (int o = 0; o < OUT; o++)
                sum += delta[b * OUT + o] * WT[i * OUT + o];
            delta_prev[b * IN + i] = sum;
        }
}

/* dw[k][o] = Σ_b x[b][k] d[b][o] for x[B][K], d[B][N]: a layer's ∂C/∂WT, in order of b
 * (outer_sum's order; its multiply-adds may be fused). */
static void outer_sum_reference(float *dw, const float *x, const float *d, int B, int K, int N)
{
    for (int k = 0; k < K; k++)
        for (int o = 0; o < N; o++) {
            float sum = 0.0f;
            for (int b = 0; b < B; b++)
                sum += x[b * K + k] * d[b * N + o];
            dw[k * N + o] = sum;
        }
}

/* dbias[o] = Σ_b delta[b][o] for delta[B][N], in order of b (column_sum's order). */
static void column_sum_reference(float *dbias, const float *delta, int B, int N)
{
    for (int o = 0; o < N; o++) {
        float sum = 0.0f;
        for (int b = 0; b < B; b++)
            sum += delta[b * N + o];
        dbias[o] = sum;
    }
}

/* w[o][i] = wt[i][o] for wt[K][N]. */
static void transpose_reference(float *w, const float *wt, int K, int N)
{
    for (int i = 0; i < K; i++)
        for (int o = 0; o < N; o++)
            w[o * K + i] = wt[i * N + o];
}

/* e^x: libm's, in double rounded to float (exp_f is within 1.02 ulp of it). */
static float exp_reference(float x)
{
    return (float)exp((double)x);
}

/* q[k] = round(x[k] / s) half away from zero, saturated to [-127, 127],
 * given inv_scale = 1 / s (fmaxf takes -127 over a NaN). */
static void quantize_reference(int8_t *q, const float *x, int n, float inv_scale)
{
    for (int k = 0; k < n; k++) {
        const float v = x[k] * inv_scale;
        q[k] = (int8_t)roundf(fminf(fmaxf(v, -127.0f), 127.0f));
    }
}

/* z[b][o] = s_x·s_w[o]·Σ_i w[o][i]·xq[b][i] + bias[o] for w[N][K] (int8), xq[B][K]:
 * the int32 sums are exact, whatever their order. */
static void dense_i8_reference(float *z, const int8_t *w, const int8_t *xq, int B, int N,
                               int K, float s_x, const float *s_w, const float *bias)
{
    for (int b = 0; b < B; b++)
        for (int o = 0; o < N; o++) {
            int32_t acc = 0;
            for (int i = 0; i < K; i++)
                acc += w[o * K + i] * xq[b * K + i];
            const float scaled = (float)acc * (s_x * s_w[o]);
            z[b * N + o] = scaled + bias[o];
        }
}
