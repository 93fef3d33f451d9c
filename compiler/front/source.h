/* source.h - reading a .net file whole, and recognising files that are not .net. */
#ifndef NETC_SOURCE_H
#define NETC_SOURCE_H

#include <stddef.h>
#include <stdint.h>

enum { SOURCE_MAX_BYTES = 64 << 20 };

struct source {
    char *bytes;        /* NUL-terminated copy; may hold NULs itself */
    size_t len;
};

/* Read path; on failure print "netc: PATH: reason" to stderr and return -1. */
int source_read(const char *path, struct source *out);
void source_free(struct source *s);
uint64_t source_hash(const struct source *s);      /* FNV-1a 64 */
/* "FANN_FLO_2.1" when the bytes are a FANN network file, else NULL. */
const char *source_fann_version(const struct source *s, char *buf, size_t size);

#endif
