/* json.c - the JSON of safetensors headers: a strict reader of its tokens and a writer.
 *
 * The reader is driven token by token by the grammar that calls it (io/safetensors.c):
 * it builds nothing and never recurses, so its depth is the grammar's and hostile nesting
 * costs nothing.  It accepts exactly RFC 8259's strings and the integers a header needs:
 * digits only, no sign, fraction, exponent or leading zero, at most 2^53; strings that are
 * valid UTF-8, without control characters, lone surrogates or \u0000.  Every failure
 * names the byte offset in the file and what was expected there.
 *
 * Why not a library.  Debian has jansson, json-c, cJSON and yajl.  What the reader must
 * enforce goes beyond well-formed JSON: duplicate tensor names and keys, exact types
 * (integers, not 1.0 or 1e3, within 2^53), size limits (rank, dimensions, header length),
 * and a byte position in every message, also for the errors found after parsing (a
 * dtype netc does not read, offsets past the data).  jansson comes closest
 * (JSON_REJECT_DUPLICATES, integer and real kept apart, the position of a syntax error)
 * but builds a tree that keeps no positions, so the schema checks would still be ours
 * and their messages would lose the byte; json-c keeps the last of duplicate keys and
 * cJSON all of them, silently, and cJSON reads every number as a double; yajl has had no
 * release since 2014.  And any of them would reach every user: every generated trainer
 * links libnetcrt.a, so the library would join the link line of `netc build`, of netc
 * itself (--emit infer reads weights), of the e2e scripts and of any pkg-config file,
 * to replace some 300 lines that are fuzzed (make fuzz's safetensors target) and pinned
 * by tests.  So the reader stays ours. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json.h"

/* ---- reading -------------------------------------------------------------------- */

/* Fails at the current position, as a byte offset in the file. */
int netc_json_fail(netc_json *j, const char *fmt, ...)
{
    char what[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return netc_fail(j->err, "%s: byte %zu: %s", j->path, j->base + j->pos, what);
}

void netc_json_skip_ws(netc_json *j)
{
    while (j->pos < j->n && strchr(" \t\r\n", j->s[j->pos]) && j->s[j->pos])
        j->pos++;
}

/* What is at the current position, for "expected X, found Y" messages. */
const char *netc_json_found(netc_json *j)
{
    unsigned char c;

    if (j->pos >= j->n)
        return "the end of the header";
    switch (j->s[j->pos]) {
    case '{': return "'{'";
    case '[': return "'['";
    case '"': return "a string";
    case '}': return "'}'";
    case ']': return "']'";
    case ',': return "','";
    case ':': return "':'";
    }
    c = (unsigned char)j->s[j->pos];
    if ((c >= '0' && c <= '9') || c == '-')
        return "a number";
    if (c > ' ' && c < 0x7f)
        snprintf(j->found, sizeof j->found, "the character '%c'", c);
    else
        snprintf(j->found, sizeof j->found, "byte 0x%02x", c);
    return j->found;
}

/* Consumes c (after blanks) or fails saying what was expected. */
int netc_json_expect(netc_json *j, char c, const char *what)
{
    netc_json_skip_ws(j);
    if (j->pos < j->n && j->s[j->pos] == c) {
        j->pos++;
        return 0;
    }
    return netc_json_fail(j, "expected %s, found %s", what, netc_json_found(j));
}

/* Consumes c if it is next; returns 1 if it was. */
int netc_json_accept(netc_json *j, char c)
{
    netc_json_skip_ws(j);
    if (j->pos < j->n && j->s[j->pos] == c) {
        j->pos++;
        return 1;
    }
    return 0;
}

static int hex4(netc_json *j, unsigned *v)
{
    int i;

    *v = 0;
    for (i = 0; i < 4; i++) {
        char c = j->pos < j->n ? j->s[j->pos] : 0;
        unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;
        if (d == 16)
            return netc_json_fail(j, "expected 4 hex digits after \\u");
        *v = *v << 4 | d;
        j->pos++;
    }
    return 0;
}

static size_t put_utf8(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* A \uXXXX escape (the "\u" already consumed), surrogate pairs joined. */
static int unicode_escape(netc_json *j, char *out, size_t *len)
{
    unsigned cp, lo;

    if (hex4(j, &cp) < 0)
        return -1;
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return netc_json_fail(j, "lone low surrogate \\u%04x in a string", cp);
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (j->pos + 2 > j->n || j->s[j->pos] != '\\' || j->s[j->pos + 1] != 'u')
            return netc_json_fail(j, "high surrogate \\u%04x not followed by a low one", cp);
        j->pos += 2;
        if (hex4(j, &lo) < 0)
            return -1;
        if (lo < 0xdc00 || lo > 0xdfff)
            return netc_json_fail(j, "high surrogate \\u%04x followed by \\u%04x", cp, lo);
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    }
    if (cp == 0)
        return netc_json_fail(j, "\\u0000 is not allowed in names");
    *len += put_utf8(out + *len, cp);
    return 0;
}

/* One escape sequence (the backslash already consumed). */
static int escape(netc_json *j, char *out, size_t *len)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *p;
    char c = j->pos < j->n ? j->s[j->pos] : 0;

    j->pos++;
    if (c == 'u')
        return unicode_escape(j, out, len);
    p = c ? strchr(from, c) : NULL;
    if (!p)
        return j->pos--, netc_json_fail(j, "invalid escape '\\%c' in a string", c ? c : '0');
    out[(*len)++] = to[p - from];
    return 0;
}

/* Bytes up to the closing quote (or the end of the header), escapes included. */
static size_t raw_length(const netc_json *j)
{
    size_t i = j->pos;

    while (i < j->n && j->s[i] != '"')
        i += j->s[i] == '\\' ? 2 : 1;
    return (i < j->n ? i : j->n) - j->pos;
}

/* A JSON string into a malloc'd, NUL-terminated copy (escapes never grow the text). */
int netc_json_string(netc_json *j, char **out, const char *what)
{
    size_t len = 0;
    char *s;

    if (netc_json_expect(j, '"', what) < 0)
        return -1;
    s = netc_alloc(raw_length(j) + 1, 1, j->path, j->err);
    if (!s)
        return -1;
    while (j->pos < j->n && j->s[j->pos] != '"') {
        unsigned char c = (unsigned char)j->s[j->pos];
        if (c < 0x20) {
            free(s);
            return netc_json_fail(j, "control character 0x%02x inside a string", c);
        }
        j->pos++;
        if (c == '\\' ? escape(j, s, &len) < 0 : (s[len++] = (char)c, 0)) {
            free(s);
            return -1;
        }
    }
    if (j->pos >= j->n) {
        free(s);
        return netc_json_fail(j, "string is not closed before the end of the header");
    }
    j->pos++;
    s[len] = 0;
    *out = s;
    return 0;
}

/* A non-negative integer: digits only, no leading zeros, at most 2^53. */
static int parse_uint(netc_json *j, uint64_t *v, const char *what)
{
    size_t start;

    netc_json_skip_ws(j);
    start = j->pos;
    *v = 0;
    while (j->pos < j->n && j->s[j->pos] >= '0' && j->s[j->pos] <= '9') {
        *v = *v * 10 + (uint64_t)(j->s[j->pos++] - '0');
        if (*v > ((uint64_t)1 << 53))
            return j->pos = start, netc_json_fail(j, "%s is too large", what);
    }
    if (j->pos == start)
        return netc_json_fail(j, "expected %s (a non-negative integer), found %s", what,
                              netc_json_found(j));
    if (j->s[start] == '0' && j->pos - start > 1)
        return j->pos = start, netc_json_fail(j, "%s has a leading zero", what);
    if (j->pos < j->n && strchr(".eE", j->s[j->pos]) && j->s[j->pos])
        return netc_json_fail(j, "%s must be an integer", what);
    return 0;
}

/* [n, n, ...] with at most max elements. */
int netc_json_uint_array(netc_json *j, uint64_t *vals, int max, int *count,
                         const char *what)
{
    *count = 0;
    if (netc_json_expect(j, '[', "'[' starting a list") < 0)
        return -1;
    if (netc_json_accept(j, ']'))
        return 0;
    do {
        if (*count == max)
            return netc_json_fail(j, "more than %d elements in %s", max, what);
        if (parse_uint(j, &vals[(*count)++], what) < 0)
            return -1;
    } while (netc_json_accept(j, ','));
    return netc_json_expect(j, ']', "',' or ']'");
}

/* ---- UTF-8 ---------------------------------------------------------------------- */

/* Position of the first byte that is not well-formed UTF-8, or n. */
size_t netc_utf8_invalid_at(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i], cp, k, len;
        len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
            : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (len == 0 || i + len > n)
            return i;
        cp = len == 1 ? c : c & (0x7fu >> len);
        for (k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return i;
            cp = cp << 6 | (s[i + k] & 0x3fu);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return i;
        i += len;
    }
    return n;
}

/* ---- writing -------------------------------------------------------------------- */

void netc_json_add(netc_json_text *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (t->failed || n < 0)
        return;
    if (t->len + (size_t)n + 1 > t->cap) {
        size_t cap = 2 * (t->len + (size_t)n + 1);
        char *p = realloc(t->p, cap);
        if (!p) {
            t->failed = 1;
            return;
        }
        t->p = p;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

/* A JSON string literal: quotes, backslashes and control characters escaped. */
void netc_json_add_string(netc_json_text *t, const char *s)
{
    netc_json_add(t, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            netc_json_add(t, "\\%c", c);
        else if (c < 0x20)
            netc_json_add(t, "\\u%04x", c);
        else
            netc_json_add(t, "%c", c);
    }
    netc_json_add(t, "\"");
}
