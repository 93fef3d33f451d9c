/* arena.c - the syntax tree's memory: many small zeroed blocks, freed at once. */
#include "front/syntax.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* C99 has no max_align_t: a union of the widest types aligns as well. */
typedef union { long double ld; long long ll; void *p; } align_unit;

struct chunk {
    struct chunk *next;
    size_t used, size;
    align_unit data[];
};

struct arena {
    struct chunk *head;
};

enum { CHUNK_SIZE = 16384 };

static void *checked_calloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p) {
        fputs("netc: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

struct arena *arena_new(void)
{
    return checked_calloc(1, sizeof(struct arena));
}

void *arena_alloc(struct arena *a, size_t size)
{
    size = (size + sizeof(align_unit) - 1) / sizeof(align_unit) * sizeof(align_unit);
    struct chunk *c = a->head;
    if (!c || c->size - c->used < size) {
        size_t cap = size > CHUNK_SIZE ? size : CHUNK_SIZE;
        c = checked_calloc(1, sizeof(struct chunk) + cap);
        c->size = cap;
        c->next = a->head;
        a->head = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += size;
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    return p;
}

void arena_free(struct arena *a)
{
    if (!a)
        return;
    for (struct chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(a);
}
