/* io/error.h - errors without global state, checked allocation, whole files read.
 *
 * Every fallible call in the runtime returns 0 on success and -1 on failure, after
 * filling `err` with "FILE: PLACE: what was expected, what was found" and, where it
 * helps, a second line "hint: ...".  Objects are owned by the caller and released
 * with the matching _free function (which accepts a zeroed object). */
#ifndef NETC_IO_ERROR_H
#define NETC_IO_ERROR_H

#include <stddef.h>
#include <stdio.h>

#if defined(__GNUC__) || defined(__clang__)
#define NETC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define NETC_PRINTF(fmt, args)
#endif

typedef struct netc_error {
    char msg[1024];
} netc_error;

/* Formats the message into err (truncating if long) and returns -1, so that
 * `return netc_fail(err, "%s: byte %zu: ...", path, off);` reads naturally. */
int netc_fail(netc_error *err, const char *fmt, ...) NETC_PRINTF(2, 3);

/* Prepends "context: " to the message already in err; returns -1. */
int netc_fail_context(netc_error *err, const char *fmt, ...) NETC_PRINTF(2, 3);

/* malloc(count * size) with an overflow check; on failure fills err naming `what`
 * and the number of bytes, and returns NULL. */
void *netc_alloc(size_t count, size_t size, const char *what, netc_error *err);

/* Opens path for reading ("rb") if it is a regular file.  A directory, FIFO, device or
 * socket is refused without waiting on it (a FIFO with no writer would block the open
 * for ever).  NULL with err filled on failure. */
FILE *netc_open_regular(const char *path, netc_error *err);

/* Reads a whole file into a malloc'd buffer (*size bytes, plus a terminating NUL
 * that is not counted).  Refuses files larger than max_size bytes. */
int netc_read_file(const char *path, size_t max_size, unsigned char **data, size_t *size,
                   netc_error *err);

#endif
