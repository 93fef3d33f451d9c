/* io/atomic.h - files replaced atomically; memory checked before it is asked for. */
#ifndef NETC_IO_ATOMIC_H
#define NETC_IO_ATOMIC_H

#include <stdio.h>

#include "io/error.h"

/* Fills an open file; returns 0, or -1 after a failed write (errno set). */
typedef int (*netc_writer)(FILE *out, const void *ctx);
/* Replaces path atomically: write(out, ctx) fills a temporary file in the same directory,
 * which is flushed, fsync'd and renamed over path; then the directory is fsync'd.  On
 * failure path is left as it was and the message names it. */
int netc_write_atomic(const char *path, netc_writer write, const void *ctx, netc_error *err);

/* Fails, naming `what` (printf-style) and both sizes, when one allocation of `bytes`
 * cannot succeed: more than the machine's memory or the process's ulimit. */
int netc_check_memory(double bytes, netc_error *err, const char *fmt, ...) NETC_PRINTF(3, 4);

#endif
