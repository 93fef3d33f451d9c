/* locate.h - where netc's runtime is: what `netc build` compiles and links a trainer with. */
#ifndef NETC_LOCATE_H
#define NETC_LOCATE_H

#include <stddef.h>

enum { LOCATE_PATH_MAX = 4096 };

struct runtime_paths {
    char include[LOCATE_PATH_MAX];  /* the directory of netc_runtime.h, netc_model.h, io/ ... */
    char lib[LOCATE_PATH_MAX];      /* libnetcrt.a */
    char mpi[LOCATE_PATH_MAX];      /* netc_mpi.c, compiled into trainers by `netc build --mpi` */
};

/* Fill rp, from the first of:
 *   $NETC_RUNTIME_DIR (headers, and its mpi/netc_mpi.c) and $NETC_RUNTIME_LIB (library);
 *   the installed layout beside netc's own binary (/proc/self/exe): BIN/../lib/libnetcrt.a,
 *   BIN/../include/netc/, BIN/../share/netc/mpi/netc_mpi.c (the relative paths as
 *   configured by the Makefile's BINDIR, LIBDIR, INCLUDEDIR, DATADIR);
 *   the build tree: BUILD/libnetcrt.a and BUILD/runtime-src (a link to the checkout's
 *   runtime/ that make writes beside BUILD/netc).
 * No path of the source tree is compiled in.  Returns 0, or -1 after writing to err
 * where it looked. */
int runtime_locate(struct runtime_paths *rp, char *err, size_t errsize);

#endif
