/* int8_portable.c - the int8 kernels' plain C (NETC_PORTABLE). */
#define VARIANT int8_portable
#define VARIANT_NAME "int8, plain C"
#define VARIANT_NEEDS ""
#define NETC_PORTABLE
#include "int8_instantiate.h"
