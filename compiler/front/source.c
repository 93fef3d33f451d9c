/* source.c - a .net file's bytes, its hash, and what it is when it is not .net. */
#include "front/source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/error.h"

int source_read(const char *path, struct source *out)
{
    memset(out, 0, sizeof *out);
    netc_error err;
    FILE *f = netc_open_regular(path, &err);
    if (!f) {
        fprintf(stderr, "netc: %s\n", err.msg);
        return -1;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap || len > SOURCE_MAX_BYTES)
            break;
        char *bigger = realloc(buf, cap * 2 + 1);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    int failed = ferror(f);
    fclose(f);
    if (!buf || failed || len > SOURCE_MAX_BYTES) {
        fprintf(stderr, "netc: %s: %s\n", path, !buf ? "out of memory" : failed ? "read error"
                : "file is larger than 64 MiB; a .net description is a few lines");
        free(buf);
        return -1;
    }
    buf[len] = '\0';
    out->bytes = buf;
    out->len = len;
    return 0;
}

void source_free(struct source *s)
{
    free(s->bytes);
    s->bytes = NULL;
}

uint64_t source_hash(const struct source *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < s->len; i++) {
        h ^= (unsigned char)s->bytes[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

const char *source_fann_version(const struct source *s, char *buf, size_t size)
{
    if (s->len < 9 || (memcmp(s->bytes, "FANN_FLO_", 9) != 0 && memcmp(s->bytes, "FANN_FIX_", 9) != 0))
        return NULL;
    size_t n = 0;
    while (n < s->len && n + 1 < size && n < 32 && s->bytes[n] > ' ')
        n++;
    memcpy(buf, s->bytes, n);
    buf[n] = '\0';
    return buf;
}
