/* class_report.c - per-class precision, recall and F1 from a confusion matrix, laid out
 * as scikit-learn's classification_report with digits=4. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/class_names.h"
#include "model/classify.h"
#include "train/batch.h"
#include "train/class_report.h"

int netc_confusion_count(netc_engine *e, const netc_comm *comm, const netc_dataset *ds,
                         double *counts, netc_error *err)
{
    const netc_model *m = e->m;
    int K = netc_class_count(m), lo, hi, i, k;
    float *out = malloc((size_t)m->batch * (size_t)m->n_output * sizeof *out);

    if (!out)
        return netc_fail(err, "out of memory for the outputs");
    memset(counts, 0, (size_t)K * K * sizeof *counts);
    netc_rank_share(ds->n, comm, &lo, &hi);
    for (i = lo; i < hi; i += m->batch) {
        int n = hi - i < m->batch ? hi - i : m->batch;
        netc_engine_forward(e, ds->x + (size_t)i * m->n_input, out, n);
        for (k = 0; k < n; k++) {
            int t = ds->labels[i + k], p = netc_predicted_class(out + (size_t)k * m->n_output,
                                                                m->n_output);
            if (t >= 0 && t < K)
                counts[(size_t)t * K + p] += 1;
        }
    }
    free(out);
    if (comm)
        comm->sum_doubles(comm, counts, K * K);
    return 0;
}

/* Right-aligned in width characters (names may be UTF-8). */
static void put_right(FILE *out, const char *s, int width)
{
    int pad = width - netc_text_width(s);

    fprintf(out, "%*s%s", pad > 0 ? pad : 0, "", s);
}

static void put_row(FILE *out, const char *name, int width, double p, double r, double f,
                    double support)
{
    put_right(out, name, width);
    fprintf(out, "  %9.4f %9.4f %9.4f %9.0f\n", p, r, f, support);
}

static double ratio(double a, double b)
{
    return b > 0 ? a / b : 0;
}

void netc_class_report_print(const netc_model *m, const double *counts, FILE *out)
{
    int K = netc_class_count(m), width = 12, t, p;     /* 12: "weighted avg" */
    double macro[3] = { 0, 0, 0 }, weighted[3] = { 0, 0, 0 }, total = 0, correct = 0;
    char number[16];

    for (t = 0; t < K; t++) {
        int w = netc_text_width(netc_class_label(m, t, number, sizeof number));
        width = w > width ? w : width;
        for (p = 0; p < K; p++)
            total += counts[(size_t)t * K + p];
        correct += counts[(size_t)t * K + t];
    }
    fprintf(out, "%*s  %9s %9s %9s %9s\n\n", width, "", "precision", "recall", "f1-score",
            "support");
    for (t = 0; t < K; t++) {
        double tp = counts[(size_t)t * K + t], support = 0, predicted = 0, prec, rec, f1;
        for (p = 0; p < K; p++) {
            support += counts[(size_t)t * K + p];
            predicted += counts[(size_t)p * K + t];
        }
        prec = ratio(tp, predicted);
        rec = ratio(tp, support);
        f1 = ratio(2 * prec * rec, prec + rec);
        put_row(out, netc_class_label(m, t, number, sizeof number), width, prec, rec, f1, support);
        macro[0] += prec / K, macro[1] += rec / K, macro[2] += f1 / K;
        weighted[0] += ratio(prec * support, total);
        weighted[1] += ratio(rec * support, total);
        weighted[2] += ratio(f1 * support, total);
    }
    fprintf(out, "\n%*s  %9s %9s %9.4f %9.0f\n", width, "accuracy", "", "", ratio(correct, total),
            total);
    put_row(out, "macro avg", width, macro[0], macro[1], macro[2], total);
    put_row(out, "weighted avg", width, weighted[0], weighted[1], weighted[2], total);
}
