/* expf_test.c - the generated models' exp_f against libm, over the float range.
 *
 * Built by expf.sh with a generated NAME.c included (exp_f is static there).  For
 * every STRIDE-th float bit pattern x (STRIDE = 1: all 2^32), compares exp_f(x) with
 * e^x from double-precision exp, and reports the largest error in units in the last
 * place of the float result (ulp of the float nearest e^x; subnormal results use the
 * subnormal spacing 2^-149).  Checks NaN, ±inf, overflow to +inf and underflow to 0
 * as expf has them.  Fails above MAX_ULP.  Exit 0 = pass.
 */
#include MODEL_C

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* The error of y as an approximation of the exact e^x, in ulps of the float result. */
static double ulp_error(float x, float y)
{
    const double exact = exp((double)x);
    if (exact > (double)FLT_MAX * (1.0 + 0x1p-25))  /* rounds to +inf */
        return isinf(y) ? 0.0 : 1e9;
    int e;
    frexp(exact, &e);                               /* exact = m·2^e, 0.5 <= m < 1 */
    const double ulp = ldexp(1.0, (e - 24 < -149 ? -149 : e - 24));
    return fabs((double)y - exact) / ulp;
}

int main(int argc, char **argv)
{
    const uint64_t stride = argc > 1 ? strtoull(argv[1], NULL, 10) : 1;
    const double max_ulp = argc > 2 ? atof(argv[2]) : 1.02;
    double worst = 0.0;
    float worst_x = 0.0f;
    uint64_t tested = 0;
    int bad = 0;
    for (uint64_t u = 0; u <= 0xffffffffu; u += stride) {
        const float x = from_bits((uint32_t)u);
        const float y = exp_f(x);
        tested++;
        if (isnan(x)) {
            bad |= !isnan(y);
            continue;
        }
        const double err = ulp_error(x, y);
        if (err > worst) {
            worst = err;
            worst_x = x;
        }
    }
    bad |= exp_f(INFINITY) != INFINITY || exp_f(-INFINITY) != 0.0f || exp_f(89.0f) != INFINITY
           || exp_f(-104.0f) != 0.0f || exp_f(0.0f) != 1.0f || !isnan(exp_f(NAN));
    printf("exp_f: %llu floats, max error %.3f ulp at x = %.9g (bound %.2f ulp)%s: %s\n",
           (unsigned long long)tested, worst, (double)worst_x, max_ulp,
           bad ? ", special values wrong" : "", bad || worst > max_ulp ? "FAIL" : "OK");
    return bad || worst > max_ulp;
}
