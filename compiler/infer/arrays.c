/* arrays.c - the export's constant arrays of floats, for infer.c (the float weights, the
 * self-test) and int8.c (scales and biases) alike. */
#include "infer/infer_internal.h"
#include "infer/weights.h"

#include <stdio.h>

void infer_float_array(const struct emit *e, const char *name, const char *size,
                       const float *v, long long n)
{
    struct printer *p = e->p;
    char line[8 * (LIT_MAX + 2)], lit[LIT_MAX];
    pr_line(p, "static const float %s[%s] = {", name, size);
    for (long long i = 0; i < n; i += 8) {
        size_t k = 0;
        for (long long j = i; j < n && j < i + 8; j++)
            k += (size_t)snprintf(line + k, sizeof line - k, "%s%s,", j > i ? " " : "",
                                  lit_float(lit, v[j]));
        pr_line(p, "    %s", line);
    }
    pr_line(p, "};");
}

void infer_input_scaling(const struct emit *e)
{
    const struct export_weights *w = e->weights;
    char n_input[NETC_MAX_NAME + 16], offset[NETC_MAX_NAME + 16], range[NETC_MAX_NAME + 16];
    if (!w->n_scale)
        return;
    snprintf(n_input, sizeof n_input, "%s_N_INPUT", e->up);
    snprintf(offset, sizeof offset, "%s_in_offset", e->name);
    snprintf(range, sizeof range, "%s_in_range", e->name);
    pr_line(e->p, "/* Input scaling (%s from the training set): x' = (x - offset) / range. */",
            w->scale == SCALE_UNIT ? "min/max" : "mean/std");
    infer_float_array(e, offset, n_input, w->scale_offset, w->n_scale);
    infer_float_array(e, range, n_input, w->scale_range, w->n_scale);
}
