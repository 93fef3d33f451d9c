/* int8_avx2.c - the int8 kernels as an AVX2 target without AVX-512 compiles them
 * (vpmaddubsw + vpmaddwd; the Makefile compiles this file with -mavx2). */
#if defined(__AVX2__) && !defined(__AVX512VNNI__)
#define VARIANT int8_avx2
#define VARIANT_NAME "int8, AVX2"
#define VARIANT_NEEDS "avx2"
#include "int8_instantiate.h"
#else
#include "int8_variant.h"
const struct int8_variant int8_avx2 = { "int8, AVX2", 0, "", 0, 0 };
#endif
