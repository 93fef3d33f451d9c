/* diag.h - diagnostics like a C compiler's, for the lexer, the parser and the checker.
 *
 *   samples/bad.net:4:11: error: unknown activation 'sigmod'
 *       4 | dense 16 sigmod
 *         |          ^~~~~~
 *   hint: did you mean 'sigmoid'?
 */
#ifndef NETC_DIAG_H
#define NETC_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "front/syntax.h"

#define NETC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

enum { DIAG_MAX_ERRORS = 20 };

struct diag {
    const char *path;       /* the file named in every message */
    const char *src;        /* its bytes, to quote the offending line */
    size_t len;
    FILE *out;              /* stderr, or a memory stream in tests */
    int errors, warnings;
    int warnings_are_errors;
    int muted;              /* past DIAG_MAX_ERRORS: notes and hints are dropped too */
};

void diag_init(struct diag *d, const char *path, const char *src, size_t len, FILE *out);

/* A message about a span of the source, with the line quoted and the span underlined. */
void diag_error(struct diag *d, struct loc loc, const char *fmt, ...) NETC_PRINTF(3, 4);
void diag_warning(struct diag *d, struct loc loc, const char *fmt, ...) NETC_PRINTF(3, 4);
/* A note pointing at a related place ("first declared here"). */
void diag_note(struct diag *d, struct loc loc, const char *fmt, ...) NETC_PRINTF(3, 4);
/* A line of advice after the message it follows. */
void diag_hint(struct diag *d, const char *fmt, ...) NETC_PRINTF(2, 3);
/* A message about the whole file (no line to quote). */
void diag_file_error(struct diag *d, const char *fmt, ...) NETC_PRINTF(2, 3);

/* True once enough errors were reported that more would only be noise. */
int diag_too_many(const struct diag *d);

/* The closest candidate to word within a small edit distance, or NULL. */
const char *diag_closest(const char *word, const char *const *candidates, int n);

#endif
