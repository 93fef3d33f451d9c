/* diag.c - one printer for every message netc writes about a .net file. */
#include "front/diag.h"

#include <stdarg.h>
#include <string.h>

/* Lines longer than this are shown as a window around the span. */
enum { QUOTE_WIDTH = 120 };

void diag_init(struct diag *d, const char *path, const char *src, size_t len, FILE *out)
{
    memset(d, 0, sizeof *d);
    d->path = path;
    d->src = src;
    d->len = len;
    d->out = out;
}

int diag_too_many(const struct diag *d)
{
    return d->errors >= DIAG_MAX_ERRORS;
}

/* Start and length of 1-based line `line` in the source (without its end of line). */
static int find_line(const struct diag *d, int line, size_t *start, size_t *len)
{
    size_t pos = 0;
    for (int l = 1; l < line; l++) {
        const char *nl = memchr(d->src + pos, '\n', d->len - pos);
        if (!nl)
            return 0;
        pos = (size_t)(nl - d->src) + 1;
    }
    if (pos > d->len)
        return 0;
    const char *nl = memchr(d->src + pos, '\n', d->len - pos);
    size_t end = nl ? (size_t)(nl - d->src) : d->len;
    if (end > pos && d->src[end - 1] == '\r')
        end--;
    *start = pos;
    *len = end - pos;
    return 1;
}

/* The quoted byte as shown: tabs kept (so the caret lines up), other controls as '?'. */
static int shown(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c < 0x7f) || c >= 0x80 ? c : '?';
}

static void quote_source(const struct diag *d, struct loc loc)
{
    size_t start, len;
    if (!d->src || loc.first_line < 1 || !find_line(d, loc.first_line, &start, &len))
        return;
    const char *text = d->src + start;
    size_t col = loc.first_column > 0 ? (size_t)loc.first_column - 1 : 0;
    if (col > len)
        col = len;
    size_t span = 1;
    if (loc.last_line == loc.first_line && loc.last_column >= loc.first_column)
        span = (size_t)(loc.last_column - loc.first_column) + 1;
    if (col + span > len)
        span = len > col ? len - col : 1;

    /* A very long line: show a window that starts shortly before the span. */
    size_t from = col > QUOTE_WIDTH / 2 ? col - QUOTE_WIDTH / 2 : 0;
    size_t to = from + QUOTE_WIDTH < len ? from + QUOTE_WIDTH : len;
    if (span > QUOTE_WIDTH / 2)
        span = QUOTE_WIDTH / 2;
    const char *lead = from > 0 ? "..." : "";

    fprintf(d->out, "%5d | %s", loc.first_line, lead);
    for (size_t i = from; i < to; i++)
        fputc(shown((unsigned char)text[i]), d->out);
    fprintf(d->out, "%s\n      | %*s", to < len ? "..." : "", (int)strlen(lead), "");
    for (size_t i = from; i < col; i++)
        fputc(text[i] == '\t' ? '\t' : ' ', d->out);
    fputc('^', d->out);
    for (size_t i = 1; i < span; i++)
        fputc('~', d->out);
    fputc('\n', d->out);
}

static void report(struct diag *d, struct loc loc, const char *kind, const char *fmt, va_list ap)
{
    fprintf(d->out, "%s:%d:%d: %s: ", d->path, loc.first_line, loc.first_column, kind);
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
    quote_source(d, loc);
}

/* Past DIAG_MAX_ERRORS errors, say so once and print nothing more (the count goes on). */
static int muted(struct diag *d)
{
    if (d->errors == DIAG_MAX_ERRORS)
        fprintf(d->out, "%s: note: too many errors; the rest are not shown\n", d->path);
    d->muted = d->errors >= DIAG_MAX_ERRORS;
    return d->muted;
}

void diag_error(struct diag *d, struct loc loc, const char *fmt, ...)
{
    if (!muted(d)) {
        va_list ap;
        va_start(ap, fmt);
        report(d, loc, "error", fmt, ap);
        va_end(ap);
    }
    d->errors++;
}

void diag_warning(struct diag *d, struct loc loc, const char *fmt, ...)
{
    if (!muted(d)) {
        va_list ap;
        va_start(ap, fmt);
        report(d, loc, d->warnings_are_errors ? "error" : "warning", fmt, ap);
        va_end(ap);
    }
    if (d->warnings_are_errors)
        d->errors++;
    else
        d->warnings++;
}

void diag_note(struct diag *d, struct loc loc, const char *fmt, ...)
{
    if (d->muted)
        return;
    va_list ap;
    va_start(ap, fmt);
    report(d, loc, "note", fmt, ap);
    va_end(ap);
}

void diag_hint(struct diag *d, const char *fmt, ...)
{
    if (d->muted)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("hint: ", d->out);
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
    va_end(ap);
}

void diag_file_error(struct diag *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(d->out, "%s: error: ", d->path);
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
    va_end(ap);
    d->errors++;
}

/* Levenshtein distance, capped: words longer than 63 bytes never match. */
static int edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    int row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best)
                best = row[j] + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *diag_closest(const char *word, const char *const *candidates, int n)
{
    const char *best = NULL;
    int best_distance = 3;      /* at most two edits ... */
    int limit = (int)strlen(word) / 2;   /* ... and fewer than half the word */
    for (int i = 0; i < n; i++) {
        int dist = edit_distance(word, candidates[i]);
        if (dist < best_distance && dist <= limit) {
            best = candidates[i];
            best_distance = dist;
        }
    }
    return best;
}
