/* portable_export.c - the kernels' plain-C path (NETC_PORTABLE), no packed panels. */
#define VARIANT kernels_portable_export
#define VARIANT_NAME "NETC_PORTABLE, no panels"
#define VARIANT_NEEDS ""
#define NETC_PACK_PANELS 0
#define NETC_PORTABLE
#include "instantiate.h"
