/* values.h - reading the values of settings: numbers, names from a list, calls.
 *
 * Each reader reports what is wrong with the value (where, what was expected, a hint)
 * and returns 0 on success, -1 after reporting.
 */
#ifndef NETC_VALUES_H
#define NETC_VALUES_H

#include "front/diag.h"
#include "front/syntax.h"

enum param_type { PARAM_NUMBER, PARAM_INTEGER, PARAM_COUNT, PARAM_BOOL };   /* INTEGER: 1 up; COUNT: 0 up */

struct param {
    const char *name;
    enum param_type type;
    int required;
    double fallback;            /* the default when not required and not given */
};

enum { MAX_PARAMS = 5 };

/* A name that may take arguments: sigmoid, leaky_relu(alpha), adam(beta1, beta2, epsilon). */
struct callee {
    const char *name;
    int nparams;
    struct param params[MAX_PARAMS];
};

/* what: how the value is called in messages ("activation", "optimizer", ...).
 * Resolves v against the table: returns the callee's index with args[] filled with
 * every parameter (given or default), or -1 after reporting. */
int value_call(struct diag *d, const struct value *v, const char *what,
               const struct callee *table, int ntable, double args[MAX_PARAMS]);

int value_number(struct diag *d, const struct value *v, const char *what, double *out);
/* A whole number in [min, max]. */
int value_integer(struct diag *d, const struct value *v, const char *what,
                  long long min, long long max, long long *out);
int value_string(struct diag *d, const struct value *v, const char *what, const char **out);
int value_bool(struct diag *d, const struct value *v, const char *what, int *out);
/* One of names[]: returns its index, or -1 after reporting (with "did you mean"). */
int value_choice(struct diag *d, const struct value *v, const char *what,
                 const char *const *names, int n);

/* "a number", "the name 'fast'", "a string" - what the user wrote, for messages. */
const char *value_describe(const struct value *v, char *buf, size_t size);

#endif
