/* printer.h - the one printf-style helper every code emitter writes through.
 *
 * It indents each line by the current depth (four spaces a level), so emitters say
 * what to write, not where: pr_open() ends a line with " {" and indents,
 * pr_close() dedents and writes "}".  Write errors are sticky: check pr_failed()
 * once at the end instead of after every line.
 */
#ifndef NETC_PRINTER_H
#define NETC_PRINTER_H

#include <stdio.h>

#if defined(__GNUC__)
#define PR_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PR_PRINTF(fmt, args)
#endif

struct printer {
    FILE *out;
    int depth;      /* indentation level */
    int failed;     /* a write failed */
};

void pr_init(struct printer *p, FILE *out);

/* One indented line; a trailing newline is added. */
void pr_line(struct printer *p, const char *fmt, ...) PR_PRINTF(2, 3);
/* A line ending in " {", then one level deeper. */
void pr_open(struct printer *p, const char *fmt, ...) PR_PRINTF(2, 3);
/* A lone "{" (a function body), then one level deeper. */
void pr_block(struct printer *p);
/* One level shallower, then "}". */
void pr_close(struct printer *p);
/* One level shallower, then "}" followed by more text, e.g. " mnist_model;". */
void pr_close_with(struct printer *p, const char *fmt, ...) PR_PRINTF(2, 3);
/* An empty line (never trailing spaces). */
void pr_blank(struct printer *p);
/* n lines of text as they are (each indented; an empty one as pr_blank), such as a
 * kernel file embedded at build time. */
void pr_lines(struct printer *p, const char *const *lines, size_t n);
/* "text  /+ comment +/", the comments of a block of such lines lined up. */
void pr_commented(struct printer *p, const char *text, const char *comment);

int pr_failed(const struct printer *p);

#endif
