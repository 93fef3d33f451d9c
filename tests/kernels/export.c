/* export.c - the kernels as an exported NAME.c compiles them (GNU vectors, no packed
 * panels: a small stack), with this build's flags. */
#define VARIANT kernels_export
#define VARIANT_NAME "vector, no panels (exported code)"
#define VARIANT_NEEDS ""
#define NETC_PACK_PANELS 0
#include "instantiate.h"
