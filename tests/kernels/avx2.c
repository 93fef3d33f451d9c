/* avx2.c - the kernels as trainers built with -march=native run them on an x86-64 with
 * AVX2 and FMA: one ymm register a vector, fused multiply-adds (the Makefile compiles
 * this file with -mavx2 -mfma; the suite runs it only where the processor has both). */
#if defined(__AVX2__) && defined(__FMA__)
#define VARIANT kernels_avx2
#define VARIANT_NAME "AVX2 + FMA, packed panels"
#define VARIANT_NEEDS "avx2 fma"
#define NETC_PACK_PANELS 1
#include "instantiate.h"
#else
#include "variant.h"
const struct kernel_variant kernels_avx2 = { "AVX2 + FMA, packed panels", 0, "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
#endif
