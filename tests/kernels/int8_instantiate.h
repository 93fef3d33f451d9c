/* int8_instantiate.h - compiler/kernels/int8.h as an export compiles it, handed to the
 * tests as a struct int8_variant named VARIANT (see int8_variant.h).  Define VARIANT,
 * VARIANT_NAME and VARIANT_NEEDS before including; NETC_PORTABLE for the plain C. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernels/int8.h"

#include "int8_variant.h"

static int call_quantize(int8_t *q, const float *x, int B, int K, int KP, float inv_scale)
{
    return quantize(q, x, B, K, KP, inv_scale);
}

static void call_dense(float *z, const int8_t *w4, const int8_t *q, int B, int N, int KP,
                       int negative, float s_x, const float *s_w, const float *bias)
{
    dense_i8(z, w4, q, B, N, KP, negative, s_x, s_w, bias);
}

const struct int8_variant VARIANT = { VARIANT_NAME, 1, VARIANT_NEEDS, call_quantize, call_dense };
