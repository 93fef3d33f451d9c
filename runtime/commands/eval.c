/* eval.c - the eval command: a weights file's accuracy (a regression network's MAE, RMSE
 * and R²) and mean loss on the test data, split between the processes of an MPI run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "model/state.h"
#include "train/data.h"
#include "train/class_report.h"
#include "train/evaluate.h"

/* "test accuracy 97.12% (10000 samples)  test loss 0.0123", or a regression network's
 * "test mae 0.0812  test rmse 0.1034  test r2 0.9876 (200 samples)  test loss 0.0053";
 * "val" for the validation samples. */
static void print_scores(const netc_model *m, const char *set, const netc_scores *s, int n)
{
    char fit[160];

    if (!netc_is_regression(m)) {
        printf("%s accuracy %.2f%% (%d samples)  %s loss %.7g\n", set, 100 * s->acc, n, set,
               s->loss);
        return;
    }
    netc_scores_text(m, set, s, fit, sizeof fit);
    printf("%s (%d samples)  %s loss %.7g\n", fit, n, set, s->loss);
}

/* The samples to measure: the test data, or with --validation the samples that train
 * held out of the training data (the same --seed and --limit give the same ones). */
static int load_eval_set(const netc_model *m, const netc_options *o, netc_dataset *ds,
                         netc_error *err)
{
    netc_dataset train;
    int rc;

    if (!o->validation_given || o->validation <= 0)
        return netc_load_split(m, o, 1, ds, err);
    rc = netc_load_split(m, o, 0, &train, err);
    if (rc == 1)
        return netc_fail(err, "eval --validation needs the training data it holds samples out "
                         "of\nhint: pass --data DIR, --train-images and --train-labels, or "
                         "--train-csv FILE");
    if (rc < 0)
        return -1;
    netc_dataset_limit(&train, o->limit);
    rc = netc_hold_out(o, &train, ds, err);
    netc_dataset_free(&train);
    return rc;
}

/* Each class's precision, recall and F1 (every process counts its share; rank 0 prints). */
static int per_class(netc_engine *e, const netc_options *o, const netc_dataset *test,
                     netc_error *err)
{
    int K = e->m->n_output == 1 ? 2 : e->m->n_output;
    double *counts = malloc((size_t)K * K * sizeof *counts);
    int rc = counts ? netc_confusion_count(e, o->comm, test, counts, err)
                    : netc_fail(err, "out of memory for the confusion matrix");

    if (rc == 0 && (!o->comm || o->comm->rank == 0)) {
        printf("\n");
        netc_class_report_print(e->m, counts, stdout);
    }
    free(counts);
    return rc;
}

static int eval(const netc_model *m, const netc_options *o, netc_error *err)
{
    netc_dataset test;
    netc_scaler s;
    netc_batch b;
    netc_engine e = { .m = m };
    void *state = NULL;
    netc_scores score;
    int rc;

    memset(&b, 0, sizeof b);
    memset(&s, 0, sizeof s);
    rc = load_eval_set(m, o, &test, err);
    if (rc == 1)
        return netc_fail(err, "no test data\nhint: pass --data DIR, --test-images and "
                         "--test-labels, or --test-csv FILE");
    if (rc == 0)
        rc = netc_load_trained(m, o->weights, o->format, o->allow_other_network, &state, &s,
                               err);
    if (rc == 0) {
        netc_scaler_apply(&s, &test);
        rc = netc_batch_alloc(&b, m, test.n, err);
    }
    if (rc == 0)
        rc = netc_engine_init(&e, m, state, o->threads, err);
    if (rc == 0)
        rc = netc_score(&e, o->comm, &test, &b, &score, err);
    if (rc == 0 && (!o->comm || o->comm->rank == 0))
        print_scores(m, o->validation_given && o->validation > 0 ? "val" : "test", &score,
                     test.n);
    if (rc == 0 && !netc_is_regression(m) && (m->n_class_names || o->per_class))
        rc = per_class(&e, o, &test, err);
    netc_engine_free(&e);
    netc_batch_free(&b);
    free(state);
    netc_scaler_free(&s);
    netc_dataset_free(&test);
    return rc;
}

int netc_cmd_eval(const netc_model *m, const netc_options *o)
{
    netc_error err;

    if (eval(m, o, &err) == 0)
        return 0;
    netc_print_error(m, o->comm, &err);
    return 1;
}
