/* error.c - error messages without global state, checked allocation, file slurping. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/error.h"

int netc_fail(netc_error *err, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return -1;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -1;
}

int netc_fail_context(netc_error *err, const char *fmt, ...)
{
    char context[256];
    size_t n, keep;
    va_list ap;

    if (!err)
        return -1;
    va_start(ap, fmt);
    vsnprintf(context, sizeof context - 2, fmt, ap);
    va_end(ap);
    strcat(context, ": ");
    n = strlen(context);
    keep = strnlen(err->msg, sizeof err->msg - 1);
    if (keep > sizeof err->msg - 1 - n)
        keep = sizeof err->msg - 1 - n;
    memmove(err->msg + n, err->msg, keep);
    memcpy(err->msg, context, n);
    err->msg[n + keep] = 0;
    return -1;
}

void *netc_alloc(size_t count, size_t size, const char *what, netc_error *err)
{
    void *p;

    if (size != 0 && count > SIZE_MAX / size) {
        netc_fail(err, "%s: %zu x %zu bytes does not fit in memory", what, count, size);
        return NULL;
    }
    p = malloc(count * size != 0 ? count * size : 1);
    if (!p)
        netc_fail(err, "%s: out of memory allocating %zu bytes", what, count * size);
    return p;
}

/* What a file that is not a regular one is, for messages. */
static const char *file_kind(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    return "not a regular file";
}

FILE *netc_open_regular(const char *path, netc_error *err)
{
    /* O_NONBLOCK: opening a FIFO without a writer would otherwise wait for ever. */
    int fd = open(path, O_RDONLY | O_NONBLOCK), flags;
    struct stat st;
    FILE *f;

    if (fd < 0) {
        netc_fail(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0) {
        netc_fail(err, "%s: cannot open: %s", path, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        netc_fail(err, "%s: is %s, not a file\nhint: inputs are read whole from regular "
                  "files; save the data to one first", path, file_kind(st.st_mode));
    } else if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0
               || !(f = fdopen(fd, "rb"))) {
        netc_fail(err, "%s: cannot open: %s", path, strerror(errno));
    } else {
        return f;
    }
    close(fd);
    return NULL;
}

/* Size of an open file, or -1 with err filled. */
static long file_size(FILE *f, const char *path, netc_error *err)
{
    long size;

    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        return netc_fail(err, "%s: cannot determine the file size: %s", path, strerror(errno));
    return size;
}

int netc_read_file(const char *path, size_t max_size, unsigned char **data, size_t *size,
                   netc_error *err)
{
    FILE *f = netc_open_regular(path, err);
    long n;
    unsigned char *buf;

    *data = NULL;
    *size = 0;
    if (!f)
        return -1;
    n = file_size(f, path, err);
    if (n < 0 || (unsigned long)n > max_size) {
        fclose(f);
        if (n < 0)
            return -1;
        return netc_fail(err, "%s: file is %ld bytes, more than the %zu this reader accepts",
                         path, n, max_size);
    }
    buf = netc_alloc((size_t)n + 1, 1, path, err);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        if (buf)
            netc_fail(err, "%s: read error after fewer than %ld bytes", path, n);
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    buf[n] = 0;
    *data = buf;
    *size = (size_t)n;
    return 0;
}
