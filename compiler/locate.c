/* locate.c - where netc's runtime is: beside an installed netc, or in its build tree.
 * An installed netc never looks in the source tree: the relative paths below are all
 * that is compiled in (the Makefile's BINDIR -> LIBDIR, INCLUDEDIR, DATADIR). */
#define _XOPEN_SOURCE 700     /* realpath */
#include "locate.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef NETC_BIN_TO_LIB
#define NETC_BIN_TO_LIB "../lib"
#endif
#ifndef NETC_BIN_TO_INCLUDE
#define NETC_BIN_TO_INCLUDE "../include"
#endif
#ifndef NETC_BIN_TO_DATA
#define NETC_BIN_TO_DATA "../share"
#endif

static int exists(const char *path)
{
    return access(path, R_OK) == 0;
}

/* The directory of netc's own binary, or "" when the system does not say. */
static void exe_dir(char *dir, size_t size)
{
    char self[LOCATE_PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    dir[0] = '\0';
    if (n <= 0)
        return;
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash)
        *slash = '\0';
    snprintf(dir, size, "%s", self);
}

/* One layout: DIR/lib_rel/libnetcrt.a, DIR/include_rel/netc_runtime.h, DIR/mpi_rel. */
static int try_layout(struct runtime_paths *rp, const char *dir, const char *lib_rel,
                      const char *include_rel, const char *mpi_rel)
{
    char header[LOCATE_PATH_MAX + 32];
    snprintf(rp->lib, sizeof rp->lib, "%s/%s/libnetcrt.a", dir, lib_rel);
    snprintf(rp->include, sizeof rp->include, "%s/%s", dir, include_rel);
    snprintf(rp->mpi, sizeof rp->mpi, "%s/%s/netc_mpi.c", dir, mpi_rel);
    snprintf(header, sizeof header, "%s/netc_runtime.h", rp->include);
    return exists(rp->lib) && exists(header);
}

/* The path with its links and "../" steps resolved, where it exists (for reading). */
static void tidy(char *path)
{
    char real[PATH_MAX];
    if (realpath(path, real))
        snprintf(path, LOCATE_PATH_MAX, "%s", real);
}

int runtime_locate(struct runtime_paths *rp, char *err, size_t errsize)
{
    char dir[LOCATE_PATH_MAX];
    exe_dir(dir, sizeof dir);
    int found = dir[0] &&
        (try_layout(rp, dir, NETC_BIN_TO_LIB, NETC_BIN_TO_INCLUDE "/netc",
                    NETC_BIN_TO_DATA "/netc/mpi") ||
         try_layout(rp, dir, ".", "runtime-src", "runtime-src/mpi"));
    const char *env_dir = getenv("NETC_RUNTIME_DIR"), *env_lib = getenv("NETC_RUNTIME_LIB");
    if (env_dir && *env_dir) {
        snprintf(rp->include, sizeof rp->include, "%s", env_dir);
        snprintf(rp->mpi, sizeof rp->mpi, "%s/mpi/netc_mpi.c", env_dir);
    }
    if (env_lib && *env_lib)
        snprintf(rp->lib, sizeof rp->lib, "%s", env_lib);
    if (!found && !(env_dir && *env_dir && env_lib && *env_lib)) {
        snprintf(err, errsize, "cannot find the runtime (libnetcrt.a and netc_runtime.h) beside "
                 "%s: looked in %s/%s and %s/%s, and in a build tree's %s/libnetcrt.a\n"
                 "hint: set NETC_RUNTIME_DIR (the headers) and NETC_RUNTIME_LIB (libnetcrt.a)",
                 dir[0] ? dir : "netc", dir, NETC_BIN_TO_LIB, dir, NETC_BIN_TO_INCLUDE "/netc", dir);
        return -1;
    }
    if (!(env_dir && *env_dir)) {
        tidy(rp->include);
        tidy(rp->mpi);
    }
    if (!(env_lib && *env_lib))
        tidy(rp->lib);
    return 0;
}
