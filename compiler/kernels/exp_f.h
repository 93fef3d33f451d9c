// exp_f.h - e^x for sigmoid and softmax, within 1.02 ulp, branch-free.
// Needs prelude.h, <stdint.h>, <string.h> (and <math.h> with NETC_LIBM_EXP).
// A fragment of generated C (README.md).
#if defined(NETC_LIBM_EXP)
#define exp_f expf
#else
/* e^x for sigmoid and softmax, branch-free so that loops over it vectorise.
 * x = n·ln 2 + r with n = round(x / ln 2) and |r| <= ln 2 / 2 (Cody and Waite's
 * two-part ln 2), e^r by Cephes' degree-7 polynomial, then the exponent of 2^n
 * set through the bits (in two halves, so that results below FLT_MIN come out
 * as correctly scaled subnormals).  Within 1.02 ulp of the exact e^x for every
 * float x: all 2^32 measured, at most 1.010 ulp with fused multiply-adds and 0.990
 * without (tests/codegen/expf.sh); +inf above 88.72 and 0 below -103.97, as expf;
 * NaN gives NaN.  Define NETC_LIBM_EXP to use libm's expf instead. */
static NETC_INLINE float exp_f(float x)
{
    const float shift = 12582912.0f;     /* 1.5·2^23: n + shift holds n in its low bits */
    x = x < -104.0f ? -104.0f : x;
    x = x > 89.0f ? 89.0f : x;
    const float t = x * 1.44269504088896341f + shift;
    uint32_t bits;                       /* t's bits: stored, so rounded to float even */
    memcpy(&bits, &t, sizeof bits);      /* where float arithmetic is wider (x87) */
    const int32_t k = (int32_t)((bits - 0x4b400000u + 256u) & 511u) - 256;     /* n */
    const float n = (float)k;            /* round(x / ln 2), an integer in [-150, 129] */
    const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;    /* x − n·ln 2 */
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.0f;          /* e^r */
    const int32_t k1 = k / 2, k2 = k - k1;
    const uint32_t b1 = (uint32_t)(k1 + 127) << 23, b2 = (uint32_t)(k2 + 127) << 23;
    float s1, s2;                        /* 2^k1 · 2^k2 = 2^n */
    memcpy(&s1, &b1, sizeof s1);
    memcpy(&s2, &b2, sizeof s2);
    return p * s1 * s2;
}
#endif
