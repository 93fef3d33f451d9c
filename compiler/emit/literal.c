/* literal.c - numbers and strings as C literals, text as comment-safe text. */
#include "emit/emit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* %g may print "3" or "1e-08": make it a floating literal by adding ".0" if needed. */
static void make_floating(char buf[LIT_MAX])
{
    if (!strpbrk(buf, ".eEn"))
        strcat(buf, ".0");
}

/* The fewest digits that read back as the same float ("0.1f", not "0.100000001f"). */
const char *lit_float(char buf[LIT_MAX], double x)
{
    const float f = (float)x;
    for (int digits = 1; digits <= 9; digits++) {       /* 9 always round-trips */
        snprintf(buf, LIT_MAX, "%.*g", digits, (double)f);
        if (strtof(buf, NULL) == f)
            break;
    }
    make_floating(buf);
    strcat(buf, "f");
    return buf;
}

/* The fewest digits that read back as the same double. */
const char *lit_double(char buf[LIT_MAX], double x)
{
    for (int digits = 1; digits <= 17; digits++) {      /* 17 always round-trips */
        snprintf(buf, LIT_MAX, "%.*g", digits, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    make_floating(buf);
    return buf;
}

/* One line: prefix, then s as a quoted C string (or NULL), then suffix. */
void pr_string_literal(struct printer *p, const char *prefix, const char *s, const char *suffix)
{
    char buf[4096];
    size_t n = 0;
    if (!s) {
        pr_line(p, "%sNULL%s", prefix, suffix);
        return;
    }
    buf[n++] = '"';
    for (; *s && n < sizeof buf - 8; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            n += (size_t)sprintf(buf + n, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            n += (size_t)sprintf(buf + n, "\\%03o", c);
        else
            buf[n++] = (char)c;
    }
    buf[n++] = '"';
    buf[n] = '\0';
    pr_line(p, "%s%s%s", prefix, buf, suffix);
}

void comment_safe(char *dst, size_t n, const char *s)
{
    size_t k = 0;
    for (; s && *s && k + 2 < n; s++) {
        if ((unsigned char)*s < 0x20)
            dst[k++] = ' ';
        else if (s[0] == '*' && s[1] == '/') {
            dst[k++] = '*';
            dst[k++] = ' ';
        } else
            dst[k++] = *s;
    }
    dst[k] = '\0';
}
