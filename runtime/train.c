/* train.c - the train and eval commands: mini-batch SGD epochs, evaluation, schedule;
 * checkpoints and resuming, stopping on SIGINT/SIGTERM, catching divergence. */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netc_checkpoint.h"

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

const char *netc_schedule_text(const netc_model *m, char *buf, size_t n)
{
    switch (m->schedule) {
    case NETC_SCHED_STEP:
        snprintf(buf, n, "step(step_size = %d, gamma = %g)", m->step_size, m->gamma);
        break;
    case NETC_SCHED_EXPONENTIAL:
        snprintf(buf, n, "exponential(gamma = %g)", m->gamma);
        break;
    case NETC_SCHED_COSINE:
        snprintf(buf, n, "cosine(min_lr = %g)", m->min_lr);
        break;
    case NETC_SCHED_CONSTANT:
        snprintf(buf, n, "constant");
        break;
    }
    return buf;
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

/* Gathers samples order[first..first+n) into the batch buffers, and starts loading the
 * next n of the order into the caches. */
static int gather(const netc_model *m, const netc_dataset *ds, batch_buf *b, int first, int n,
                  netc_error *err)
{
    const int next = first + n < ds->n ? first + n : ds->n;
    netc_dataset_gather(ds, b->order + first, n, b->x);
    netc_dataset_prefetch(ds, b->order + next, ds->n - next < n ? ds->n - next : n);
    return netc_dataset_targets(ds, b->order + first, n, m->n_output, m->data.targets, b->y, err);
}

/* This process's share [*lo, *hi) of n items split between the processes of comm. */
static void rank_share(int n, const netc_comm *comm, int *lo, int *hi)
{
    *lo = comm ? (int)((long long)n * comm->rank / comm->size) : 0;
    *hi = comm ? (int)((long long)n * (comm->rank + 1) / comm->size) : n;
}

/* Accuracy and mean loss over a labelled set (in b->order's order); with several
 * processes, each evaluates its share and the sums are added across them. */
static int evaluate(netc_engine *e, const netc_comm *comm, const netc_dataset *ds,
                    batch_buf *b, double *accuracy, double *loss, netc_error *err)
{
    const netc_model *m = e->m;
    double sums[2] = { 0, 0 };  /* loss, correct */
    int lo, hi, i, k;

    rank_share(ds->n, comm, &lo, &hi);
    for (i = lo; i < hi; i += m->batch) {
        int n = hi - i < m->batch ? hi - i : m->batch;
        if (gather(m, ds, b, i, n, err) < 0)
            return -1;
        sums[0] += (double)netc_engine_eval(e, b->x, b->y, b->out, n) * n;
        for (k = 0; k < n; k++)
            sums[1] += netc_predicted_class(b->out + (size_t)k * m->n_output, m->n_output) ==
                       ds->labels[b->order[i + k]];
    }
    if (comm)
        comm->sum_doubles(comm, sums, 2);
    *accuracy = ds->n ? sums[1] / ds->n : 0;
    *loss = ds->n ? sums[0] / ds->n : 0;
    return 0;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

/* ---- stopping on a signal --------------------------------------------------------- */

/* The signal (SIGINT or SIGTERM) that asked training to stop, 0 if none.  This is the one
 * global mutable variable in the runtime, and must be: a signal handler gets no context
 * to write into, and a volatile sig_atomic_t is all it may safely touch.  The loop reads
 * it after each mini-batch and stops cleanly, checkpoint and weights saved. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

/* SA_RESETHAND: a second Ctrl-C kills at once (the files are written atomically). */
static void catch_stop_signals(struct sigaction old[2])
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    sigaction(SIGINT, &sa, &old[0]);
    sigaction(SIGTERM, &sa, &old[1]);
}

static void restore_signals(const struct sigaction old[2])
{
    sigaction(SIGINT, &old[0], NULL);
    sigaction(SIGTERM, &old[1], NULL);
}

/* ---- the run ------------------------------------------------------------------- */

/* The loaded data of a training run. */
typedef struct run_data {
    netc_dataset train, test;
    netc_scaler scaler;
    batch_buf train_buf, test_buf;
} run_data;

/* A training run in progress: its settings, data, model, and where it stands. */
typedef struct run {
    const netc_model *m;
    netc_options o;             /* the command line's, with a resumed checkpoint's settings */
    void *state;
    netc_engine engine;         /* state, and the threads that share its work */
    int writes;                 /* this process prints and writes files (rank 0) */
    int train_accuracy;         /* measure it after each epoch (for --log or --report) */
    run_data d;
    netc_metrics mx;            /* every finished epoch's figures */
    netc_checkpoint ck;         /* where the run stands; its pointers point into the above */
    float *good;                /* the parameters at the start of the epoch: all finite */
    char *ckpt_path;
    struct timespec t0, last_ckpt;
    double elapsed_before;      /* training time before a resume */
    netc_progress bar;
} run;

static void free_run(run *r)
{
    netc_dataset_free(&r->d.train);
    netc_dataset_free(&r->d.test);
    netc_scaler_free(&r->d.scaler);
    free_batch(&r->d.train_buf);
    free_batch(&r->d.test_buf);
    netc_metrics_free(&r->mx);
    free(r->good);
    free(r->ckpt_path);
}

/* Training (required) and test (optional) data, scaled with training statistics. */
static int load_run(const netc_model *m, const netc_options *o, run_data *d, netc_error *err)
{
    if (netc_load_train_test(m, o, &d->train, &d->test, &d->scaler, err) < 0)
        return -1;
    if (alloc_batch(&d->train_buf, m, d->train.n, err) < 0 ||
        alloc_batch(&d->test_buf, m, d->test.n, err) < 0)
        return -1;
    return 0;
}

/* --checkpoint, else the checkpoint resumed from, else the --save file with ".ckpt"
 * for its ".safetensors" (or added). */
static int checkpoint_path(run *r, netc_error *err)
{
    const char *given = r->o.checkpoint ? r->o.checkpoint : r->o.resume;
    const char *save = r->o.save, *ext = ".safetensors";
    size_t n = strlen(save), e = strlen(ext);

    if (given) {
        r->ckpt_path = strdup(given);
    } else {
        if (n > e && strcmp(save + n - e, ext) == 0)
            n -= e;
        r->ckpt_path = malloc(n + 6);
        if (r->ckpt_path) {
            memcpy(r->ckpt_path, save, n);
            memcpy(r->ckpt_path + n, ".ckpt", 6);
        }
    }
    return r->ckpt_path ? 0 : netc_fail(err, "out of memory");
}

/* Floats in a tensor. */
static size_t tensor_size(const netc_tensor *t)
{
    return (size_t)t->shape[0] * (size_t)(t->rank == 2 ? t->shape[1] : 1);
}

/* The first tensor with a non-finite value, searching gradients then parameters (NULL:
 * none); *kind says which. */
static const netc_tensor *non_finite_tensor(const netc_model *m, void *state, const char **kind)
{
    const float *arrays[2];
    int a, t;
    size_t i;

    arrays[0] = m->grads(state);
    arrays[1] = m->params(state);
    for (a = 0; a < 2; a++)
        for (t = 0; t < m->n_tensor; t++)
            for (i = 0; i < tensor_size(&m->tensors[t]); i++)
                if (!isfinite(arrays[a][m->tensors[t].offset + i])) {
                    *kind = a ? "parameters" : "gradient";
                    return &m->tensors[t];
                }
    return NULL;
}

/* The tensor with the largest parameter magnitude, and that magnitude. */
static const netc_tensor *largest_tensor(const netc_model *m, void *state, float *largest)
{
    const float *p = m->params(state);
    const netc_tensor *best = &m->tensors[0];
    int t;
    size_t i;

    *largest = 0;
    for (t = 0; t < m->n_tensor; t++)
        for (i = 0; i < tensor_size(&m->tensors[t]); i++)
            if (fabsf(p[m->tensors[t].offset + i]) > *largest) {
                *largest = fabsf(p[m->tensors[t].offset + i]);
                best = &m->tensors[t];
            }
    return best;
}

/* Training went wrong at `where`: the message (what, which layer, a hint), and the last
 * good weights, those of the start of the epoch, saved in place of the broken ones. */
static int diverged(run *r, const char *where, const char *what, const char *layer_text,
                    netc_error *err)
{
    char saved[1100], ckpt[600] = "";
    netc_error save_err;

    if (!r->writes)
        snprintf(saved, sizeof saved, "rank 0 keeps the last good weights");
    else if (netc_weights_save(r->o.save, r->m, r->good, &r->d.scaler, &save_err) == 0)
        snprintf(saved, sizeof saved, "kept the last good weights, from the start of epoch "
                 "%d: %s", r->ck.epoch + 1, r->o.save);
    else
        snprintf(saved, sizeof saved, "could not keep the last good weights: %s", save_err.msg);
    if (access(r->ckpt_path, F_OK) == 0)
        snprintf(ckpt, sizeof ckpt, "\nthe last checkpoint, %s, is untouched", r->ckpt_path);
    return netc_fail(err, "epoch %d, %s: %s; %s\nhint: learning rate %g is likely too high; "
                     "try %g (10x smaller)\n%s%s", r->ck.epoch + 1, where, what, layer_text,
                     r->o.lr, r->o.lr / 10, saved, ckpt);
}

/* A NaN or infinite loss (or parameters): names the first tensor holding one. */
static int diverged_non_finite(run *r, int batch_no, double loss, netc_error *err)
{
    const char *kind = "";
    const netc_tensor *t = non_finite_tensor(r->m, r->state, &kind);
    char where[64], what[64], layer[256];
    int n_batches = (r->d.train.n + r->o.batch - 1) / r->o.batch;

    snprintf(where, sizeof where, "batch %d of %d", batch_no, n_batches);
    snprintf(what, sizeof what, isfinite(loss) ? "the parameters are no longer finite"
             : "the training loss is %g", loss);
    if (t)
        snprintf(layer, sizeof layer, "layer %.*s is the first with a non-finite value (in %s's "
                 "%s)", (int)strcspn(t->name, "."), t->name, t->name, kind);
    else
        snprintf(layer, sizeof layer, "every layer's parameters and gradients are finite: the "
                 "overflow is in the activations or the loss");
    return diverged(r, where, what, layer, err);
}

/* 1 when the network gives the same outputs (to 1e-6) for the last batch's inputs although
 * their targets differ: its units have saturated or died, and it can no longer learn. */
static int collapsed(const netc_model *m, void *state, batch_buf *b, int n)
{
    size_t no = (size_t)m->n_output, k;
    int i, targets_differ = 0;

    if (n < 2)
        return 0;
    for (i = 1; i < n; i++)
        targets_differ |= memcmp(b->y, b->y + i * no, no * sizeof *b->y) != 0;
    if (!targets_differ)
        return 0;
    m->forward(state, b->x, b->out, n);
    for (i = 1; i < n; i++)
        for (k = 0; k < no; k++) {
            float v = b->out[k], w = b->out[i * no + k];
            if (!(fabsf(v - w) <= 1e-6f * (fabsf(v) > 1 ? fabsf(v) : 1)))
                return 0;
        }
    return 1;
}

/* collapsed() on this process's share of the last batch, or on any process's. */
static int collapsed_anywhere(run *r, batch_buf *b, int n)
{
    const netc_comm *comm = r->o.comm;
    int lo, hi;
    double any;

    rank_share(n, comm, &lo, &hi);
    any = collapsed(r->m, r->state, b, hi - lo);
    if (comm)
        comm->sum_doubles(comm, &any, 1);
    return any > 0;
}

static int diverged_collapsed(run *r, int batch_no, netc_error *err)
{
    float largest;
    const netc_tensor *t = largest_tensor(r->m, r->state, &largest);
    char where[64], layer[256];

    snprintf(where, sizeof where, "after its last batch (%d)", batch_no);
    snprintf(layer, sizeof layer, "its units have saturated; the largest weights are layer "
             "%.*s's (|%s| up to %g)", (int)strcspn(t->name, "."), t->name, t->name, largest);
    return diverged(r, where, "the network's output no longer depends on its input (the same "
                    "to 1e-6 for samples with different targets)", layer, err);
}

/* ---- checkpoints ------------------------------------------------------------------ */

static int params_finite(const netc_model *m, void *state)
{
    const float *p = m->params(state);
    size_t i;

    for (i = 0; i < m->n_param; i++)
        if (!isfinite(p[i]))
            return 0;
    return 1;
}

/* Saves where the run stands (never a state with non-finite parameters). */
static int save_checkpoint(run *r, int batch_no, netc_error *err)
{
    if (!params_finite(r->m, r->state))
        return diverged_non_finite(r, batch_no, 0, err);
    if (!r->writes)
        return 0;
    r->ck.elapsed_s = r->elapsed_before + seconds_since(&r->t0);
    r->ck.rows = r->mx.rows;
    r->ck.n_rows = r->mx.n;
    clock_gettime(CLOCK_MONOTONIC, &r->last_ckpt);
    return netc_checkpoint_write(r->ckpt_path, &r->ck, err);
}

/* A fresh run: the seed's weights (or --init-weights), the samples in file order. */
static int start_fresh(run *r, netc_error *err)
{
    const netc_model *m = r->m;
    netc_scaler unused;
    int rc = 0;

    m->init(r->state, r->o.seed);
    if (r->o.init_weights) {
        rc = netc_weights_load(r->o.init_weights, m, m->params(r->state), &unused, err);
        netc_scaler_free(&unused);
    }
    netc_rng_seed(&r->ck.rng, r->o.seed ^ 0x53485546464c45ULL);  /* "SHUFFLE": not init's */
    return rc;
}

/* A resumed run: the checkpoint's state, position, order and figures, on the same data. */
static int start_resumed(run *r, const netc_checkpoint *saved, netc_error *err)
{
    int i;

    if (saved->n_samples != r->d.train.n || saved->data_hash != r->ck.data_hash)
        return netc_fail(err, "%s: the run was trained on %d samples (fingerprint %016llx), "
                         "the data given now are %d samples (%016llx)\nhint: pass the same "
                         "data options as the interrupted run", r->o.resume, saved->n_samples,
                         (unsigned long long)saved->data_hash, r->d.train.n,
                         (unsigned long long)r->ck.data_hash);
    memcpy(r->state, saved->state, saved->state_size);
    memcpy(r->d.train_buf.order, saved->order, (size_t)saved->n_samples * sizeof *saved->order);
    r->ck.rng = saved->rng;
    r->ck.epoch = saved->epoch;
    r->ck.pos = saved->pos;
    r->ck.loss_sum = saved->loss_sum;
    r->elapsed_before = saved->elapsed_s;
    for (i = 0; i < saved->n_rows; i++)
        if (netc_metrics_add(&r->mx, &saved->rows[i], err) < 0)
            return -1;
    return 0;
}

/* The run's identity and settings in r->ck; then a fresh or resumed start. */
static int start_run(run *r, const netc_checkpoint *saved, netc_error *err)
{
    const netc_model *m = r->m;
    netc_checkpoint *c = &r->ck;

    c->network = m->name;
    c->netc_version = m->netc_version;
    c->source_hash = m->source_hash;
    c->lr = r->o.lr;
    c->epochs = r->o.epochs;
    c->batch = r->o.batch;
    c->limit = r->o.limit;
    c->shuffle = r->o.shuffle;
    c->seed = r->o.seed;
    c->n_samples = r->d.train.n;
    c->data_hash = netc_dataset_fingerprint(&r->d.train);
    c->order = r->d.train_buf.order;
    c->state_size = m->state_size;
    c->state = r->state;
    r->good = netc_alloc(m->n_param, sizeof *r->good, "a copy of the parameters", err);
    if (!r->good || netc_metrics_open(&r->mx, r->o.log, err) < 0)
        return -1;
    if (saved)
        return start_resumed(r, saved, err);
    return start_fresh(r, err);
}

/* ---- epochs ------------------------------------------------------------------- */

/* The gradient of the mini-batch order[i .. i+n) into the model's grads, its mean loss
 * into *loss, and whether to stop (a signal) into *stop.  With several processes each
 * runs its share of the batch, and the gradients (weighted by the share's size), losses
 * and stop requests are summed across them: all then hold the same batch mean gradient
 * and make the same decisions. */
static int batch_gradient(run *r, int i, int n, float *loss, int *stop, netc_error *err)
{
    const netc_model *m = r->m;
    const netc_comm *comm = r->o.comm;
    batch_buf *b = &r->d.train_buf;
    float *grad = m->grads(r->state);
    double sums[2];
    int lo, hi;
    size_t k;

    rank_share(n, comm, &lo, &hi);
    *loss = 0;
    *stop = stop_signal != 0;
    if (hi > lo) {
        if (gather(m, &r->d.train, b, i + lo, hi - lo, err) < 0)
            return -1;
        *loss = netc_engine_forward_backward(&r->engine, b->x, b->y, hi - lo);
    }
    if (!comm)
        return 0;
    for (k = 0; k < m->n_param; k++)    /* the share's mean -> its part of the batch's */
        grad[k] = hi > lo ? grad[k] * ((float)(hi - lo) / (float)n) : 0.0f;
    comm->sum_floats(comm, grad, m->n_param);
    sums[0] = (double)*loss * (hi - lo);
    sums[1] = *stop;
    comm->sum_doubles(comm, sums, 2);
    *loss = (float)(sums[0] / n);
    *stop = sums[1] > 0;
    return 0;
}

/* The rest of the current epoch in mini-batches, from order[ck.pos]: checks every loss,
 * checkpoints every --checkpoint-every seconds.  0: epoch done; 1: a signal stopped it. */
static int train_epoch(run *r, float lr, netc_error *err)
{
    const netc_dataset *ds = &r->d.train;
    batch_buf *b = &r->d.train_buf;
    int batch = r->o.batch;

    while (r->ck.pos < ds->n) {
        int i = r->ck.pos, n = ds->n - i < batch ? ds->n - i : batch, stop;
        float batch_loss;
        if (batch_gradient(r, i, n, &batch_loss, &stop, err) < 0)
            return -1;
        if (!isfinite(batch_loss))
            return diverged_non_finite(r, i / batch + 1, batch_loss, err);
        netc_engine_update(&r->engine, lr);
        r->ck.loss_sum += (double)batch_loss * n;
        r->ck.pos = i + n;
        netc_progress_step(&r->bar, n, batch_loss);
        if (stop)
            return 1;
        if (r->o.checkpoint_every > 0 && r->ck.pos < ds->n &&
            seconds_since(&r->last_ckpt) >= r->o.checkpoint_every &&
            save_checkpoint(r, i / batch + 1, err) < 0)
            return -1;
    }
    return collapsed_anywhere(r, b, ds->n - (ds->n - 1) / batch * batch)
           ? diverged_collapsed(r, (ds->n + batch - 1) / batch, err) : 0;
}

static void print_epoch(const run *r, double loss, double acc, double test_loss,
                        double secs, double epoch_secs, long samples)
{
    const netc_options *o = &r->o;

    printf("epoch %*d/%d  loss %.6f", (int)snprintf(NULL, 0, "%d", o->epochs), r->ck.epoch + 1,
           o->epochs, loss);
    if (r->d.test.n)
        printf("  test acc %.2f%%  test loss %.6f", 100 * acc, test_loss);
    printf("  %.0f samples/s  %.1f s\n", samples / (epoch_secs > 0 ? epoch_secs : 1e-9), secs);
    fflush(stdout);
}

/* The end of an epoch: evaluation, its line and figures, then a checkpoint at the start of
 * the next.  The training accuracy is that of the end-of-epoch weights, from one forward
 * pass over the training set: measured only when a log or report asks for it. */
static int end_epoch(run *r, float lr, double epoch_secs, long samples, netc_error *err)
{
    netc_epoch_metrics row;
    double acc = 0, test_loss = 0, train_loss_now;
    run_data *d = &r->d;

    if (d->test.n && evaluate(&r->engine, r->o.comm, &d->test, &d->test_buf, &acc, &test_loss, err) < 0)
        return -1;
    row.epoch = r->ck.epoch + 1;
    row.train_loss = r->ck.loss_sum / d->train.n;
    row.train_acc = NAN;
    row.test_acc = d->test.n ? acc : NAN;
    row.test_loss = d->test.n ? test_loss : NAN;
    row.learning_rate = lr;
    row.samples_per_s = samples / (epoch_secs > 0 ? epoch_secs : 1e-9);
    row.elapsed_s = r->elapsed_before + seconds_since(&r->t0);
    if (!r->o.quiet)
        print_epoch(r, row.train_loss, acc, test_loss, row.elapsed_s, epoch_secs, samples);
    if (r->train_accuracy &&
        evaluate(&r->engine, r->o.comm, &d->train, &d->train_buf, &row.train_acc, &train_loss_now,
                 err) < 0)
        return -1;
    if (netc_metrics_add(&r->mx, &row, err) < 0)
        return -1;
    r->ck.epoch++;
    r->ck.pos = 0;
    r->ck.loss_sum = 0;
    return save_checkpoint(r, (d->train.n + r->o.batch - 1) / r->o.batch, err);
}

/* The epochs from where the run stands: shuffle, mini-batches (a live bar on a terminal),
 * evaluation and one line each.  0: done; 1: stopped by a signal. */
static int run_epochs(run *r, netc_error *err)
{
    const netc_options *o = &r->o;
    int rc;

    netc_progress_init(&r->bar, !o->quiet);
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    r->last_ckpt = r->t0;
    while (r->ck.epoch < o->epochs) {
        float lr = (float)netc_schedule_lr(r->m, o->lr, r->ck.epoch, o->epochs);
        int first = r->ck.pos;
        struct timespec te;

        clock_gettime(CLOCK_MONOTONIC, &te);
        if (first == 0 && o->shuffle)
            netc_rng_shuffle(&r->ck.rng, r->d.train_buf.order, r->d.train.n);
        memcpy(r->good, r->m->params(r->state), r->m->n_param * sizeof *r->good);
        netc_progress_begin(&r->bar, r->ck.epoch, o->epochs, r->d.train.n);
        r->bar.done = first;
        rc = train_epoch(r, lr, err);
        netc_progress_end(&r->bar);
        if (rc != 0)
            return rc;
        if (end_epoch(r, lr, seconds_since(&te), r->d.train.n - first, err) < 0)
            return -1;
        if (stop_signal && r->ck.epoch < o->epochs)
            return 1;
    }
    return 0;
}

/* The report of a finished run, on its test data and log. */
static int write_report(run *r, netc_error *err)
{
    netc_report_input in;

    memset(&in, 0, sizeof in);
    in.model = r->m;
    in.options = &r->o;
    in.state = r->state;
    in.test = &r->d.test;
    in.train = &r->d.train;
    in.metrics = &r->mx;
    in.weights_path = r->o.save;
    if (netc_report_write(&in, r->o.report, err) < 0)
        return -1;
    if (!r->o.quiet)
        printf("report %s/index.html\n", r->o.report);
    return 0;
}

/* Stopped by a signal: a checkpoint and the weights as they are, and how to go on. */
static int save_stopped(run *r, netc_error *err)
{
    int batch_no = (r->ck.pos + r->o.batch - 1) / r->o.batch;

    if (!r->writes)
        return 0;
    if (save_checkpoint(r, batch_no, err) < 0 ||
        netc_weights_save(r->o.save, r->m, r->m->params(r->state), &r->d.scaler, err) < 0)
        return -1;
    fprintf(stderr, "%s: stopped by %s in epoch %d/%d after %d of %d samples\n"
            "checkpoint %s\nweights %s\nresume with: %s train --resume %s (and the same data "
            "options)\n", r->m->name, stop_signal == SIGINT ? "SIGINT" : "SIGTERM",
            r->ck.pos ? r->ck.epoch + 1 : r->ck.epoch, r->o.epochs,
            r->ck.pos ? r->ck.pos : r->d.train.n, r->d.train.n, r->ckpt_path, r->o.save,
            r->m->name, r->ckpt_path);
    return 0;
}

/* The checkpoint to resume, checked against this network; its settings into *o. */
static int read_resume(const netc_model *m, netc_options *o, netc_checkpoint *saved,
                       netc_error *err)
{
    if (netc_checkpoint_read(o->resume, saved, err) < 0 ||
        netc_checkpoint_matches(o->resume, saved, m, err) < 0)
        return -1;
    if (saved->batch > m->batch)
        return netc_fail(err, "%s: batch %d, but network '%s' is compiled for at most %d",
                         o->resume, saved->batch, m->name, m->batch);
    o->lr = saved->lr;
    o->epochs = saved->epochs;
    o->batch = saved->batch;
    o->limit = saved->limit;
    o->shuffle = saved->shuffle;
    o->seed = saved->seed;
    o->init_weights = NULL;
    return 0;
}

static void print_start(const run *r)
{
    const netc_options *o = &r->o;
    char schedule[96];

    if (o->quiet)
        return;
    printf("%s: %d training samples, %d test samples, %d epochs, batch %d, lr %g", r->m->name,
           r->d.train.n, r->d.test.n, o->epochs, o->batch, o->lr);
    if (r->m->schedule != NETC_SCHED_CONSTANT)
        printf(" %s", netc_schedule_text(r->m, schedule, sizeof schedule));
    printf(", seed %llu", (unsigned long long)o->seed);
    if (o->threads > 1)
        printf(", %d threads", o->threads);
    if (o->comm)
        printf(", %d processes", o->comm->size);
    printf("\n");
    if (o->resume)
        printf("resuming %s at epoch %d/%d, sample %d of %d\n", o->resume,
               r->ck.epoch + (r->ck.epoch < o->epochs), o->epochs, r->ck.pos, r->d.train.n);
    fflush(stdout);
}

/* Runs the training; returns 0, -1 (error in err), or the signal that stopped it. */
static int train(run *r, netc_error *err)
{
    netc_checkpoint saved;
    struct sigaction old[2];
    int rc;

    memset(&saved, 0, sizeof saved);
    rc = r->o.resume ? read_resume(r->m, &r->o, &saved, err) : 0;
    if (rc == 0)
        rc = load_run(r->m, &r->o, &r->d, err);
    if (rc == 0)
        rc = checkpoint_path(r, err);
    if (rc == 0)
        rc = start_run(r, r->o.resume ? &saved : NULL, err);
    netc_checkpoint_free(&saved);
    if (rc < 0)
        return -1;
    print_start(r);
    catch_stop_signals(old);
    rc = run_epochs(r, err);
    restore_signals(old);
    if (rc == 1)
        return save_stopped(r, err) < 0 ? -1 : stop_signal;
    if (rc == 0)
        rc = netc_metrics_close(&r->mx, err);
    if (rc == 0 && r->writes)
        rc = netc_weights_save(r->o.save, r->m, r->m->params(r->state), &r->d.scaler, err);
    if (rc == 0 && !r->o.quiet)
        printf("saved %s\n", r->o.save);
    if (rc == 0 && r->o.report)
        rc = write_report(r, err);
    return rc;
}

/* Exit status: 0, 1 (an error: its message on stderr), 128 + the signal that stopped it. */
int netc_cmd_train(const netc_model *m, const netc_options *o)
{
    netc_error err;
    run r;
    int rc;

    memset(&r, 0, sizeof r);
    r.m = m;
    r.o = *o;
    r.writes = !o->comm || o->comm->rank == 0;
    r.train_accuracy = o->log || o->report;
    if (!r.writes) {            /* rank 0 speaks and writes for all */
        r.o.quiet = 1;
        r.o.log = NULL;
        r.o.report = NULL;
    }
    r.state = netc_state_alloc(m, &err);
    rc = r.state ? netc_engine_init(&r.engine, m, r.state, o->threads, &err) : -1;
    if (rc == 0)
        rc = train(&r, &err);
    if (rc < 0)
        netc_print_error(m, o->comm, &err);
    netc_engine_free(&r.engine);
    free_run(&r);
    free(r.state);
    return rc < 0 ? 1 : rc > 0 ? 128 + rc : 0;
}

static int eval(const netc_model *m, const netc_options *o, netc_error *err)
{
    netc_dataset test;
    netc_scaler s;
    batch_buf b;
    netc_engine e = { .m = m };
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
        rc = netc_engine_init(&e, m, state, o->threads, err);
    if (rc == 0)
        rc = evaluate(&e, o->comm, &test, &b, &acc, &loss, err);
    if (rc == 0 && (!o->comm || o->comm->rank == 0))
        printf("test accuracy %.2f%% (%d samples)  test loss %.7g\n", 100 * acc, test.n, loss);
    netc_engine_free(&e);
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
    netc_print_error(m, o->comm, &err);
    return 1;
}
