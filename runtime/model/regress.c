/* regress.c - mean absolute error, RMSE and R² of a regression network's outputs. */
#include <math.h>
#include <stdlib.h>

#include "model/regress.h"

enum { ABS, SQUARE, SUM_Y, SUM_YY, PER_OUTPUT };

int netc_fit_sums_alloc(netc_fit_sums *f, int n_output, netc_error *err)
{
    f->n_output = n_output;
    f->size = 1 + PER_OUTPUT * (size_t)n_output;
    f->sums = calloc(f->size, sizeof *f->sums);
    return f->sums ? 0 : netc_fail(err, "out of memory for the regression figures");
}

void netc_fit_sums_free(netc_fit_sums *f)
{
    free(f->sums);
    f->sums = NULL;
}

void netc_fit_sums_add(netc_fit_sums *f, const float *out, const float *y, int n)
{
    int i, k;

    for (i = 0; i < n; i++) {
        for (k = 0; k < f->n_output; k++) {
            double *s = f->sums + 1 + PER_OUTPUT * k;
            double a = out[(size_t)i * f->n_output + k], t = y[(size_t)i * f->n_output + k];
            s[ABS] += fabs(a - t);
            s[SQUARE] += (a - t) * (a - t);
            s[SUM_Y] += t;
            s[SUM_YY] += t * t;
        }
    }
    f->sums[0] += n;
}

/* Output k's R²: 1 - (residual sum of squares) / (total sum of squares about the mean). */
static double r2_of(const double *s, double n)
{
    double total = s[SUM_YY] - s[SUM_Y] * s[SUM_Y] / n;

    if (!(total > 0))
        return s[SQUARE] == 0 ? 1.0 : 0.0;
    return 1.0 - s[SQUARE] / total;
}

void netc_fit_result(const netc_fit_sums *f, netc_fit *fit)
{
    double n = f->sums[0], abs_sum = 0, square_sum = 0, r2_sum = 0;
    int k;

    if (!(n > 0)) {
        fit->mae = fit->rmse = fit->r2 = NAN;
        return;
    }
    for (k = 0; k < f->n_output; k++) {
        const double *s = f->sums + 1 + PER_OUTPUT * k;
        abs_sum += s[ABS];
        square_sum += s[SQUARE];
        r2_sum += r2_of(s, n);
    }
    fit->mae = abs_sum / (n * f->n_output);
    fit->rmse = sqrt(square_sum / (n * f->n_output));
    fit->r2 = r2_sum / f->n_output;
}
