/* instantiate.h - the float kernels compiled as generated code compiles them, and
 * handed to the tests as a struct kernel_variant named VARIANT (see variant.h).
 *
 * Define before including: VARIANT, VARIANT_NAME (a string), NETC_PACK_PANELS (0 or
 * 1), VARIANT_NEEDS (the processor features, "" for none), and NETC_PORTABLE for the
 * plain-C path.  The includes are those of a trainer's NAME_kernels.h, in its order
 * (sparse.h: that of a network whose first layer is dense);
 * with NETC_PACK_PANELS 0, those of exported code, which has no training kernels
 * (outer_sum packs the last columns of d whatever their size: trainers only).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels/prelude.h"
#include "kernels/vec.h"
#include "kernels/exp_f.h"
#include "kernels/matmul.h"
#include "kernels/conv.h"
#if NETC_PACK_PANELS
#include "kernels/gradients.h"
#include "kernels/sparse.h"
#include "kernels/transpose.h"
#include "kernels/share.h"
#else
#include "kernels/sparse.h"
#endif

#include "variant.h"

/* V_MADD(acc, a, a) with acc = -(1 + 2^-11), a = 1 + 2^-12: a·a = 1 + 2^-11 + 2^-24
 * rounds to 1 + 2^-11 (a tie, to even), so the sum is 0 unless the multiply-add is
 * fused (2^-24).  The inputs are volatile: folded at compile time, clang's
 * multiply-add would be fused even for a machine without FMA. */
static int madd_fuses(void)
{
    volatile float a_in = 1.0f + 0x1p-12f, acc_in = -(1.0f + 0x1p-11f);
    const float a = a_in;
    float in[VW], out[VW];
    vec acc, w;
    for (int l = 0; l < VW; l++)
        in[l] = acc_in;
    V_LOAD(acc, in);
    for (int l = 0; l < VW; l++)
        in[l] = a;
    V_LOAD(w, in);
    V_MADD(acc, a, w);
    V_STORE(out, acc);
    return out[0] != 0.0f;
}

static void call_matmul(float *out, const float *x, const float *w, const float *init, int B,
                        int K, int N, int R)
{
    matmul(out, x, w, init, B, K, N, R);
}

static void call_conv_product(float *z, const float *wt, const float *cols, const float *bias,
                              int O, int K, int P, int R)
{
    conv_product(z, wt, cols, bias, O, K, P, R);
}

#if NETC_PACK_PANELS
static void call_outer_sum(float *dw, const float *x, const float *d, int B, int K, int N,
                           int R, int k_lo, int k_hi)
{
    outer_sum(dw, x, d, B, K, N, R, k_lo, k_hi);
}

static void call_column_sum(float *dbias, const float *delta, int B, int N, int o_lo, int o_hi)
{
    column_sum(dbias, delta, B, N, o_lo, o_hi);
}

static void call_transpose(float *w, const float *wt, int K, int N, int o_lo, int o_hi)
{
    transpose(w, wt, K, N, o_lo, o_hi);
}

static void call_input_outer_sum(float *dw, const float *x, const float *d, int B, int K,
                                 int N, int R, int k_lo, int k_hi)
{
    input_outer_sum(dw, x, d, B, K, N, R, k_lo, k_hi);
}

#define TRAINING_KERNELS call_outer_sum, call_column_sum, call_transpose, share
#define INPUT_OUTER_SUM call_input_outer_sum
#else
#define INPUT_OUTER_SUM NULL
#define TRAINING_KERNELS NULL, NULL, NULL, NULL
#endif

static float call_exp_f(float x)
{
    return exp_f(x);
}

static void call_input_product(float *out, const float *x, const float *w, const float *init,
                               int B, int K, int N, int R)
{
    input_product(out, x, w, init, B, K, N, R);
}

static void call_copy_floats(float *dst, const float *src, int n)
{
    copy_floats(dst, src, n);
}

const struct kernel_variant VARIANT = {
    VARIANT_NAME, 1, VARIANT_NEEDS, madd_fuses, call_matmul, call_conv_product, TRAINING_KERNELS,
    call_exp_f, call_input_product, INPUT_OUTER_SUM, call_copy_floats,
};
