/* build.h - `netc build`: compile the generated C with the runtime into a trainer. */
#ifndef NETC_BUILD_H
#define NETC_BUILD_H

#include "check/network.h"

/* Compile OUTDIR/NAME.c and OUTDIR/NAME_main.c into OUTDIR/NAME with $CC (default cc)
 * and $CFLAGS (default -O3 -march=native), linking the runtime library and libpng.  With
 * mpi: compiled by $MPICC (default mpicc) with the runtime's MPI driver, for mpirun.
 * The compiler's messages pass through.  Returns 0, or -1 after printing why. */
int build_trainer(const struct network *n, const char *outdir, int mpi);

#endif
