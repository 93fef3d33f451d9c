/* atomic.c - files replaced atomically, and memory checked before it is asked for.
 *
 * A trained model must never be lost to a crash, a full disk or Ctrl-C in the middle
 * of a write: every file the trainer saves is written to a temporary file in the same
 * directory, flushed and fsync'd, renamed over the old one, and the directory fsync'd
 * so that the rename itself is on disk.  Until the rename the old file is untouched.
 *
 * The temporary file is named TARGET.tmp-PID-XXXXXX.  A kill during a write leaves it
 * behind (as large as the file it was to replace); the next write of the same target
 * removes those whose process is gone, and nothing else. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/atomic.h"

/* The directory holding path, malloc'd ("." for a bare name); NULL: out of memory. */
static char *directory_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;

    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    if ((dir = malloc((size_t)(slash - path) + 1)) != NULL) {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = 0;
    }
    return dir;
}

/* Removes the temporary files of path left by writers that were killed: named
 * NAME.tmp-PID-XXXXXX, PID a process that no longer exists.  Best effort: a directory
 * that cannot be listed is left as it is (the write that follows reports the problem). */
static void remove_stale_temporaries(const char *path)
{
    const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
    size_t n = strlen(name);
    char *dir = directory_of(path), *end, stale[4096];
    struct dirent *e;
    DIR *d = dir ? opendir(dir) : NULL;
    long pid;

    while (d && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, name, n) != 0 || strncmp(e->d_name + n, ".tmp-", 5) != 0)
            continue;
        pid = strtol(e->d_name + n + 5, &end, 10);
        if (pid <= 0 || end[0] != '-' || strlen(end + 1) != 6 || (long)(pid_t)pid != pid ||
            kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        if (snprintf(stale, sizeof stale, "%s/%s", dir, e->d_name) < (int)sizeof stale)
            unlink(stale);
    }
    if (d)
        closedir(d);
    free(dir);
}

/* fsync of the directory holding path, so that a rename in it is durable. */
static int sync_directory(const char *path)
{
    char *dir = directory_of(path);
    int fd, rc;

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
    remove_stale_temporaries(path);
    tmp = netc_alloc(n + 40, 1, path, err);
    if (!tmp)
        return -1;
    snprintf(tmp, n + 40, "%s.tmp-%ld-XXXXXX", path, (long)getpid());
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
