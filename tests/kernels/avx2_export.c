/* avx2_export.c - exported code's kernels (no packed panels) with AVX2 and FMA, as
 * avx2.c. */
#if defined(__AVX2__) && defined(__FMA__)
#define VARIANT kernels_avx2_export
#define VARIANT_NAME "AVX2 + FMA, no panels"
#define VARIANT_NEEDS "avx2 fma"
#define NETC_PACK_PANELS 0
#include "instantiate.h"
#else
#include "variant.h"
const struct kernel_variant kernels_avx2_export = { "AVX2 + FMA, no panels", 0, "", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
#endif
