/* int8_variant.h - one build of the int8 kernels (compiler/kernels/int8.h), for
 * test_kernels.c: int8.h picks AVX-512 VNNI, AVX2, SSE2 or plain C from the compiler's target
 * macros, so each tests/kernels/int8_NAME.c compiles it for one target (the Makefile
 * gives the flags) and hands its functions over; the suite runs the same cases on all
 * and requires the same bytes from each.
 */
#ifndef NETC_TEST_INT8_VARIANT_H
#define NETC_TEST_INT8_VARIANT_H

#include <stdint.h>

struct int8_variant {
    const char *name;
    int built;              /* 0: the compiler could not target it */
    const char *needs;      /* __builtin_cpu_supports names, space-separated, or "" */
    int (*quantize)(int8_t *q, const float *x, int B, int K, int KP, float inv_scale);
    void (*dense)(float *z, const int8_t *w4, const int8_t *q, int B, int N, int KP,
                  int negative, float s_x, const float *s_w, const float *bias);
};

/* tests/kernels/int8_NAME.c */
extern const struct int8_variant int8_portable, int8_sse2, int8_avx2, int8_vnni;

#endif
