/* resume.c - a run's checkpoints: where they go, saving one (every --checkpoint-every
 * seconds, after every epoch, when a signal stops the run), resuming from one, and
 * removing a finished run's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/weights.h"
#include "train/outputs.h"
#include "train/run.h"
#include "train/signals.h"

/* The checkpoint to resume, checked against this network; its settings into r->o, and
 * its weights file unless --save was given. */
int netc_run_read_resume(netc_run *r, netc_checkpoint *saved, netc_error *err)
{
    const netc_model *m = r->m;
    netc_options *o = &r->o;

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
    o->validation = saved->validation;
    o->early_stop = saved->early_stop;
    o->keep_best = saved->keep_best;
    o->init_weights = NULL;
    if (!o->save_given && saved->save[0]) {
        if (!(r->resumed_save = strdup(saved->save)))
            return netc_fail(err, "out of memory");
        o->save = r->resumed_save;
    }
    return 0;
}

/* Where the run's checkpoints go (outputs.c says which file). */
int netc_run_checkpoint_path(netc_run *r, netc_error *err)
{
    r->ckpt_path = netc_checkpoint_path(&r->o);
    return r->ckpt_path ? 0 : netc_fail(err, "out of memory");
}

/* What the validation losses decided before the interruption; the best weights. */
static int resume_monitor(netc_run *r, const netc_checkpoint *saved, netc_error *err)
{
    r->ck.plateau = saved->plateau;
    r->ck.best_loss = saved->best_loss;
    r->ck.best_epoch = saved->best_epoch;
    if (!r->best)
        return 0;
    if (saved->n_best != r->m->n_param)
        return netc_fail(err, "%s: the checkpoint keeps %zu best weights, network '%s' has %zu"
                         "\nhint: the checkpoint is corrupt; train again", r->o.resume,
                         saved->n_best, r->m->name, r->m->n_param);
    memcpy(r->best, saved->best, saved->n_best * sizeof *r->best);
    return 0;
}

/* A resumed run: the checkpoint's state, position and order, on the same data. */
int netc_run_resume(netc_run *r, const netc_checkpoint *saved, netc_error *err)
{
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
    return resume_monitor(r, saved, err);
}

void netc_run_failed(netc_run *r, const netc_error *e)
{
    size_t n = strlen(r->failures.msg);

    if (r->n_failures++ == 0)
        snprintf(r->failures.msg, sizeof r->failures.msg, "%s", e->msg);
    else
        snprintf(r->failures.msg + n, sizeof r->failures.msg - n, "\n%s: error: %s",
                 r->m->name, e->msg);
}

/* Saves where the run stands (never a state with non-finite parameters). */
int netc_run_save_checkpoint(netc_run *r, int batch_no, netc_error *err)
{
    netc_error e;

    if (netc_run_check_finite(r, batch_no, err) < 0)
        return -1;
    if (!r->writes)
        return 0;
    r->ck.elapsed_s = r->elapsed_before + netc_seconds_since(&r->t0);
    r->ck.rows = r->mx.rows;
    r->ck.n_rows = r->mx.n;
    clock_gettime(CLOCK_MONOTONIC, &r->last_ckpt);
    r->ckpt_failed = netc_checkpoint_write(r->ckpt_path, &r->ck, &e) < 0;
    if (r->ckpt_failed)
        netc_run_failed(r, &e);
    return 0;
}

/* " OPTION ARG" appended to buf (either may be NULL), ARG quoted for a shell if needed. */
static void put_arg(char *buf, size_t size, const char *option, const char *arg)
{
    static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                "0123456789_./-+=,:@%";
    size_t n = strlen(buf);

    if (option)
        n += (size_t)snprintf(buf + n, n < size ? size - n : 0, " %s", option);
    if (!arg || n >= size)
        return;
    if (arg[0] && strspn(arg, plain) == strlen(arg)) {
        snprintf(buf + n, size - n, " %s", arg);
        return;
    }
    n += (size_t)snprintf(buf + n, size - n, " '");
    for (; *arg && n + 5 < size; arg++)
        n += (size_t)snprintf(buf + n, size - n, *arg == '\'' ? "'\\''" : "%c", *arg);
    snprintf(buf + n, n < size ? size - n : 0, "'");
}

static int differs(const char *a, const char *b)
{
    return !a != !b || (a && strcmp(a, b) != 0);
}

/* The data options of the run that the .net file's data block does not give: with
 * them the resume command works as pasted. */
static void data_options(const netc_run *r, char *buf, size_t size)
{
    static const char *const label_words[] = { NETC_LABEL_COLUMNS(NETC_WORD, ) };
    const netc_options *o = &r->o;
    const netc_data_defaults *d = &r->m->data;
    char index[16];

    if (o->format == NETC_DATA_CSV) {
        if (differs(o->train_csv, d->train_csv))
            put_arg(buf, size, "--train-csv", o->train_csv);
        if (o->test_csv && differs(o->test_csv, d->test_csv))
            put_arg(buf, size, "--test-csv", o->test_csv);
        snprintf(index, sizeof index, "%d", o->csv.label_index);
        if (o->label_given)
            put_arg(buf, size, "--label-column", o->csv.label_column == NETC_LABEL_INDEX ?
                    index : label_words[o->csv.label_column]);
        if (o->csv.header && !d->header)
            put_arg(buf, size, "--header", NULL);
    } else if (o->format == NETC_DATA_IDX) {
        if (differs(o->train_images, d->train_images))
            put_arg(buf, size, "--train-images", o->train_images);
        if (differs(o->train_labels, d->train_labels))
            put_arg(buf, size, "--train-labels", o->train_labels);
        if (o->test_images && differs(o->test_images, d->test_images))
            put_arg(buf, size, "--test-images", o->test_images);
        if (o->test_labels && differs(o->test_labels, d->test_labels))
            put_arg(buf, size, "--test-labels", o->test_labels);
    }
}

/* Stopped early: the checkpoint (unless writing it is what failed) and the weights, each
 * attempted; what was written, and how to go on. */
int netc_run_save_stopped(netc_run *r, netc_error *err)
{
    int batch_no = (r->ck.pos + r->o.batch - 1) / r->o.batch, sig = netc_stop_signal();
    int weights_ok;
    netc_error e;
    char command[6144] = "";

    if (!r->writes)
        return 0;
    if (!r->ckpt_failed && netc_run_save_checkpoint(r, batch_no, err) < 0)
        return -1;
    weights_ok = netc_weights_save(r->o.save, r->m, r->m->params(r->state), &r->d.scaler, &e) == 0;
    if (!weights_ok)
        netc_run_failed(r, &e);
    fprintf(stderr, "%s: stopped%s in epoch %d/%d after %d of %d samples%s\n", r->m->name,
            !sig ? "" : sig == SIGINT ? " by SIGINT" : " by SIGTERM",
            r->ck.pos ? r->ck.epoch + 1 : r->ck.epoch, r->o.epochs,
            r->ck.pos ? r->ck.pos : r->d.train.n, r->d.train.n,
            r->n_failures ? ": an output could not be written (below)" : "");
    if (!r->ckpt_failed)
        fprintf(stderr, "checkpoint %s\n", r->ckpt_path);
    if (weights_ok)
        fprintf(stderr, "weights %s\n", r->o.save);
    if (r->ckpt_failed)
        return 0;
    put_arg(command, sizeof command, NULL, r->o.program);
    put_arg(command, sizeof command, "train --resume", r->ckpt_path);
    data_options(r, command, sizeof command);
    if (r->o.log)           /* the log and report go on from where they stopped */
        put_arg(command, sizeof command, "--log", r->o.log);
    if (r->o.report)
        put_arg(command, sizeof command, "--report", r->o.report);
    fprintf(stderr, "resume with:%s\n", command);
    return 0;
}

void netc_run_saved(netc_run *r)
{
    int kept = r->o.keep_checkpoint && !r->ckpt_failed;
    struct stat st;

    if (!r->o.keep_checkpoint && lstat(r->ckpt_path, &st) == 0 && S_ISREG(st.st_mode) &&
        unlink(r->ckpt_path) != 0)
        fprintf(stderr, "%s: warning: cannot remove the finished run's checkpoint %s: %s\n",
                r->m->name, r->ckpt_path, strerror(errno));
    if (r->o.quiet)
        return;
    if (kept)
        printf("saved %s, checkpoint %s\n", r->o.save, r->ckpt_path);
    else
        printf("saved %s\n", r->o.save);
}
