/* int8_sse2.c - the int8 kernels as a plain x86-64 target compiles them (SSE2: pmaddwd on
 * int16; no extra flags). */
#if defined(__SSE2__) && !defined(__AVX2__) && (defined(__x86_64__) || defined(_M_X64))
#define VARIANT int8_sse2
#define VARIANT_NAME "int8, SSE2"
#define VARIANT_NEEDS ""
#include "int8_instantiate.h"
#else
#include "int8_variant.h"
const struct int8_variant int8_sse2 = { "int8, SSE2", 0, "", 0, 0 };
#endif
