/* loop.c - the training loop: mini-batch gradient descent over the epochs, each ending
 * with an evaluation, a line, the log's row and a checkpoint; then the weights saved
 * and the report written.  The guard against divergence is in divergence.c, the
 * checkpoints in resume.c, stopping on a signal in signals.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/weights.h"
#include "model/rng.h"
#include "model/schedule.h"
#include "model/state.h"
#include "train/data.h"
#include "train/evaluate.h"
#include "train/outputs.h"
#include "train/run.h"
#include "train/run_report.h"
#include "train/signals.h"
#include "train/train.h"

static void free_run(netc_run *r)
{
    netc_dataset_free(&r->d.train);
    netc_dataset_free(&r->d.val);
    netc_dataset_free(&r->d.test);
    netc_scaler_free(&r->d.scaler);
    netc_batch_free(&r->d.train_buf);
    netc_batch_free(&r->d.val_buf);
    netc_batch_free(&r->d.test_buf);
    netc_metrics_free(&r->mx);
    free(r->good);
    free(r->best);
    free(r->ckpt_path);
    free(r->save_path);
    free(r->resumed_save);
}

/* Training (required), validation and test (optional) data, scaled with training
 * statistics. */
static int load_run(const netc_model *m, const netc_options *o, netc_run_data *d,
                    netc_error *err)
{
    if (netc_load_train_test(m, o, &d->train, &d->val, &d->test, &d->scaler, err) < 0)
        return -1;
    if (netc_batch_alloc(&d->train_buf, m, d->train.n, err) < 0 ||
        netc_batch_alloc(&d->val_buf, m, d->val.n, err) < 0 ||
        netc_batch_alloc(&d->test_buf, m, d->test.n, err) < 0)
        return -1;
    return 0;
}

/* A fresh run: the seed's weights (or --init-weights), the samples in file order. */
static int start_fresh(netc_run *r, netc_error *err)
{
    const netc_model *m = r->m;
    netc_scaler unused;
    int rc = 0;

    m->init(r->state, r->o.seed);
    if (r->o.init_weights) {
        rc = netc_weights_load(r->o.init_weights, m, m->params(r->state), &unused,
                               r->o.allow_other_network, err);
        netc_scaler_free(&unused);
    }
    netc_rng_seed(&r->ck.rng, r->o.seed ^ 0x53485546464c45ULL);  /* "SHUFFLE": not init's */
    return rc;
}

/* The run's identity and settings in r->ck; then a fresh or resumed start, and the log
 * (with a resumed run's rows so far). */
static int start_run(netc_run *r, const netc_checkpoint *saved, netc_error *err)
{
    const netc_model *m = r->m;
    netc_checkpoint *c = &r->ck;
    int i;

    if (!(r->save_path = netc_absolute_path(r->o.save)))
        return netc_fail(err, "out of memory");
    c->save = r->save_path;
    c->network = m->name;
    c->netc_version = m->netc_version;
    c->source_hash = m->source_hash;
    c->lr = r->o.lr;
    c->epochs = r->o.epochs;
    c->batch = r->o.batch;
    c->limit = r->o.limit;
    c->shuffle = r->o.shuffle;
    c->seed = r->o.seed;
    c->validation = r->o.validation;
    c->early_stop = r->o.early_stop;
    c->keep_best = r->o.keep_best;
    netc_plateau_start(&c->plateau, r->o.lr);
    c->best_loss = INFINITY;
    c->n_samples = r->d.train.n;
    c->data_hash = netc_dataset_fingerprint(&r->d.train);
    c->order = r->d.train_buf.order;
    c->state_size = m->state_size;
    c->state = r->state;
    r->good = netc_alloc(m->n_param, sizeof *r->good, "a copy of the parameters", err);
    if (r->o.keep_best) {
        r->best = netc_alloc(m->n_param, sizeof *r->best, "the best epoch's parameters", err);
        c->best = r->best;
        c->n_best = m->n_param;
        if (r->best)        /* no best epoch yet: what a checkpoint holds until there is */
            memset(r->best, 0, m->n_param * sizeof *r->best);
    }
    if (!r->good || (r->o.keep_best && !r->best) ||
        (saved ? netc_run_resume(r, saved, err) : start_fresh(r, err)) < 0)
        return -1;
    /* The log is created only once everything the run starts from has been accepted. */
    if (netc_metrics_open(&r->mx, r->o.log, (r->d.val.n > 0 ? NETC_METRICS_VALIDATION : 0) |
                          (netc_is_regression(r->m) ? NETC_METRICS_REGRESSION : 0), err) < 0)
        return -1;
    for (i = 0; saved && i < saved->n_rows; i++)
        if (netc_metrics_add(&r->mx, &saved->rows[i], err) < 0)
            return -1;
    return 0;
}

/* The gradient of the mini-batch order[i .. i+n) into the model's grads, its mean loss
 * into *loss, and whether to stop (a signal) into *stop.  With several processes each
 * runs its share of the batch, and the gradients (weighted by the share's size), losses
 * and stop requests are summed across them: all then hold the same batch mean gradient
 * and make the same decisions.  Dropout is on for this call alone, its key the run's
 * generator's next draw (the generator is in the checkpoint: a resumed run draws the
 * same keys; the threads never draw, so every --threads N draws the same). */
static int batch_gradient(netc_run *r, int i, int n, float *loss, int *stop, netc_error *err)
{
    const netc_model *m = r->m;
    const netc_comm *comm = r->o.comm;
    netc_batch *b = &r->d.train_buf;
    float *grad = m->grads(r->state);
    double sums[2];
    uint64_t key;
    int lo, hi;
    size_t k;

    netc_rank_share(n, comm, &lo, &hi);
    key = netc_dropout_key(m, &r->ck.rng);      /* every process draws it, share or none */
    *loss = 0;
    *stop = netc_stop_signal() != 0;
    if (hi > lo) {
        if (netc_batch_gather(m, &r->d.train, b, i + lo, hi - lo, err) < 0)
            return -1;
        netc_dropout_on(m, r->state, netc_dropout_share_key(key, lo));
        *loss = netc_engine_forward_backward(&r->engine, b->x, b->y, hi - lo);
        netc_dropout_off(m, r->state);
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
 * checkpoints every --checkpoint-every seconds.  0: epoch done; 1: a signal stopped it;
 * 2: a checkpoint could not be written. */
static int train_epoch(netc_run *r, float lr, netc_error *err)
{
    const netc_dataset *ds = &r->d.train;
    int batch = r->o.batch;

    while (r->ck.pos < ds->n) {
        int i = r->ck.pos, n = ds->n - i < batch ? ds->n - i : batch, stop;
        float batch_loss;
        if (batch_gradient(r, i, n, &batch_loss, &stop, err) < 0)
            return -1;
        if (!isfinite(batch_loss))
            return netc_run_diverged(r, i / batch + 1, batch_loss, err);
        netc_engine_update(&r->engine, lr);
        r->ck.loss_sum += (double)batch_loss * n;
        r->ck.pos = i + n;
        netc_progress_step(&r->bar, n, batch_loss);
        if (stop)
            return 1;
        if (r->o.checkpoint_every > 0 && r->ck.pos < ds->n &&
            netc_seconds_since(&r->last_ckpt) >= r->o.checkpoint_every &&
            netc_run_save_checkpoint(r, i / batch + 1, err) < 0)
            return -1;
        if (r->n_failures)
            return 2;
    }
    return netc_run_check_collapse(r, ds->n - (ds->n - 1) / batch * batch,
                                   (ds->n + batch - 1) / batch, err);
}

/* "  test acc 94.37%  test loss 0.031977", or a regression network's
 * "  test mae 0.0812  test rmse 0.1034  test r2 0.9876  test loss 0.005345". */
static void print_scores(const netc_model *m, const char *set, double acc, const netc_fit *fit,
                         double loss)
{
    netc_scores s;
    char text[160];

    s.acc = acc;
    s.fit = *fit;
    netc_scores_text(m, set, &s, text, sizeof text);
    printf("  %s  %s loss %.6f", text, set, loss);
}

static void print_epoch(const netc_run *r, const netc_epoch_metrics *row, double epoch_secs,
                        long samples)
{
    const netc_options *o = &r->o;

    printf("epoch %*d/%d  loss %.6f", (int)snprintf(NULL, 0, "%d", o->epochs), r->ck.epoch + 1,
           o->epochs, row->train_loss);
    if (r->d.val.n)
        print_scores(r->m, "val", row->val_acc, &row->val_fit, row->val_loss);
    if (r->d.test.n)
        print_scores(r->m, "test", row->test_acc, &row->test_fit, row->test_loss);
    printf("  %.0f samples/s  %.1f s\n", samples / (epoch_secs > 0 ? epoch_secs : 1e-9),
           row->elapsed_s);
    fflush(stdout);
}

/* The rate of the epoch about to run: the plateau schedule's, or the schedule's. */
static double epoch_lr(const netc_run *r)
{
    if (r->m->schedule == NETC_SCHED_PLATEAU)
        return r->ck.plateau.lr;
    return netc_schedule_lr(r->m, r->o.lr, r->ck.epoch, r->o.epochs);
}

/* Early stopping: --early-stop epochs have passed since the lowest validation loss (or
 * since the start, when none was finite).  Keras's EarlyStopping, min_delta 0. */
static int stops_early(const netc_run *r)
{
    return r->o.early_stop > 0 && r->ck.epoch - r->ck.best_epoch >= r->o.early_stop;
}

/* What the epoch's validation loss decides: the best epoch (and its weights, for --keep
 * best), the plateau schedule's next rate. */
static void watch_validation(netc_run *r, double loss)
{
    netc_checkpoint *c = &r->ck;
    double before = c->plateau.lr;

    if (loss < c->best_loss) {
        c->best_loss = loss;
        c->best_epoch = c->epoch + 1;
        if (r->best)
            memcpy(r->best, r->m->params(r->state), r->m->n_param * sizeof *r->best);
    }
    if (r->m->schedule == NETC_SCHED_PLATEAU && netc_plateau_step(&c->plateau, r->m, loss) &&
        !r->o.quiet)
        printf("epoch %d: validation loss %.6f, no lower than %.6f for %d epochs: learning "
               "rate %g -> %g\n", c->epoch + 1, loss, c->plateau.best, r->m->patience + 1,
               before, c->plateau.lr);
}

/* The end of an epoch: evaluation, its line and figures, then a checkpoint at the start of
 * the next (a log that cannot be written is recorded, and the checkpoint still written).
 * The training accuracy is that of the end-of-epoch weights, from one forward
 * pass over the training set: measured only when a log or report asks for it. */
static int end_epoch(netc_run *r, float lr, double epoch_secs, long samples, netc_error *err)
{
    netc_epoch_metrics row;
    netc_error log_err;
    const netc_fit none = { NAN, NAN, NAN };
    netc_scores val = { NAN, NAN, none }, test = val, train;
    netc_run_data *d = &r->d;

    if (d->val.n && netc_score(&r->engine, r->o.comm, &d->val, &d->val_buf, &val, err) < 0)
        return -1;
    if (d->test.n && netc_score(&r->engine, r->o.comm, &d->test, &d->test_buf, &test, err) < 0)
        return -1;
    row.epoch = r->ck.epoch + 1;
    row.train_loss = r->ck.loss_sum / d->train.n;
    row.train_acc = NAN;
    row.test_acc = test.acc;
    row.test_loss = test.loss;
    row.test_fit = test.fit;
    row.val_acc = val.acc;
    row.val_loss = val.loss;
    row.val_fit = val.fit;
    row.train_fit = none;
    row.learning_rate = lr;
    row.samples_per_s = samples / (epoch_secs > 0 ? epoch_secs : 1e-9);
    row.elapsed_s = r->elapsed_before + netc_seconds_since(&r->t0);
    if (!r->o.quiet)
        print_epoch(r, &row, epoch_secs, samples);
    if (d->val.n)
        watch_validation(r, val.loss);
    if (r->train_accuracy) {
        if (netc_score(&r->engine, r->o.comm, &d->train, &d->train_buf, &train, err) < 0)
            return -1;
        row.train_acc = train.acc;
        row.train_fit = train.fit;
    }
    if (netc_metrics_add(&r->mx, &row, &log_err) < 0) {
        netc_run_failed(r, &log_err);
        netc_metrics_close(&r->mx, &log_err);       /* no further rows to it */
    }
    if (r->o.report && r->ck.epoch + 1 < r->o.epochs && netc_run_report(r, 0, &log_err) < 0)
        netc_run_failed(r, &log_err);       /* the run so far, to be watched */
    r->ck.epoch++;
    r->ck.pos = 0;
    r->ck.loss_sum = 0;
    return netc_run_save_checkpoint(r, (d->train.n + r->o.batch - 1) / r->o.batch, err);
}

/* The epochs from where the run stands: shuffle, mini-batches (a live bar on a terminal),
 * evaluation and one line each.  0: done; 1: stopped by a signal; 2: stopped because an
 * output (the log, a checkpoint) could not be written. */
static int run_epochs(netc_run *r, netc_error *err)
{
    const netc_options *o = &r->o;
    int rc;

    netc_progress_init(&r->bar, !o->quiet);
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    r->last_ckpt = r->t0;
    while (r->ck.epoch < o->epochs && !stops_early(r)) {
        float lr = (float)epoch_lr(r);
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
        if (end_epoch(r, lr, netc_seconds_since(&te), r->d.train.n - first, err) < 0)
            return -1;
        if (r->n_failures)
            return 2;
        if (netc_stop_signal() && r->ck.epoch < o->epochs)
            return 1;
    }
    return 0;
}

static void print_start(const netc_run *r)
{
    const netc_options *o = &r->o;
    char schedule[96];

    if (o->quiet)
        return;
    printf("%s: %d training samples, ", r->m->name, r->d.train.n);
    if (r->d.val.n)
        printf("%d validation samples, ", r->d.val.n);
    printf("%d test samples, %d epochs, batch %d, lr %g", r->d.test.n, o->epochs, o->batch,
           o->lr);
    if (r->m->schedule != NETC_SCHED_CONSTANT)
        printf(" %s", netc_schedule_text(r->m, schedule, sizeof schedule));
    printf(", seed %llu", (unsigned long long)o->seed);
    if (o->threads > 1)
        printf(", %d threads", o->threads);
    if (o->comm)
        printf(", %d processes", o->comm->size);
    if (o->early_stop)
        printf(", early stop after %d", o->early_stop);
    if (o->keep_best)
        printf(", keep best");
    printf("\n");
    if (o->resume)
        printf("resuming %s at epoch %d/%d, sample %d of %d; weights to %s\n", o->resume,
               r->ck.epoch + (r->ck.epoch < o->epochs), o->epochs, r->ck.pos, r->d.train.n,
               o->save);
    fflush(stdout);
}

/* A run that ended early, or keeps its best epoch's weights: says which, and puts them
 * into the model (to be saved, and reported on). */
static void use_best(netc_run *r)
{
    const netc_checkpoint *c = &r->ck;
    const netc_epoch_metrics *best = c->best_epoch ? &r->mx.rows[c->best_epoch - 1] : NULL;
    netc_scores s;
    char text[160];

    if (stops_early(r) && !r->o.quiet)
        printf("early stop after epoch %d: no validation loss below %.6f (epoch %d) in %d "
               "epochs\n", c->epoch, c->best_loss, c->best_epoch, r->o.early_stop);
    if (!r->best || !best)
        return;
    memcpy(r->m->params(r->state), r->best, r->m->n_param * sizeof *r->best);
    s.loss = best->val_loss;
    s.acc = best->val_acc;
    s.fit = best->val_fit;
    netc_scores_text(r->m, "val", &s, text, sizeof text);   /* val acc, or val mae ... */
    if (!r->o.quiet)
        printf("keeping epoch %d of %d: the lowest validation loss, %.6f (%s)\n",
               c->best_epoch, c->epoch, best->val_loss, text);
}

/* A finished run's outputs: the log closed, the weights saved, the report written, each
 * attempted whatever became of the others (failures in r->failures). */
static void finish(netc_run *r)
{
    netc_error e;

    use_best(r);
    if (netc_metrics_close(&r->mx, &e) < 0)
        netc_run_failed(r, &e);
    if (r->writes) {
        if (netc_weights_save(r->o.save, r->m, r->m->params(r->state), &r->d.scaler, &e) < 0)
            netc_run_failed(r, &e);
        else
            netc_run_saved(r);
    }
    if (r->o.report && netc_run_report(r, 1, &e) < 0)
        netc_run_failed(r, &e);
}

/* Runs the training; returns 0, -1 (error in err; every output that could not be written
 * named), or the signal that stopped it. */
static int train(netc_run *r, netc_error *err)
{
    netc_checkpoint saved;
    struct sigaction old[2];
    int rc;

    memset(&saved, 0, sizeof saved);
    rc = r->o.resume ? netc_run_read_resume(r, &saved, err) : 0;
    if (rc == 0)
        rc = netc_check_writable(&r->o, err);
    if (rc == 0)
        rc = load_run(r->m, &r->o, &r->d, err);
    if (rc == 0)
        rc = netc_run_checkpoint_path(r, err);
    if (rc == 0)
        rc = start_run(r, r->o.resume ? &saved : NULL, err);
    netc_checkpoint_free(&saved);
    if (rc < 0)
        return -1;
    print_start(r);
    netc_catch_stop_signals(old);
    rc = run_epochs(r, err);
    netc_restore_signals(old);
    if (rc < 0 || (rc > 0 && netc_run_save_stopped(r, err) < 0))
        return -1;
    if (rc == 0)
        finish(r);
    if (r->n_failures) {
        *err = r->failures;
        return -1;
    }
    return rc == 1 ? netc_stop_signal() : rc;
}

int netc_train(const netc_model *m, const netc_options *o, netc_error *err)
{
    netc_run r;
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
    r.state = netc_state_alloc(m, err);
    rc = r.state ? netc_engine_init(&r.engine, m, r.state, o->threads, err) : -1;
    if (rc == 0)
        rc = train(&r, err);
    netc_engine_free(&r.engine);
    free_run(&r);
    free(r.state);
    return rc;
}
