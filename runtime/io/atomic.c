/* atomic.c - files replaced atomically, and memory checked before it is asked for.
 *
 * A trained model must never be lost to a crash, a full disk or Ctrl-C in the middle
 * of a write: every file the trainer saves is written to a temporary file in the same
 * directory, flushed and fsync'd, renamed over the old one, and the directory fsync'd
 * so that the rename itself is on disk.  Until the rename the old file is untouched. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/atomic.h"

/* fsync of the directory holding path, so that a rename in it is durable. */
static int sync_directory(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    int fd, rc;

    if (!slash)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else if ((dir = malloc((size_t)(slash - path) + 1)) != NULL) {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = 0;
    }
    if (!dir)
        return -1;
    fd = open(dir, O_RDONLY);
    free(dir);
    if (fd < 0)
        return -1;
    /* Some file systems cannot fsync a directory (EINVAL): the rename stands anyway. */
    rc = fsync(fd) == 0 || errno == EINVAL ? 0 : -1;
    close(fd);
    return rc;
}

int netc_write_atomic(const char *path, netc_writer write, const void *ctx, netc_error *err)
{
    size_t n = strlen(path);
    struct stat st;
    char *tmp;
    FILE *out = NULL;
    int fd, rc;

    /* The rename would replace whatever is there: never a device, directory or pipe. */
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return netc_fail(err, "%s: exists and is not a regular file; refusing to replace it",
                         path);
    tmp = netc_alloc(n + 8, 1, path, err);
    if (!tmp)
        return -1;
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".XXXXXX", 8);
    fd = mkstemp(tmp);
    if (fd < 0 || fchmod(fd, 0644) != 0 || !(out = fdopen(fd, "wb"))) {
        rc = netc_fail(err, "%s: cannot create a temporary file next to it: %s\nhint: is the "
                       "directory there and writable?", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        return rc;
    }
    errno = 0;
    rc = write(out, ctx) == 0 && fflush(out) == 0 && fsync(fileno(out)) == 0 ? 0 : -1;
    if (rc < 0)
        netc_fail(err, "%s: writing failed: %s (the previous file is untouched)", path,
                  errno ? strerror(errno) : "write error");
    if (fclose(out) != 0 && rc == 0)
        rc = netc_fail(err, "%s: writing failed: %s (the previous file is untouched)", path,
                       strerror(errno));
    if (rc == 0 && rename(tmp, path) != 0)
        rc = netc_fail(err, "%s: cannot rename %s to it: %s", path, tmp, strerror(errno));
    if (rc < 0)
        unlink(tmp);
    else if (sync_directory(path) < 0)
        rc = netc_fail(err, "%s: written, but syncing its directory failed: %s", path,
                       strerror(errno));
    free(tmp);
    return rc;
}

/* The most one allocation may take: physical memory, and the process's limits. */
static double memory_limit(const char **which)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    double limit = pages > 0 && page > 0 ? (double)pages * (double)page : 1e30;
    struct rlimit rl;

    *which = "the machine's memory";
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (double)rl.rlim_cur < limit) {
        limit = (double)rl.rlim_cur;
        *which = "the process's address space limit (ulimit -v)";
    }
    if (getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (double)rl.rlim_cur < limit) {
        limit = (double)rl.rlim_cur;
        *which = "the process's data limit (ulimit -d)";
    }
    return limit;
}

int netc_check_memory(double bytes, netc_error *err, const char *fmt, ...)
{
    const char *which;
    double limit = memory_limit(&which);
    char what[512];
    va_list ap;

    if (bytes <= limit)
        return 0;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return netc_fail(err, "%s = %.1f MB, more than the %.1f MB of %s", what, bytes / 1e6,
                     limit / 1e6, which);
}
