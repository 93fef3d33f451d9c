/* dbl.h - force-included before a generated model to compute it in double,
 * for gradient checks by central differences that float rounding would drown.
 * Everything in that translation unit (model, descriptor, harness) becomes double. */
#define _POSIX_C_SOURCE 200809L /* posix_memalign in the harness */
#include <math.h>
#include <stdint.h>
#include <string.h>
#define float double
#define expf exp
#define logf log
#define sqrtf sqrt
#define tanhf tanh
#define fmaxf fmax
#define cosf cos
#define log1pf log1p
#define fabsf fabs
#define NETC_LIBM_EXP   /* exp_f is float-accurate only: use exp */
