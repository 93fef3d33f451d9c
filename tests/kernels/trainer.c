/* trainer.c - the kernels as a trainer's NAME_kernels.h compiles them (GNU vectors,
 * packed panels), with this build's flags. */
#define VARIANT kernels_trainer
#define VARIANT_NAME "vector, packed panels (trainers)"
#define VARIANT_NEEDS ""
#define NETC_PACK_PANELS 1
#include "instantiate.h"
