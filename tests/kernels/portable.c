/* portable.c - the kernels' plain-C path (NETC_PORTABLE: structs of 8 floats), packed
 * panels. */
#define VARIANT kernels_portable
#define VARIANT_NAME "NETC_PORTABLE, packed panels"
#define VARIANT_NEEDS ""
#define NETC_PACK_PANELS 1
#define NETC_PORTABLE
#include "instantiate.h"
