/* io/json.h - the JSON of safetensors headers: a strict reader of its tokens, each error
 * at a byte offset in the file, and a writer of its text (io/json.c says why our own). */
#ifndef NETC_IO_JSON_H
#define NETC_IO_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "io/error.h"

/* A position in JSON text.  The caller's grammar drives it token by token (nothing is
 * built or recursed into), so every message can say where and what was expected. */
typedef struct netc_json {
    const char *s;              /* the text: n bytes, not NUL-terminated */
    size_t n, pos;
    size_t base;                /* file offset of s[0], for messages */
    const char *path;
    netc_error *err;
    char found[32];             /* netc_json_found's words for a stray character */
} netc_json;

/* "PATH: byte OFFSET: MESSAGE" at the current position; returns -1. */
int netc_json_fail(netc_json *j, const char *fmt, ...) NETC_PRINTF(2, 3);
/* What is at the current position, for "expected X, found Y" ("a string", "'}'", "the
 * character 'x'", "byte 0xff"); valid until the next call. */
const char *netc_json_found(netc_json *j);
void netc_json_skip_ws(netc_json *j);
/* Consumes c (after blanks) or fails "expected WHAT, found ...". */
int netc_json_expect(netc_json *j, char c, const char *what);
/* Consumes c (after blanks) if it is next; returns 1 if it was. */
int netc_json_accept(netc_json *j, char c);
/* A string (after blanks) into a malloc'd, NUL-terminated copy: escapes decoded, surrogate
 * pairs joined; control characters, bad escapes, lone surrogates and \u0000 refused. */
int netc_json_string(netc_json *j, char **out, const char *what);
/* [n, n, ...]: at most max non-negative integers up to 2^53, digits only (no sign,
 * fraction, exponent or leading zero); WHAT names an element in messages. */
int netc_json_uint_array(netc_json *j, uint64_t *vals, int max, int *count, const char *what);

/* Offset of the first byte of s[0..n) that is not well-formed UTF-8 (overlong forms,
 * surrogates and code points past U+10FFFF included), or n. */
size_t netc_utf8_invalid_at(const unsigned char *s, size_t n);

/* JSON text being written; a failed allocation sets failed and stops adding. */
typedef struct netc_json_text {
    char *p;
    size_t len, cap;
    int failed;
} netc_json_text;

/* Appends printf-style text. */
void netc_json_add(netc_json_text *t, const char *fmt, ...) NETC_PRINTF(2, 3);
/* Appends s as a string literal: quotes, backslashes and control characters escaped. */
void netc_json_add_string(netc_json_text *t, const char *s);

#endif
