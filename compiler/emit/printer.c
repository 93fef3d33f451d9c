/* printer.c - indented, printf-checked output for the code generators. */
#include "emit/printer.h"

#include <stdarg.h>

void pr_init(struct printer *p, FILE *out)
{
    p->out = out;
    p->depth = 0;
    p->failed = 0;
}

static void indent(struct printer *p)
{
    for (int i = 0; i < p->depth; i++)
        if (fputs("    ", p->out) == EOF)
            p->failed = 1;
}

/* fmt's text, then end; indented unless it continues a line. */
static void vline(struct printer *p, int indented, const char *fmt, va_list ap, const char *end)
    PR_PRINTF(3, 0);

static void vline(struct printer *p, int indented, const char *fmt, va_list ap, const char *end)
{
    if (indented)
        indent(p);
    if (vfprintf(p->out, fmt, ap) < 0 || fputs(end, p->out) == EOF)
        p->failed = 1;
}

void pr_line(struct printer *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(p, 1, fmt, ap, "\n");
    va_end(ap);
}

void pr_open(struct printer *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vline(p, 1, fmt, ap, " {\n");
    va_end(ap);
    p->depth++;
}

void pr_block(struct printer *p)
{
    pr_line(p, "{");
    p->depth++;
}

void pr_close(struct printer *p)
{
    p->depth--;
    pr_line(p, "}");
}

void pr_close_with(struct printer *p, const char *fmt, ...)
{
    va_list ap;
    p->depth--;
    indent(p);
    if (fputc('}', p->out) == EOF)
        p->failed = 1;
    va_start(ap, fmt);
    vline(p, 0, fmt, ap, "\n");
    va_end(ap);
}

void pr_blank(struct printer *p)
{
    if (fputc('\n', p->out) == EOF)
        p->failed = 1;
}

void pr_commented(struct printer *p, const char *text, const char *comment)
{
    pr_line(p, "%-52s /* %s */", text, comment);
}

void pr_lines(struct printer *p, const char *const *lines, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (lines[i][0])
            pr_line(p, "%s", lines[i]);
        else
            pr_blank(p);
    }
}

int pr_failed(const struct printer *p)
{
    return p->failed || ferror(p->out);
}
