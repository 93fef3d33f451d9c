/* predict_output.c - predict's answers: a class by name or number, or the outputs; plain,
 * one sample a line, or CSV with the sample's 0-based index in INPUT as its id. */
#include "commands/predict_output.h"

#include <stdio.h>
#include <string.h>

#include "model/class_names.h"
#include "model/classify.h"

/* A CSV field: quoted (quotes doubled) when it holds a comma, a quote or edge blanks. */
static void put_field(const char *s)
{
    size_t n = strlen(s);

    if (!strpbrk(s, ",\"") && (n == 0 || (s[0] != ' ' && s[n - 1] != ' '))) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

/* The outputs themselves (--raw, and always a regression network's), not a class. */
static int shows_values(const netc_model *m, const netc_options *o)
{
    return o->raw || netc_is_regression(m);
}

void netc_predict_header(const netc_model *m, const netc_options *o)
{
    int k;

    if (!o->csv_output)
        return;
    if (!shows_values(m, o)) {
        printf("id,class\n");
        return;
    }
    printf("id");
    for (k = 0; k < m->n_output; k++) {
        putchar(',');
        if (m->n_class_names == m->n_output)
            put_field(m->class_names[k]);
        else if (m->n_output == 1)
            printf("output");
        else
            printf("output_%d", k);
    }
    putchar('\n');
}

static void put_class(const netc_model *m, const netc_options *o, const float *out)
{
    char number[16];
    const char *label = netc_class_label(m, netc_predicted_class(out, m->n_output), number,
                                         sizeof number);

    if (o->csv_output)
        put_field(label);
    else
        fputs(label, stdout);
}

void netc_predict_rows(const netc_model *m, const netc_options *o, const float *out,
                       int first, int n)
{
    const char *sep = o->csv_output ? "," : " ";
    int i, k;

    for (i = 0; i < n; i++, out += m->n_output) {
        if (o->csv_output)
            printf("%d,", first + i);
        if (!shows_values(m, o))
            put_class(m, o, out);
        for (k = 0; shows_values(m, o) && k < m->n_output; k++)
            printf("%s%.9g", k ? sep : "", out[k]);
        putchar('\n');
    }
}
