/* classes.c - the `classes { ... }` statement: a name for each class the network predicts,
 * in the order of its outputs, checked and copied into the network. */
#include "check/classes.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_CLASS_NAME = 255 };      /* bytes */

/* The classes a network with this many outputs predicts: one per output, or 0 and 1 for a
 * single output (below 0.5, at least 0.5). */
static int classes_predicted(int outputs)
{
    return outputs == 1 ? 2 : outputs;
}

static int count_names(const struct arg *names)
{
    int n = 0;
    for (; names; names = names->next)
        n++;
    return n;
}

/* A name printed in a table, a CSV row or a C string: not empty, one line, no tab. */
static int check_name(struct diag *d, const struct value *v)
{
    if (v->kind != VALUE_STRING)    /* a bare name or number: reported by the parser */
        return -1;
    if (!v->text[0]) {
        diag_error(d, v->loc, "empty class name");
        diag_hint(d, "every class needs a name that says what it is, e.g. \"T-shirt\"");
        return -1;
    }
    if (strlen(v->text) > MAX_CLASS_NAME) {
        diag_error(d, v->loc, "class name too long: %zu bytes, at most %d", strlen(v->text),
                   MAX_CLASS_NAME);
        diag_hint(d, "names head the columns of eval's table and predict's CSV; shorten it");
        return -1;
    }
    if (strpbrk(v->text, "\n\r\t")) {
        diag_error(d, v->loc, "a class name holds a line end or a tab");
        diag_hint(d, "names are printed in tables and CSV rows: keep each on one line, "
                     "separating words with spaces");
        return -1;
    }
    return 0;
}

static int check_unique(struct diag *d, const struct arg *names, const struct arg *name)
{
    for (const struct arg *a = names; a != name; a = a->next)
        if (a->value.kind == VALUE_STRING && strcmp(a->value.text, name->value.text) == 0) {
            diag_error(d, name->value.loc, "class name \"%s\" given twice", name->value.text);
            diag_note(d, a->value.loc, "first given here");
            return -1;
        }
    return 0;
}

/* As many names as classes: too many is pointed at the first extra name, too few at the
 * keyword. */
static int check_count(struct diag *d, const struct statement *s, int given, int outputs)
{
    int wanted = classes_predicted(outputs);
    const struct arg *extra = s->classes;

    if (given == wanted)
        return 0;
    if (given == 0) {
        diag_error(d, s->loc, "'classes' lists no names");
        diag_hint(d, "write one name per class in quotes, e.g. classes { \"cat\" \"dog\" }");
        return -1;
    }
    for (int i = 0; extra && i < wanted; i++)
        extra = extra->next;
    diag_error(d, extra ? extra->value.loc : s->loc, "%d class names for %d classes", given, wanted);
    if (outputs == 1)
        diag_hint(d, "a single output predicts class 0 (below 0.5) or class 1: give two names, "
                     "class 0's first");
    else
        diag_hint(d, "the output layer has %d outputs: give one name per output, in order", outputs);
    return -1;
}

static void copy_names(const struct arg *names, int count, struct network *net)
{
    net->class_names = calloc((size_t)count, sizeof *net->class_names);
    if (!net->class_names)
        return;
    for (int i = 0; names; names = names->next, i++)
        if (!(net->class_names[i] = strdup(names->value.text)))
            return;
    net->nclasses = count;
}

void check_classes(struct diag *d, const struct statement *s, int outputs_known, struct network *net)
{
    int given = count_names(s->classes), bad = 0;

    for (const struct arg *a = s->classes; a; a = a->next)
        bad |= check_name(d, &a->value) < 0 || check_unique(d, s->classes, a) < 0;
    if (outputs_known && net->nlayers > 0)
        bad |= check_count(d, s, given, net->layers[net->nlayers - 1].out) < 0;
    if (!bad && given > 0)
        copy_names(s->classes, given, net);
}
