/* test_regress.c - a regression network's runtime (issue 21): the fit figures (MAE, RMSE,
 * R², against values worked out by hand as scikit-learn defines them), real-valued
 * targets from one or several CSV columns, which networks are regression networks, and
 * the log's columns. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "model/regress.h"
#include "test_util.h"

#define CLOSE(a, b) (fabs((a) - (b)) < 1e-12)

static void fit_of(const float *out, const float *y, int n, int n_output, netc_fit *fit)
{
    netc_fit_sums f;
    netc_error err;

    CU_ASSERT_FATAL(netc_fit_sums_alloc(&f, n_output, &err) == 0);
    netc_fit_sums_add(&f, out, y, 1);                   /* in two calls, as batches come */
    netc_fit_sums_add(&f, out + n_output, y + n_output, n - 1);
    netc_fit_result(&f, fit);
    netc_fit_sums_free(&f);
}

/* One output: errors 0.5, 0, 1, 1 -> MAE 0.625, RMSE sqrt(2.25 / 4) = 0.75; mean target
 * 2.625, total sum of squares 7.6875, R² = 1 - 2.25 / 7.6875. */
static void test_fit_one_output(void)
{
    const float out[4] = { 1, 2, 3, 4 }, y[4] = { 1.5f, 2, 2, 5 };
    netc_fit fit;

    fit_of(out, y, 4, 1, &fit);
    CU_ASSERT(CLOSE(fit.mae, 0.625));
    CU_ASSERT(CLOSE(fit.rmse, 0.75));
    CU_ASSERT(CLOSE(fit.r2, 1 - 2.25 / 7.6875));
}

/* Two outputs: MAE and RMSE over all 2n values; R² the mean of each output's (as
 * r2_score's 'uniform_average'); a constant target's R² is 1 when hit, else 0. */
static void test_fit_two_outputs(void)
{
    const float out[6] = { 1, 7, 2, 7, 3, 7 }, y[6] = { 1, 7, 2, 7, 4, 7 };
    const float off[6] = { 1, 6, 2, 7, 3, 7 };
    netc_fit fit;

    fit_of(out, y, 3, 2, &fit);
    CU_ASSERT(CLOSE(fit.mae, 1.0 / 6));
    CU_ASSERT(CLOSE(fit.rmse, sqrt(1.0 / 6)));
    /* output 0: targets 1, 2, 4 (mean 7/3, total 14/3), residual 1; output 1: constant, hit */
    CU_ASSERT(CLOSE(fit.r2, ((1 - 1 / (14.0 / 3)) + 1) / 2));
    fit_of(off, y, 3, 2, &fit);                         /* now output 1 misses once */
    CU_ASSERT(CLOSE(fit.r2, ((1 - 1 / (14.0 / 3)) + 0) / 2));
}

static void test_fit_empty(void)
{
    netc_fit_sums f;
    netc_fit fit;
    netc_error err;

    CU_ASSERT_FATAL(netc_fit_sums_alloc(&f, 3, &err) == 0);
    netc_fit_result(&f, &fit);
    CU_ASSERT(isnan(fit.mae) && isnan(fit.rmse) && isnan(fit.r2));
    netc_fit_sums_free(&f);
}

static void test_is_regression(void)
{
    netc_model m;

    memset(&m, 0, sizeof m);
    m.data.targets = NETC_TARGETS_VALUE;
    m.loss = NETC_LOSS_MSE;
    CU_ASSERT(netc_is_regression(&m));
    m.loss = NETC_LOSS_BINARY_CROSS_ENTROPY;    /* one sigmoid output: yes or no */
    CU_ASSERT(!netc_is_regression(&m));
    m.loss = NETC_LOSS_MSE;
    m.data.targets = NETC_TARGETS_ONE_HOT;      /* 3Blue1Brown's MNIST: classes under mse */
    CU_ASSERT(!netc_is_regression(&m));
}

static const char *csv_file(char *path, size_t size, const char *name, const char *text)
{
    FILE *f = fopen(test_path(path, size, name), "w");

    CU_ASSERT_FATAL(f != NULL);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Rows "1,-2.5,3,4": two targets last, first, or from column 1 on; real and negative. */
static void test_csv_targets(void)
{
    static const struct { enum netc_label_column where; int index; float x0, x1, t0, t1; } cases[] = {
        { NETC_LABEL_LAST, 0, 1, -2.5f, 3, 4 },
        { NETC_LABEL_FIRST, 0, 3, 4, 1, -2.5f },
        { NETC_LABEL_INDEX, 1, 1, 4, -2.5f, 3 },
    };
    netc_csv_options o;
    netc_dataset ds;
    netc_error err;
    char p[256];
    size_t i;

    csv_file(p, sizeof p, "two.csv", "1,-2.5,3,4\n5,6,7.25,8\n");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memset(&o, 0, sizeof o);
        o.has_label = 1;
        o.n_target = 2;
        o.label_column = cases[i].where;
        o.label_index = cases[i].index;
        CU_ASSERT_FATAL(netc_dataset_load_csv(&ds, p, &o, &err) == 0);
        CU_ASSERT(ds.n == 2 && ds.n_input == 2 && ds.n_target == 2 && ds.labels == NULL);
        CU_ASSERT(ds.x[0] == cases[i].x0 && ds.x[1] == cases[i].x1);
        CU_ASSERT(ds.targets[0] == cases[i].t0 && ds.targets[1] == cases[i].t1);
        netc_dataset_free(&ds);
    }
    o.label_column = NETC_LABEL_INDEX;
    o.label_index = 3;
    CU_ASSERT(netc_dataset_load_csv(&ds, p, &o, &err) == -1);
    CU_ASSERT(strstr(err.msg, "two.csv:1:1: label columns 3 to 4 (0-based) but rows have only 4 "
                     "fields") != NULL);
}

/* The targets of a batch are the rows of the samples asked for, in their order. */
static void test_targets_rows(void)
{
    float x[3] = { 0 }, t[6] = { 0.5f, -1, 2, 3, -4.25f, 5 }, y[6];
    int idx[3] = { 2, 0, 1 };
    netc_dataset ds;
    netc_error err;

    memset(&ds, 0, sizeof ds);
    ds.source = ds.label_source = "toy.csv";
    ds.n = 3;
    ds.n_input = 1;
    ds.x = x;
    ds.n_target = 2;
    ds.targets = t;
    CU_ASSERT(netc_dataset_targets(&ds, idx, 3, 2, NETC_TARGETS_VALUE, y, &err) == 0);
    CU_ASSERT(y[0] == -4.25f && y[1] == 5 && y[2] == 0.5f && y[3] == -1 && y[4] == 2 && y[5] == 3);
}

/* A regression run's log: the fit's columns where a classifier's has accuracies, with
 * validation's after them; read back by name into the same figures. */
static void test_log_columns(void)
{
    static const char *const headers[2] = {
        "epoch,train_loss,train_mae,train_rmse,train_r2,test_loss,test_mae,test_rmse,test_r2,"
        "learning_rate,samples_per_s,elapsed_s",
        "epoch,train_loss,train_mae,train_rmse,train_r2,test_loss,test_mae,test_rmse,test_r2,"
        "learning_rate,samples_per_s,elapsed_s,val_loss,val_mae,val_rmse,val_r2",
    };
    netc_epoch_metrics row = { 0 };
    netc_metrics mx, back;
    netc_error err;
    char path[256], *text;
    size_t len;
    int validation;

    for (validation = 0; validation < 2; validation++) {
        row.epoch = 1;
        row.train_loss = 0.5;
        row.train_acc = row.test_acc = row.val_acc = NAN;
        row.train_fit.mae = 0.25, row.train_fit.rmse = 0.375, row.train_fit.r2 = 0.875;
        row.test_loss = 0.625;
        row.test_fit.mae = -1, row.test_fit.rmse = 2, row.test_fit.r2 = -0.5;
        row.val_loss = 1.5;
        row.val_fit.mae = 3, row.val_fit.rmse = 4, row.val_fit.r2 = NAN;
        row.learning_rate = 0.01, row.samples_per_s = 1000, row.elapsed_s = 2;
        test_path(path, sizeof path, "log.csv");
        CU_ASSERT_FATAL(netc_metrics_open(&mx, path, NETC_METRICS_REGRESSION |
                                          (validation ? NETC_METRICS_VALIDATION : 0), &err) == 0);
        CU_ASSERT(netc_metrics_add(&mx, &row, &err) == 0);
        CU_ASSERT(netc_metrics_close(&mx, &err) == 0);
        netc_metrics_free(&mx);
        text = test_read_file(path, &len);
        CU_ASSERT_FATAL(text != NULL);
        CU_ASSERT(strncmp(text, headers[validation], strlen(headers[validation])) == 0 &&
                  text[strlen(headers[validation])] == '\n');
        CU_ASSERT(strstr(text, validation ? "\n1,0.5,0.25,0.375,0.875,0.625,-1,2,-0.5,0.01,1000,2,"
                                            "1.5,3,4,\n" : "\n1,0.5,0.25,0.375,0.875,0.625,-1,2,"
                                            "-0.5,0.01,1000,2\n") != NULL);
        free(text);
        CU_ASSERT_FATAL(netc_metrics_read(path, &back, &err) == 0);
        CU_ASSERT(back.n == 1 && back.regression == 1 && back.validation == validation);
        CU_ASSERT(back.rows[0].test_fit.mae == -1 && back.rows[0].train_fit.r2 == 0.875);
        CU_ASSERT(isnan(back.rows[0].test_acc) && isnan(back.rows[0].val_fit.r2));
        CU_ASSERT(validation ? back.rows[0].val_fit.rmse == 4 : isnan(back.rows[0].val_loss));
        netc_metrics_free(&back);
    }
}

void runtime_regress_register(void);
void runtime_regress_register(void)
{
    CU_pSuite s = CU_add_suite("runtime_regress", test_scratch_init, test_scratch_cleanup);

    CU_add_test(s, "fit, one output", test_fit_one_output);
    CU_add_test(s, "fit, two outputs", test_fit_two_outputs);
    CU_add_test(s, "fit of no samples", test_fit_empty);
    CU_add_test(s, "which networks", test_is_regression);
    CU_add_test(s, "CSV target columns", test_csv_targets);
    CU_add_test(s, "target rows", test_targets_rows);
    CU_add_test(s, "log columns", test_log_columns);
}
