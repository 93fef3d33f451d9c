/* engine.c - the model's entry points on one thread or several.
 *
 * A generated model splits each entry point into parts (see NAME.h): threads run a
 * part together, each on its share (rows of the batch, rows of a gradient, a range of
 * the parameters), and all finish one part before any starts the next.  The engine
 * runs those parts on its pool, in the order the serial entry point runs them.
 */
#include <stdlib.h>

#include "model/engine.h"

/* The arguments of one part, for every thread. */
typedef struct part_args {
    const netc_model *m;
    void *state;
    const float *x, *y;
    float *out;
    int n;
    float lr;
} part_args;

static void run_forward(void *ctx, int t, int T)
{
    part_args *a = ctx;
    a->m->part_forward(a->state, a->x, a->y, a->out, a->n, t, T);
}

static void run_prepare(void *ctx, int t, int T)
{
    part_args *a = ctx;
    a->m->part_prepare(a->state, t, T);
}

static void run_errors(void *ctx, int t, int T)
{
    part_args *a = ctx;
    a->m->part_errors(a->state, a->x, a->y, a->n, t, T);
}

static void run_gradients(void *ctx, int t, int T)
{
    part_args *a = ctx;
    a->m->part_gradients(a->state, a->x, a->n, t, T);
}

static void run_update(void *ctx, int t, int T)
{
    part_args *a = ctx;
    a->m->part_update(a->state, a->lr, t, T);
}

/* Waking the other threads and waiting for them costs a few microseconds: parts with
 * less work than this many multiply-adds (samples × parameters, or for the optimizer
 * step 8 operations per parameter) run on the calling thread alone.  The results are
 * the same either way.  The environment variable NETC_PARALLEL_MIN_WORK changes it
 * (0: every part on every thread, as the tests do). */
#define MIN_PARALLEL_WORK (1 << 20)

static double min_parallel_work(void)
{
    const char *v = getenv("NETC_PARALLEL_MIN_WORK");
    char *end;
    double d = v ? strtod(v, &end) : 0;
    return v && *v && !*end && d >= 0 ? d : MIN_PARALLEL_WORK;
}

/* One part on every thread of the pool, or on this one when it is small. */
static void run(netc_engine *e, netc_task part, part_args *a)
{
    double work = (double)e->m->n_param * (a->n > 0 ? a->n : 8);
    if (e->pool && work >= e->min_work)
        netc_pool_run(e->pool, part, a);
    else
        part(a, 0, 1);
}

int netc_engine_init(netc_engine *e, const netc_model *m, void *state, int threads,
                     netc_error *err)
{
    e->m = m;
    e->state = state;
    e->pool = NULL;
    e->min_work = min_parallel_work();
    if (threads == 1 || !m->part_forward)
        return 0;
    e->pool = netc_pool_new(threads, err);
    return e->pool ? 0 : -1;
}

void netc_engine_free(netc_engine *e)
{
    netc_pool_free(e->pool);
    e->pool = NULL;
}

void netc_engine_forward(netc_engine *e, const float *x, float *out, int n)
{
    part_args a = { e->m, e->state, x, NULL, out, n, 0 };
    if (!e->m->part_forward)
        e->m->forward(e->state, x, out, n);
    else
        run(e, run_forward, &a);
}

float netc_engine_eval(netc_engine *e, const float *x, const float *y, float *out, int n)
{
    part_args a = { e->m, e->state, x, y, out, n, 0 };
    if (!e->m->part_forward) {
        e->m->forward(e->state, x, out, n);
        return e->m->loss_fn(e->state, x, y, n);
    }
    run(e, run_forward, &a);
    return e->m->batch_loss(e->state, n);
}

float netc_engine_forward_backward(netc_engine *e, const float *x, const float *y, int n)
{
    part_args a = { e->m, e->state, x, y, NULL, n, 0 };
    if (!e->pool)
        return e->m->forward_backward(e->state, x, y, n);
    run(e, run_prepare, &a);
    run(e, run_errors, &a);
    run(e, run_gradients, &a);
    return e->m->batch_loss(e->state, n);
}

void netc_engine_update(netc_engine *e, float lr)
{
    part_args a = { e->m, e->state, NULL, NULL, NULL, 0, lr };
    if (!e->pool) {
        e->m->update(e->state, lr);
        return;
    }
    run(e, run_update, &a);
    e->m->update_end(e->state);
}
