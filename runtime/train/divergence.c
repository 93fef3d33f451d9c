/* divergence.c - the guard against a run that no longer learns: a loss or parameter that
 * is not finite, or outputs that no longer depend on the inputs.  The message says which
 * layer, and the last good weights, those of the start of the epoch, are kept. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "io/weights.h"
#include "train/run.h"

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
            for (i = 0; i < netc_tensor_size(&m->tensors[t]); i++)
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
        for (i = 0; i < netc_tensor_size(&m->tensors[t]); i++)
            if (fabsf(p[m->tensors[t].offset + i]) > *largest) {
                *largest = fabsf(p[m->tensors[t].offset + i]);
                best = &m->tensors[t];
            }
    return best;
}

/* Training went wrong at `where`: the message (what, which layer, a hint), and the last
 * good weights, those of the start of the epoch, saved in place of the broken ones.  A
 * run that has not finished an epoch has trained nothing worth keeping: it writes no
 * weights, leaving whatever file is there (perhaps a trained network's) alone. */
static int diverged(netc_run *r, const char *where, const char *what, const char *layer_text,
                    netc_error *err)
{
    char saved[1100], ckpt[600] = "";
    netc_error save_err;

    if (!r->writes)
        snprintf(saved, sizeof saved, "rank 0 keeps the last good weights");
    else if (r->ck.epoch == 0)
        snprintf(saved, sizeof saved, "no epoch finished, so no weights were written: %s %s",
                 r->o.save, access(r->o.save, F_OK) == 0 ? "is as it was" : "was not created");
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

int netc_run_diverged(netc_run *r, int batch_no, double loss, netc_error *err)
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
static int collapsed(const netc_model *m, void *state, netc_batch *b, int n)
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
static int collapsed_anywhere(netc_run *r, netc_batch *b, int n)
{
    const netc_comm *comm = r->o.comm;
    int lo, hi;
    double any;

    netc_rank_share(n, comm, &lo, &hi);
    any = collapsed(r->m, r->state, b, hi - lo);
    if (comm)
        comm->sum_doubles(comm, &any, 1);
    return any > 0;
}

static int diverged_collapsed(netc_run *r, int batch_no, netc_error *err)
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

static int params_finite(const netc_model *m, void *state)
{
    const float *p = m->params(state);
    size_t i;

    for (i = 0; i < m->n_param; i++)
        if (!isfinite(p[i]))
            return 0;
    return 1;
}

int netc_run_check_finite(netc_run *r, int batch_no, netc_error *err)
{
    return params_finite(r->m, r->state) ? 0 : netc_run_diverged(r, batch_no, 0, err);
}

int netc_run_check_collapse(netc_run *r, int n, int batch_no, netc_error *err)
{
    return collapsed_anywhere(r, &r->d.train_buf, n) ? diverged_collapsed(r, batch_no, err) : 0;
}
