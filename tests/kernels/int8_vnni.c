/* int8_vnni.c - the int8 kernels with AVX-512 VNNI (vpdpbusd; the Makefile compiles this
 * file with -mavx512f -mavx512bw -mavx512vnni). */
#if defined(__AVX512VNNI__) && defined(__AVX512BW__)
#define VARIANT int8_vnni
#define VARIANT_NAME "int8, AVX-512 VNNI"
#define VARIANT_NEEDS "avx512f avx512bw avx512vnni"
#include "int8_instantiate.h"
#else
#include "int8_variant.h"
const struct int8_variant int8_vnni = { "int8, AVX-512 VNNI", 0, "", 0, 0 };
#endif
