/* csv.c - numeric CSV files: one sample per row, comma-separated numbers.
 *
 * Optional header row, CRLF line ends, blank lines skipped, one optional label
 * column (first, last or by index) -- or, for a regression network, that many columns of
 * real-valued targets.  Errors point at FILE:LINE:COLUMN. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/atomic.h"
#include "io/csv.h"

#define CSV_MAX_FILE ((size_t)1 << 34)
#define CSV_MAX_FIELD 64

typedef struct csv_line {
    const char *text;
    size_t len;                 /* without the line end (\n or \r\n) */
    int number;                 /* 1-based */
} csv_line;

typedef struct csv_reader {
    const char *path;
    const char *buf;
    size_t size, pos;
    int line;                   /* lines consumed so far */
} csv_reader;

/* Next line that is not blank; 0 at the end of the file. */
static int next_line(csv_reader *r, csv_line *out)
{
    while (r->pos < r->size) {
        const char *start = r->buf + r->pos;
        const char *nl = memchr(start, '\n', r->size - r->pos);
        size_t len = nl ? (size_t)(nl - start) : r->size - r->pos;

        r->pos += len + (nl != NULL);
        r->line++;
        if (len > 0 && start[len - 1] == '\r')
            len--;
        if (strspn(start, " \t") >= len)
            continue;
        out->text = start;
        out->len = len;
        out->number = r->line;
        return 1;
    }
    return 0;
}

static int count_fields(const csv_line *l)
{
    int n = 1;
    size_t i;

    for (i = 0; i < l->len; i++)
        n += l->text[i] == ',';
    return n;
}

/* The field starting at *pos: trims blanks, returns its text and 1-based column. */
static void field_at(const csv_line *l, size_t *pos, const char **text, size_t *len, int *col)
{
    size_t i = *pos, end;

    while (i < l->len && (l->text[i] == ' ' || l->text[i] == '\t'))
        i++;
    end = i;
    while (end < l->len && l->text[end] != ',')
        end++;
    *text = l->text + i;
    *col = (int)i + 1;
    *pos = end + 1;
    while (end > i && (l->text[end - 1] == ' ' || l->text[end - 1] == '\t'))
        end--;
    *len = end - i;
}

/* The field's text as an error message shows it: control characters and a byte order
 * mark (U+FEFF, bytes EF BB BF: a spreadsheet's export marker, invisible in an editor)
 * written as \xHH escapes; other bytes as they are.  Returns whether it escaped any. */
static int visible_text(const char *text, size_t len, char *out, size_t size)
{
    static const char bom[] = "\xEF\xBB\xBF";
    size_t i = 0, n = 0;
    int escaped = 0;

    while (i < len && n + 13 < size) {
        unsigned char c = (unsigned char)text[i];
        if (len - i >= 3 && memcmp(text + i, bom, 3) == 0) {
            n += (size_t)snprintf(out + n, size - n, "\\xef\\xbb\\xbf");
            i += 3;
            escaped = 1;
        } else if (c < 0x20 || c == 0x7f) {
            n += (size_t)snprintf(out + n, size - n, "\\x%02x", c);
            i++;
            escaped = 1;
        } else {
            out[n++] = (char)c;
            i++;
        }
    }
    out[n] = 0;
    return escaped;
}

/* Fails with "expected WHAT, found '...'", the field's text made visible; a field longer
 * than a message shows is cut, its length given. */
static void fail_not_a_number(const char *path, int line, int col, const char *what,
                              const char *text, size_t len, netc_error *err)
{
    char shown[4 * 40 + 16], length[48] = "";
    size_t cut = len > 40 ? 40 : len;
    int escaped = visible_text(text, cut, shown, sizeof shown);

    if (cut < len)
        snprintf(length, sizeof length, " (%zu characters)", len);
    netc_fail(err, "%s:%d:%d: expected %s, found '%s%s'%s%s", path, line, col, what, shown,
              cut < len ? "..." : "", length,
              escaped ? "\nhint: the field holds invisible characters (shown as \\xHH "
                        "escapes: a byte order mark, control characters); remove them" : "");
}

/* How a field or row was refused: the first row's hint depends on it. */
enum csv_fault { CSV_OK, CSV_BAD, CSV_NOT_A_NUMBER };

/* Parses one numeric field; fails naming the place and the text found. */
static enum csv_fault parse_number(const char *path, int line, int col, const char *text,
                                   size_t len, double *value, netc_error *err)
{
    char tmp[CSV_MAX_FIELD];
    char *end;

    if (len == 0) {
        netc_fail(err, "%s:%d:%d: empty field, expected a number", path, line, col);
        return CSV_BAD;
    }
    if (len >= sizeof tmp) {
        fail_not_a_number(path, line, col, "a number", text, len, err);
        return CSV_NOT_A_NUMBER;
    }
    if (memchr(text, '\0', len)) {
        netc_fail(err, "%s:%d:%d: a NUL byte in a number\nhint: is this a text file?", path,
                  line, col + (int)((const char *)memchr(text, '\0', len) - text));
        return CSV_BAD;
    }
    memcpy(tmp, text, len);
    tmp[len] = 0;
    errno = 0;
    *value = strtod(tmp, &end);
    if (end == tmp || *end != 0) {
        fail_not_a_number(path, line, col, "a number", text, len, err);
        return CSV_NOT_A_NUMBER;
    }
    if (!isfinite(*value)) {
        netc_fail(err, "%s:%d:%d: found '%s': NaN and infinite values are not allowed"
                  "\nhint: fill in or drop the missing values before training",
                  path, line, col, tmp);
        return CSV_BAD;
    }
    if (strspn(tmp, "0123456789+-.eE") != len) {   /* strtod also reads 0x1p3 */
        fail_not_a_number(path, line, col, "a decimal number", text, len, err);
        return CSV_NOT_A_NUMBER;
    }
    if (isinf((float)*value)) {
        netc_fail(err, "%s:%d:%d: %s is beyond float's range (about 3.4e38)", path, line, col,
                  tmp);
        return CSV_BAD;
    }
    return CSV_OK;
}

static enum csv_fault parse_label(const char *path, int line, int col, const char *text,
                                  size_t len, const netc_model *model, int *label,
                                  netc_error *err)
{
    double v;
    enum csv_fault fault = parse_number(path, line, col, text, len, &v, err);
    char why[96];
    int limit = model ? netc_dataset_label_limit(model, why, sizeof why) : 0;

    if (fault != CSV_OK)
        return fault;
    if (v < 0 || v > INT_MAX || v != floor(v)) {
        netc_fail(err, "%s:%d:%d: label '%.*s' is not a class number (an integer >= 0)",
                  path, line, col, (int)len, text);
        return CSV_BAD;
    }
    if (limit > 0 && v >= limit) {
        netc_fail(err, "%s:%d:%d: label %.0f is out of range: %s (labels 0 to %d)", path, line,
                  col, v, why, limit - 1);
        return CSV_BAD;
    }
    *label = (int)v;
    return CSV_OK;
}

/* A short hint for the first row's errors: header rows and semicolons are common. */
static int first_row_hint(netc_error *err, const csv_line *l, enum csv_fault fault,
                          const netc_csv_options *opt)
{
    size_t used = strlen(err->msg);

    if (memchr(l->text, ';', l->len) || memchr(l->text, '\t', l->len))
        snprintf(err->msg + used, sizeof err->msg - used,
                 "\nhint: fields must be separated by commas");
    else if (fault == CSV_NOT_A_NUMBER)
        snprintf(err->msg + used, sizeof err->msg - used,
                 "\nhint: if the first line is a header, %s",
                 opt->header_hint ? opt->header_hint : "pass --header");
    return -1;
}

/* 1-based column of field number `fields` (the first extra one), or past the end. */
static int extra_field_column(const csv_line *l, int fields)
{
    size_t i;
    int commas = 0;

    for (i = 0; i < l->len; i++)
        if (l->text[i] == ',' && ++commas == fields)
            return (int)i + 2;
    return (int)l->len + 1;
}

/* Where a row's label is: columns [first, first + width); real: real-valued targets. */
typedef struct csv_label_span {
    int first, width, real;
} csv_label_span;

/* Parses one row into x (features) and *label, or target (span->real). */
static enum csv_fault parse_row(const csv_reader *r, const csv_line *l, int fields,
                                const csv_label_span *span, const netc_model *labels_for,
                                float *x, int *label, float *target, netc_error *err)
{
    size_t pos = 0;
    int f, n_found = count_fields(l);

    if (n_found != fields) {
        netc_fail(err, "%s:%d:%d: row has %d fields, expected %d like the first row",
                  r->path, l->number, extra_field_column(l, fields), n_found, fields);
        return CSV_BAD;
    }
    for (f = 0; f < fields; f++) {
        const char *text;
        size_t len;
        int col;
        double v;
        enum csv_fault fault;

        int in_label = f >= span->first && f < span->first + span->width;

        field_at(l, &pos, &text, &len, &col);
        if (in_label && !span->real) {
            fault = parse_label(r->path, l->number, col, text, len, labels_for, label, err);
            if (fault != CSV_OK)
                return fault;
            continue;
        }
        fault = parse_number(r->path, l->number, col, text, len, &v, err);
        if (fault != CSV_OK)
            return fault;
        if (in_label)
            *target++ = (float)v;
        else
            *x++ = (float)v;
    }
    return CSV_OK;
}

/* Targets' columns "3" or "3 to 5" (0-based), for messages. */
static const char *span_text(const csv_label_span *span, char *buf, size_t size)
{
    if (span->width == 1)
        snprintf(buf, size, "column %d", span->first);
    else
        snprintf(buf, size, "columns %d to %d", span->first, span->first + span->width - 1);
    return buf;
}

/* Which columns hold the label (width 0: none), checked against the row width. */
static int label_columns(const char *path, const csv_line *first, int fields,
                         const netc_csv_options *opt, csv_label_span *span, netc_error *err)
{
    char where[64];

    span->real = opt->n_target > 0;
    span->width = !opt->has_label ? 0 : span->real ? opt->n_target : 1;
    span->first = -1;
    if (!span->width)
        return 0;
    if (fields < span->width + 1 && span->width == 1)
        return netc_fail(err, "%s:%d:1: rows have %d field, expected a label and at least "
                         "one feature\nhint: fields must be separated by commas", path,
                         first->number, fields);
    if (fields < span->width + 1)
        return netc_fail(err, "%s:%d:1: rows have %d fields, expected %d targets (one per "
                         "output) and at least one feature", path, first->number, fields,
                         span->width);
    switch (opt->label_column) {
    case NETC_LABEL_FIRST: span->first = 0; break;
    case NETC_LABEL_LAST: span->first = fields - span->width; break;
    case NETC_LABEL_INDEX: span->first = opt->label_index; break;
    }
    if (span->first < 0 || span->first + span->width > fields)
        return netc_fail(err, "%s:%d:1: label %s (0-based) but rows have only %d fields",
                         path, first->number, span_text(span, where, sizeof where), fields);
    return 0;
}

/* Counts the data rows after the current position. */
static int count_rows(csv_reader r)
{
    csv_line l;
    int n = 0;

    while (next_line(&r, &l))
        n++;
    return n;
}

static int read_rows(csv_reader *r, netc_dataset *ds, const netc_csv_options *opt,
                     netc_error *err)
{
    csv_line first, l;
    csv_label_span span;
    int fields, i;

    if (!next_line(r, &first))
        return netc_fail(err, "%s:1:1: the file is empty, expected rows of numbers", r->path);
    fields = count_fields(&first);
    if (opt->header && !next_line(r, &l))
        return netc_fail(err, "%s:%d:1: only a header row, expected rows of numbers after it",
                         r->path, first.number + 1);
    if (!opt->header)
        l = first;
    if (label_columns(r->path, &first, fields, opt, &span, err) < 0)
        return -1;
    ds->n = 1 + count_rows(*r);
    ds->n_input = fields - span.width;
    ds->rank = 1;
    ds->shape[0] = ds->n_input;
    if (netc_check_memory((double)ds->n * ds->n_input * sizeof *ds->x, err, "%s: %d rows x %d "
                          "features x %zu bytes", r->path, ds->n, ds->n_input, sizeof *ds->x) < 0)
        return -1;
    ds->x = netc_alloc((size_t)ds->n * (size_t)ds->n_input, sizeof *ds->x, r->path, err);
    if (span.real) {
        ds->n_target = span.width;
        ds->targets = netc_alloc((size_t)ds->n * (size_t)span.width, sizeof *ds->targets,
                                 r->path, err);
    } else if (span.width) {
        ds->labels = netc_alloc((size_t)ds->n, sizeof *ds->labels, r->path, err);
    }
    if (!ds->x || (span.width && !ds->labels && !ds->targets))
        return -1;
    for (i = 0; i < ds->n; i++) {
        enum csv_fault fault;

        if (i > 0)
            next_line(r, &l);
        fault = parse_row(r, &l, fields, &span, opt->labels_for,
                          ds->x + (size_t)i * ds->n_input, ds->labels ? ds->labels + i : NULL,
                          ds->targets ? ds->targets + (size_t)i * span.width : NULL, err);
        if (fault != CSV_OK)
            return l.number == first.number ? first_row_hint(err, &l, fault, opt) : -1;
    }
    return 0;
}

/* A carriage return not ending a line (CR-only line ends, or one inside a field) would
 * be printed raw in a message, mangling it: refused first, at its line:column. */
static int check_bare_cr(const csv_reader *r, netc_error *err)
{
    const char *p = r->buf + r->pos, *end = r->buf + r->size, *line_start = p;
    int line = 1;

    for (; p < end; p++) {
        if (*p == '\n') {
            line++;
            line_start = p + 1;
        } else if (*p == '\r' && (p + 1 == end || p[1] != '\n')) {
            return netc_fail(err, "%s:%d:%d: a carriage return (\\r) that does not end a line"
                             "\nhint: lines must end in \\n or \\r\\n; for a file with old "
                             "Mac (\\r only) line ends: tr '\\r' '\\n' < %s > fixed.csv",
                             r->path, line, (int)(p - line_start) + 1, r->path);
        }
    }
    return 0;
}

int netc_dataset_load_csv(netc_dataset *ds, const char *path, const netc_csv_options *opt,
                          netc_error *err)
{
    unsigned char *buf;
    csv_reader r;
    int rc;

    memset(ds, 0, sizeof *ds);
    if (netc_read_file(path, CSV_MAX_FILE, &buf, &r.size, err) < 0)
        return -1;
    r.path = path;
    r.buf = (const char *)buf;
    /* A UTF-8 byte order mark (spreadsheets write one) is not part of the first field. */
    r.pos = r.size >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    r.line = 0;
    ds->source = strdup(path);
    ds->label_source = strdup(path);
    rc = check_bare_cr(&r, err);
    if (rc == 0)
        rc = read_rows(&r, ds, opt, err);
    free(buf);
    if (rc == 0 && (!ds->source || !ds->label_source))
        rc = netc_fail(err, "%s: out of memory", path);
    if (rc < 0)
        netc_dataset_free(ds);
    return rc;
}
