/* train.c - the train and eval commands: mini-batch SGD epochs, evaluation, schedule. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netc_report.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

double netc_schedule_lr(const netc_model *m, double lr, int epoch, int epochs)
{
    switch (m->schedule) {
    case NETC_SCHED_STEP:
        return lr * pow(m->gamma, floor((double)epoch / (m->step_size > 0 ? m->step_size : 1)));
    case NETC_SCHED_EXPONENTIAL:
        return lr * pow(m->gamma, epoch);
    case NETC_SCHED_COSINE:
        return m->min_lr + (lr - m->min_lr) * (1 + cos(M_PI * epoch / epochs)) / 2;
    case NETC_SCHED_CONSTANT:
        break;
    }
    return lr;
}

/* Buffers for one mini-batch: B = batch, I = n_input, O = n_output. */
typedef struct batch_buf {
    float *x;           /* [B][I] */
    float *y;           /* [B][O] */
    float *out;         /* [B][O] */
    int *order;         /* sample indices, one epoch's order */
} batch_buf;

static void free_batch(batch_buf *b)
{
    free(b->x);
    free(b->y);
    free(b->out);
    free(b->order);
    memset(b, 0, sizeof *b);
}

static int alloc_batch(batch_buf *b, const netc_model *m, int n_samples, netc_error *err)
{
    int i;

    memset(b, 0, sizeof *b);
    b->x = netc_alloc((size_t)m->batch, (size_t)m->n_input * sizeof(float), "batch inputs", err);
    b->y = netc_alloc((size_t)m->batch, (size_t)m->n_output * sizeof(float), "targets", err);
    b->out = netc_alloc((size_t)m->batch, (size_t)m->n_output * sizeof(float), "outputs", err);
    b->order = netc_alloc((size_t)n_samples, sizeof(int), "sample order", err);
    if (!b->x || !b->y || !b->out || !b->order) {
        free_batch(b);
        return -1;
    }
    for (i = 0; i < n_samples; i++)
        b->order[i] = i;
    return 0;
}

/* Gathers samples order[first..first+n) into the batch buffers. */
static int gather(const netc_model *m, const netc_dataset *ds, batch_buf *b, int first, int n,
                  netc_error *err)
{
    netc_dataset_gather(ds, b->order + first, n, b->x);
    return netc_dataset_targets(ds, b->order + first, n, m->n_output, m->data.targets, b->y, err);
}

/* Accuracy and mean loss over a labelled set (in b->order's order). */
static int evaluate(const netc_model *m, void *state, const netc_dataset *ds, batch_buf *b,
                    double *accuracy, double *loss, netc_error *err)
{
    double loss_sum = 0;
    long correct = 0;
    int i, k;

    for (i = 0; i < ds->n; i += m->batch) {
        int n = ds->n - i < m->batch ? ds->n - i : m->batch;
        if (gather(m, ds, b, i, n, err) < 0)
            return -1;
        m->forward(state, b->x, b->out, n);
        loss_sum += (double)m->loss_fn(state, b->x, b->y, n) * n;
        for (k = 0; k < n; k++)
            correct += netc_predicted_class(b->out + (size_t)k * m->n_output, m->n_output) ==
                       ds->labels[b->order[i + k]];
    }
    *accuracy = ds->n ? (double)correct / ds->n : 0;
    *loss = ds->n ? loss_sum / ds->n : 0;
    return 0;
}

/* One pass over the training set in mini-batches of `batch`; mean loss into *loss. */
static int train_epoch(const netc_model *m, void *state, const netc_dataset *ds, batch_buf *b,
                       int batch, float lr, netc_progress *bar, double *loss, netc_error *err)
{
    double loss_sum = 0;
    int i;

    for (i = 0; i < ds->n; i += batch) {
        int n = ds->n - i < batch ? ds->n - i : batch;
        float batch_loss;
        if (gather(m, ds, b, i, n, err) < 0)
            return -1;
        batch_loss = m->forward_backward(state, b->x, b->y, n);
        loss_sum += (double)batch_loss * n;
        m->update(state, lr);
        netc_progress_step(bar, n, batch_loss);
    }
    *loss = loss_sum / ds->n;
    if (!isfinite(*loss))
        return netc_fail(err, "the training loss became %g\nhint: lower the learning rate "
                         "(--lr)", *loss);
    return 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

/* The loaded data of a training run. */
typedef struct run_data {
    netc_dataset train, test;
    netc_scaler scaler;
    batch_buf train_buf, test_buf;
} run_data;

static void free_run(run_data *d)
{
    netc_dataset_free(&d->train);
    netc_dataset_free(&d->test);
    netc_scaler_free(&d->scaler);
    free_batch(&d->train_buf);
    free_batch(&d->test_buf);
}

/* Training (required) and test (optional) data, scaled with training statistics. */
static int load_run(const netc_model *m, const netc_options *o, run_data *d, netc_error *err)
{
    int rc;

    memset(d, 0, sizeof *d);
    rc = netc_load_split(m, o, 0, &d->train, err);
    if (rc == 1)
        return netc_fail(err, "no training data\nhint: pass --data DIR, --train-images and "
                         "--train-labels, or --train-csv FILE");
    if (rc < 0 || netc_load_split(m, o, 1, &d->test, err) < 0)
        return -1;
    netc_dataset_limit(&d->train, o->limit);
    enum netc_scaling scale = netc_scaling_for(m, o->format);
    if (netc_scaling_needs_stats(o->format, scale) && netc_scaler_fit(&d->scaler, scale, &d->train, err) < 0)
        return -1;
    netc_scaler_apply(&d->scaler, &d->train);
    netc_scaler_apply(&d->scaler, &d->test);
    if (alloc_batch(&d->train_buf, m, d->train.n, err) < 0 ||
        alloc_batch(&d->test_buf, m, d->test.n, err) < 0)
        return -1;
    return 0;
}

static void print_epoch(const netc_options *o, const run_data *d,
                        int epoch, double loss, double acc, double test_loss, double secs,
                        double epoch_secs)
{
    printf("epoch %*d/%d  loss %.6f", (int)snprintf(NULL, 0, "%d", o->epochs), epoch + 1,
           o->epochs, loss);
    if (d->test.n)
        printf("  test acc %.2f%%  test loss %.6f", 100 * acc, test_loss);
    printf("  %.0f samples/s  %.1f s\n", d->train.n / (epoch_secs > 0 ? epoch_secs : 1e-9),
           secs);
    fflush(stdout);
}

/* An epoch's figures into the log.  The training accuracy is that of the end-of-epoch
 * weights, from one forward pass over the training set: measured only here, when a
 * log or report asks for it. */
static int record_epoch(const netc_model *m, void *state, run_data *d, netc_epoch_metrics *row,
                        netc_metrics *mx, netc_error *err)
{
    double train_loss_now;

    if (evaluate(m, state, &d->train, &d->train_buf, &row->train_acc, &train_loss_now, err) < 0)
        return -1;
    return netc_metrics_add(mx, row, err);
}

/* The epochs: shuffle, mini-batches (a live bar on a terminal), evaluation, one progress
 * line each, and the log's rows when there is a log or report. */
static int run_epochs(const netc_model *m, const netc_options *o, void *state, run_data *d,
                      netc_metrics *mx, netc_error *err)
{
    struct timespec t0, te;
    netc_progress bar;
    netc_rng rng;
    int epoch, rc;

    netc_rng_seed(&rng, o->seed ^ 0x53485546464c45ULL);   /* "SHUFFLE": not init's stream */
    netc_progress_init(&bar, !o->quiet);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (epoch = 0; epoch < o->epochs; epoch++) {
        double loss, acc = 0, test_loss = 0, epoch_secs;
        float lr = (float)netc_schedule_lr(m, o->lr, epoch, o->epochs);
        netc_epoch_metrics row;

        clock_gettime(CLOCK_MONOTONIC, &te);
        if (o->shuffle)
            netc_rng_shuffle(&rng, d->train_buf.order, d->train.n);
        netc_progress_begin(&bar, epoch, o->epochs, d->train.n);
        rc = train_epoch(m, state, &d->train, &d->train_buf, o->batch, lr, &bar, &loss, err);
        netc_progress_end(&bar);
        if (rc < 0)
            return netc_fail_context(err, "epoch %d", epoch + 1);
        epoch_secs = seconds_since(&te);
        if (d->test.n && evaluate(m, state, &d->test, &d->test_buf, &acc, &test_loss, err) < 0)
            return -1;
        row.epoch = epoch + 1;
        row.train_loss = loss;
        row.test_acc = d->test.n ? acc : NAN;
        row.test_loss = d->test.n ? test_loss : NAN;
        row.learning_rate = lr;
        row.samples_per_s = d->train.n / (epoch_secs > 0 ? epoch_secs : 1e-9);
        row.elapsed_s = seconds_since(&t0);
        if (!o->quiet)
            print_epoch(o, d, epoch, loss, acc, test_loss, row.elapsed_s, epoch_secs);
        if ((o->log || o->report) && record_epoch(m, state, d, &row, mx, err) < 0)
            return -1;
    }
    return 0;
}

/* The report of a finished run, on its test data and log. */
static int write_report(const netc_model *m, const netc_options *o, void *state, run_data *d,
                        const netc_metrics *mx, netc_error *err)
{
    netc_report_input in;

    memset(&in, 0, sizeof in);
    in.model = m;
    in.options = o;
    in.state = state;
    in.test = &d->test;
    in.train = &d->train;
    in.metrics = mx;
    in.weights_path = o->save;
    if (netc_report_write(&in, o->report, err) < 0)
        return -1;
    if (!o->quiet)
        printf("report %s/index.html\n", o->report);
    return 0;
}

static int train(const netc_model *m, const netc_options *o, void *state, netc_error *err)
{
    netc_scaler unused;
    netc_metrics mx;
    run_data d;
    int rc;

    memset(&mx, 0, sizeof mx);
    if (load_run(m, o, &d, err) < 0) {
        free_run(&d);
        return -1;
    }
    m->init(state, o->seed);
    rc = o->init_weights ? netc_weights_load(o->init_weights, m, m->params(state), &unused, err)
                         : 0;
    if (o->init_weights)
        netc_scaler_free(&unused);
    if (rc == 0 && !o->quiet)
        printf("%s: %d training samples, %d test samples, %d epochs, batch %d, lr %g, seed "
               "%llu\n", m->name, d.train.n, d.test.n, o->epochs, o->batch, o->lr,
               (unsigned long long)o->seed);
    if (rc == 0)
        rc = netc_metrics_open(&mx, o->log, err);
    if (rc == 0)
        rc = run_epochs(m, o, state, &d, &mx, err);
    if (rc == 0)
        rc = netc_metrics_close(&mx, err);
    if (rc == 0)
        rc = netc_weights_save(o->save, m, m->params(state), &d.scaler, err);
    if (rc == 0 && !o->quiet)
        printf("saved %s\n", o->save);
    if (rc == 0 && o->report)
        rc = write_report(m, o, state, &d, &mx, err);
    netc_metrics_free(&mx);
    free_run(&d);
    return rc;
}

int netc_cmd_train(const netc_model *m, const netc_options *o)
{
    netc_error err;
    void *state = netc_state_alloc(m, &err);
    int rc = state ? train(m, o, state, &err) : -1;

    if (rc < 0)
        fprintf(stderr, "%s: error: %s\n", m->name, err.msg);
    free(state);
    return rc < 0;
}

static int eval(const netc_model *m, const netc_options *o, netc_error *err)
{
    netc_dataset test;
    netc_scaler s;
    batch_buf b;
    void *state = NULL;
    double acc, loss;
    int rc;

    memset(&b, 0, sizeof b);
    memset(&s, 0, sizeof s);
    rc = netc_load_split(m, o, 1, &test, err);
    if (rc == 1)
        return netc_fail(err, "no test data\nhint: pass --data DIR, --test-images and "
                         "--test-labels, or --test-csv FILE");
    if (rc == 0)
        rc = netc_load_trained(m, o->weights, o->format, &state, &s, err);
    if (rc == 0) {
        netc_scaler_apply(&s, &test);
        rc = alloc_batch(&b, m, test.n, err);
    }
    if (rc == 0)
        rc = evaluate(m, state, &test, &b, &acc, &loss, err);
    if (rc == 0)
        printf("test accuracy %.2f%% (%d samples)  test loss %.7g\n", 100 * acc, test.n, loss);
    free_batch(&b);
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
    fprintf(stderr, "%s: error: %s\n", m->name, err.msg);
    return 1;
}
