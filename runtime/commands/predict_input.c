/* predict_input.c - predict's CSV INPUT as the user has it: a header row or not (the data
 * block's setting checked against the file), a label column or not (by its width). */
#include "commands/predict_input.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LINE_MAX_READ = 1 << 16 };   /* enough of a line to count and judge its fields */

typedef struct csv_peek {
    int fields;                     /* comma-separated fields of the line */
    int numbers;                    /* every field is a number */
    char first_text[48];            /* the first field that is not a number */
} csv_peek;

/* The next line that is not blank (the CSV reader skips blank lines); 0 at the end. */
static int next_line(FILE *f, char *buf, size_t size)
{
    while (fgets(buf, (int)size, f)) {
        size_t n = strlen(buf);
        if (n > 0 && buf[n - 1] != '\n' && !feof(f)) {      /* longer: skip the rest */
            int c;
            while ((c = fgetc(f)) != EOF && c != '\n')
                ;
        }
        buf[strcspn(buf, "\r\n")] = '\0';
        if (buf[strspn(buf, " \t")])
            return 1;
    }
    return 0;
}

static int is_number(const char *field, size_t len)
{
    char text[64], *end;

    while (len > 0 && (*field == ' ' || *field == '\t'))
        field++, len--;
    while (len > 0 && (field[len - 1] == ' ' || field[len - 1] == '\t'))
        len--;
    if (len == 0 || len >= sizeof text)
        return len != 0;            /* a very long field: judged a number (digits) */
    memcpy(text, field, len);
    text[len] = '\0';
    strtod(text, &end);
    return *end == '\0';
}

static void peek(const char *line, csv_peek *p)
{
    const char *field = line;

    memset(p, 0, sizeof *p);
    p->numbers = 1;
    for (;;) {
        size_t len = strcspn(field, ",");
        p->fields++;
        if (p->numbers && !is_number(field, len)) {
            p->numbers = 0;
            snprintf(p->first_text, sizeof p->first_text, "%.*s", len > 40 ? 40 : (int)len, field);
        }
        if (!field[len])
            break;
        field += len + 1;
    }
}

static const char *label_text(const netc_csv_options *csv, char *buf, size_t size)
{
    if (csv->label_column == NETC_LABEL_FIRST)
        return "the first";
    if (csv->label_column == NETC_LABEL_LAST)
        return "the last";
    snprintf(buf, size, "column %d (0-based)", csv->label_index);
    return buf;
}

/* Rows one field wider than the network's inputs hold a label; others must be as wide. */
static int judge_width(const netc_model *m, const netc_options *o, const csv_peek *row,
                       netc_csv_options *csv, netc_error *err)
{
    char where[48];

    csv->has_label = o->label_given;
    if (o->label_given || row->fields == m->n_input)
        return 0;
    if (csv->n_target > 1 && row->fields == m->n_input + csv->n_target) {  /* regression's */
        csv->has_label = 1;
        fprintf(stderr, "%s: note: %s has %d columns, %d more than the network's %d inputs: "
                "its %d target columns (label_column: %s) are left out\n", m->name, o->input,
                row->fields, csv->n_target, m->n_input, csv->n_target,
                label_text(csv, where, sizeof where));
        return 0;
    }
    if (row->fields == m->n_input + 1) {
        csv->has_label = 1;
        fprintf(stderr, "%s: note: %s has %d columns, one more than the network's %d input%s: "
                "%s column (label_column) is taken as the label and left out\n", m->name,
                o->input, row->fields, m->n_input, m->n_input == 1 ? "" : "s",
                label_text(csv, where, sizeof where));
        return 0;
    }
    return netc_fail(err, "%s: rows have %d fields; network '%s' takes %d features (%d with a "
                     "label column, which predict leaves out)\nhint: fields must be separated "
                     "by commas", o->input, row->fields, m->name, m->n_input, m->n_input + 1);
}

int netc_predict_csv_layout(const netc_model *m, const netc_options *o, netc_csv_options *csv,
                            netc_error *err)
{
    FILE *f = netc_open_regular(o->input, NULL);    /* a FIFO would block fopen for ever */
    char *line = malloc(LINE_MAX_READ);
    csv_peek first, second;
    int lines = 0, rc;

    *csv = o->csv;
    if (!f || !line) {              /* the CSV reader says why */
        free(line);
        if (f)
            fclose(f);
        csv->has_label = o->label_given;
        return 0;
    }
    if (next_line(f, line, LINE_MAX_READ) && ++lines)
        peek(line, &first);
    if (next_line(f, line, LINE_MAX_READ) && ++lines)
        peek(line, &second);
    fclose(f);
    free(line);
    if (lines == 0) {
        csv->has_label = o->label_given;
        return 0;
    }
    if (csv->header && !o->header_given && first.numbers)
        return netc_fail(err, "%s: line 1 is a row of numbers, not a header, but network '%s' "
                         "reads its CSV files with a header row (`header true` in its data "
                         "block): that sample would be left out and every prediction after it "
                         "would stand one line above its input\nhint: pass --no-header to "
                         "predict every line (or --header if line 1 is a header after all)",
                         o->input, m->name);
    if (csv->header && lines < 2) {
        csv->has_label = o->label_given;
        return 0;                   /* the CSV reader: "only a header row" */
    }
    rc = judge_width(m, o, csv->header ? &second : &first, csv, err);
    return rc;
}
