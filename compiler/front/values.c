/* values.c - reading numbers, names and calls out of settings, with precise errors. */
#include "front/values.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *value_describe(const struct value *v, char *buf, size_t size)
{
    switch (v->kind) {
    case VALUE_NUMBER: snprintf(buf, size, "the number %.40s", v->text); break;
    case VALUE_STRING: snprintf(buf, size, "a string"); break;
    case VALUE_NAME: snprintf(buf, size, "the name '%.40s'", v->text); break;
    case VALUE_CALL: snprintf(buf, size, "'%.40s(...)'", v->text); break;
    }
    return buf;
}

static int wrong_kind(struct diag *d, const struct value *v, const char *what, const char *wanted)
{
    char found[80];
    diag_error(d, v->loc, "%s must be %s, not %s", what, wanted, value_describe(v, found, sizeof found));
    return -1;
}

int value_number(struct diag *d, const struct value *v, const char *what, double *out)
{
    if (v->kind != VALUE_NUMBER)
        return wrong_kind(d, v, what, "a number");
    /* The generated C holds every number as a float: one that overflows or underflows it
     * would print as 'inff' (which does not compile) or silently become 0. */
    float f = (float)v->number;
    if (!isfinite(v->number) || isinf(f)) {
        diag_error(d, v->loc, "%s %.40s is too large: beyond float's range (about 3.4e38)",
                   what, v->text);
        return -1;
    }
    if (f == 0 && v->number != 0) {
        diag_error(d, v->loc, "%s %.40s is too small: it rounds to 0 as a float (whose "
                   "smallest is about 1.4e-45)", what, v->text);
        return -1;
    }
    *out = v->number;
    return 0;
}

int value_integer(struct diag *d, const struct value *v, const char *what,
                  long long min, long long max, long long *out)
{
    if (v->kind != VALUE_NUMBER)
        return wrong_kind(d, v, what, "a whole number");
    if (!v->is_integer) {
        diag_error(d, v->loc, "%s must be a whole number, not %.40s", what, v->text);
        return -1;
    }
    /* From the text, not the double, which cannot tell 2^53 + 1 from 2^53. */
    errno = 0;
    long long n = strtoll(v->text, NULL, 10);
    if (errno == ERANGE || n < min || n > max) {
        if (min == 1 && v->number < 1)
            diag_error(d, v->loc, "%s must be at least 1, not %.40s", what, v->text);
        else
            diag_error(d, v->loc, "%s must be between %lld and %lld, not %.40s", what, min, max, v->text);
        return -1;
    }
    *out = n;
    return 0;
}

int value_string(struct diag *d, const struct value *v, const char *what, const char **out)
{
    if (v->kind != VALUE_STRING) {
        wrong_kind(d, v, what, "a string in double quotes");
        if (v->kind == VALUE_NAME)
            diag_hint(d, "write \"%.60s\"", v->text);
        return -1;
    }
    if (v->text[0] == '\0') {
        diag_error(d, v->loc, "%s must not be empty", what);
        return -1;
    }
    *out = v->text;
    return 0;
}

static const char *const bool_names[] = { "false", "true" };

int value_bool(struct diag *d, const struct value *v, const char *what, int *out)
{
    for (int i = 0; v->kind == VALUE_NAME && i < 2; i++)
        if (strcmp(v->text, bool_names[i]) == 0) {
            *out = i;
            return 0;
        }
    return wrong_kind(d, v, what, "true or false");
}

/* "sigmoid, relu or tanh" (conj "or"), "a and b" (conj "and") */
static void join_names(const char *const *names, int n, const char *conj, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s%s%s", i == 0 ? "" : i == n - 1 ? " " : ", ",
                 i > 0 && i == n - 1 ? conj : "", i > 0 && i == n - 1 ? " " : "", names[i]);
    }
}

static int unknown_name(struct diag *d, const struct value *v, const char *what,
                        const char *const *names, int n)
{
    char all[400];
    diag_error(d, v->loc, "unknown %s '%.60s'", what, v->text);
    const char *best = diag_closest(v->text, names, n);
    join_names(names, n, "or", all, sizeof all);
    if (best)
        diag_hint(d, "did you mean '%s'?", best);
    else
        diag_hint(d, "expected %s", all);
    return -1;
}

/* v as one of names[]; a call `name(...)` is accepted only when calls is set. */
static int find_name(struct diag *d, const struct value *v, const char *what,
                     const char *const *names, int n, int calls)
{
    if (v->kind != VALUE_NAME && !(calls && v->kind == VALUE_CALL)) {
        char all[400];
        join_names(names, n, "or", all, sizeof all);
        wrong_kind(d, v, what, "a name");
        diag_hint(d, "expected %s", all);
        return -1;
    }
    for (int i = 0; i < n; i++)
        if (strcmp(v->text, names[i]) == 0)
            return i;
    return unknown_name(d, v, what, names, n);
}

int value_choice(struct diag *d, const struct value *v, const char *what,
                 const char *const *names, int n)
{
    return find_name(d, v, what, names, n, 0);
}

/* ---- calls: positional and named arguments against a parameter list ---- */

static int find_callee(struct diag *d, const struct value *v, const char *what,
                       const struct callee *table, int ntable)
{
    const char *names[32];
    for (int i = 0; i < ntable && i < 32; i++)
        names[i] = table[i].name;
    return find_name(d, v, what, names, ntable < 32 ? ntable : 32, 1);
}

static int find_param(const struct callee *f, const char *name)
{
    for (int p = 0; p < f->nparams; p++)
        if (strcmp(f->params[p].name, name) == 0)
            return p;
    return -1;
}

static int unknown_param(struct diag *d, const struct callee *f, const struct arg *a)
{
    const char *names[MAX_PARAMS];
    char all[200];
    for (int p = 0; p < f->nparams; p++)
        names[p] = f->params[p].name;
    diag_error(d, a->key_loc, "'%s' has no parameter '%.60s'", f->name, a->key);
    const char *best = diag_closest(a->key, names, f->nparams);
    join_names(names, f->nparams, "and", all, sizeof all);
    if (best)
        diag_hint(d, "did you mean '%s'?", best);
    else if (f->nparams > 0)
        diag_hint(d, "its parameters are %s", all);
    return -1;
}

static int read_arg(struct diag *d, const struct callee *f, const struct param *p,
                    const struct value *v, double *out)
{
    char what[128];
    snprintf(what, sizeof what, "%s's %s", f->name, p->name);
    long long n;
    int b;
    switch (p->type) {
    case PARAM_NUMBER:
        return value_number(d, v, what, out);
    case PARAM_INTEGER:
    case PARAM_COUNT:
        if (value_integer(d, v, what, p->type == PARAM_COUNT ? 0 : 1, 1000000000, &n) < 0)
            return -1;
        *out = (double)n;
        return 0;
    case PARAM_BOOL:
        if (value_bool(d, v, what, &b) < 0)
            return -1;
        *out = b;
        return 0;
    }
    return -1;
}

static void too_many_args(struct diag *d, const struct callee *f, const struct arg *a)
{
    if (f->nparams == 0) {
        diag_error(d, a->value.loc, "'%s' takes no arguments", f->name);
        diag_hint(d, "write just '%s'", f->name);
        return;
    }
    const char *names[MAX_PARAMS];
    char all[200];
    for (int p = 0; p < f->nparams; p++)
        names[p] = f->params[p].name;
    join_names(names, f->nparams, "and", all, sizeof all);
    diag_error(d, a->value.loc, "too many arguments for '%s': it takes %d", f->name, f->nparams);
    diag_hint(d, "its parameters are %s, in that order", all);
}

/* Place each argument on its parameter: positional in order, then named ones. */
static int bind_args(struct diag *d, const struct value *v, const struct callee *f,
                     double args[MAX_PARAMS], int given[MAX_PARAMS])
{
    int position = 0, failed = 0;
    for (const struct arg *a = v->args; a; a = a->next) {
        int p = a->key ? find_param(f, a->key) : position++;
        if (a->key && p < 0) {
            failed |= unknown_param(d, f, a);
            continue;
        }
        if (p >= f->nparams) {
            too_many_args(d, f, a);
            return -1;
        }
        if (given[p]) {
            diag_error(d, a->key ? a->key_loc : a->value.loc, "'%s' is given twice to '%s'",
                       f->params[p].name, f->name);
            failed = -1;
            continue;
        }
        given[p] = 1;
        failed |= read_arg(d, f, &f->params[p], &a->value, &args[p]);
    }
    return failed ? -1 : 0;
}

int value_call(struct diag *d, const struct value *v, const char *what,
               const struct callee *table, int ntable, double args[MAX_PARAMS])
{
    int i = find_callee(d, v, what, table, ntable);
    if (i < 0)
        return -1;
    const struct callee *f = &table[i];
    int given[MAX_PARAMS] = { 0 };
    if (v->kind == VALUE_CALL && bind_args(d, v, f, args, given) < 0)
        return -1;
    for (int p = 0; p < f->nparams; p++) {
        if (given[p])
            continue;
        if (f->params[p].required) {
            diag_error(d, v->loc, "'%s' needs its '%s'", f->name, f->params[p].name);
            char example[200] = "";
            for (int q = 0; q < f->nparams; q++) {
                size_t used = strlen(example);
                snprintf(example + used, sizeof example - used, "%s%s = ...", q ? ", " : "", f->params[q].name);
            }
            diag_hint(d, "write %s(%s)", f->name, example);
            return -1;
        }
        args[p] = f->params[p].fallback;
    }
    return i;
}
