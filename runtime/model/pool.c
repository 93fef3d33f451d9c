/* pool.c - a fixed set of threads that run one task at a time, all together.
 *
 * netc_pool_run(pool, fn, ctx) calls fn(ctx, t, T) on each of the T threads (the
 * caller is thread 0) and returns when every call has returned: the return is the
 * barrier between one part of a training step and the next.  A step has only a few
 * parts of a few microseconds each, so the workers spin while waiting for the next
 * task rather than sleep (a futex wake-up costs more than the part); after a while
 * without work (loading data, the end of training) they sleep on a condition
 * variable.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "model/pool.h"

#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax() __builtin_ia32_pause()
#else
#define cpu_relax() ((void)0)
#endif

/* Waiting: pause instructions first (a part ends within microseconds), then yielding
 * the core (more threads than free cores: the one being waited for may need it),
 * and for a worker, after about a millisecond without work, sleeping. */
enum { SPINS_BEFORE_YIELD = 2000, WAITS_BEFORE_SLEEP = 20000 };

/* The i-th wait for something another thread will do. */
static void wait_a_little(int i)
{
    if (i < SPINS_BEFORE_YIELD)
        cpu_relax();
    else
        sched_yield();
}

struct netc_pool {
    int n;                          /* threads, the caller included */
    pthread_t *workers;             /* n - 1 */
    struct worker_arg *args;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    /* Written by the caller under lock, read by the workers with atomics: */
    unsigned generation;            /* one more per task */
    int sleepers;                   /* workers waiting on wake */
    int stop;
    netc_task task;
    void *ctx;
    int pending;                    /* workers still running the current task */
};

struct worker_arg {
    netc_pool *pool;
    int t;
};

/* Waits for a generation other than seen; returns it. */
static unsigned next_generation(netc_pool *p, unsigned seen)
{
    unsigned g;
    for (int i = 0; i < WAITS_BEFORE_SLEEP; i++) {
        g = __atomic_load_n(&p->generation, __ATOMIC_ACQUIRE);
        if (g != seen)
            return g;
        wait_a_little(i);
    }
    pthread_mutex_lock(&p->lock);
    p->sleepers++;
    while ((g = __atomic_load_n(&p->generation, __ATOMIC_ACQUIRE)) == seen)
        pthread_cond_wait(&p->wake, &p->lock);
    p->sleepers--;
    pthread_mutex_unlock(&p->lock);
    return g;
}

static void *worker(void *arg)
{
    struct worker_arg *w = arg;
    netc_pool *p = w->pool;
    unsigned seen = 0;

    for (;;) {
        seen = next_generation(p, seen);
        if (__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE))
            return NULL;
        p->task(p->ctx, w->t, p->n);
        __atomic_fetch_sub(&p->pending, 1, __ATOMIC_RELEASE);
    }
}

/* Starts the next generation: a new task, or stop. */
static void publish(netc_pool *p)
{
    pthread_mutex_lock(&p->lock);
    __atomic_store_n(&p->generation, p->generation + 1, __ATOMIC_RELEASE);
    if (p->sleepers)
        pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
}

void netc_pool_run(netc_pool *p, netc_task task, void *ctx)
{
    if (p->n == 1) {
        task(ctx, 0, 1);
        return;
    }
    p->task = task;
    p->ctx = ctx;
    __atomic_store_n(&p->pending, p->n - 1, __ATOMIC_RELAXED);
    publish(p);
    task(ctx, 0, p->n);
    for (int i = 0; __atomic_load_n(&p->pending, __ATOMIC_ACQUIRE) > 0; i++)
        wait_a_little(i);
}

int netc_pool_size(const netc_pool *p)
{
    return p->n;
}

netc_pool *netc_pool_new(int threads, netc_error *err)
{
    netc_pool *p;
    int t;

    if (threads < 1 || threads > NETC_MAX_THREADS) {
        netc_fail(err, "--threads %d: expected 1 to %d", threads, NETC_MAX_THREADS);
        return NULL;
    }
    p = netc_alloc(1, sizeof *p, "the thread pool", err);
    if (!p)
        return NULL;
    memset(p, 0, sizeof *p);
    p->n = threads;
    p->workers = netc_alloc((size_t)threads, sizeof *p->workers, "the thread pool", err);
    p->args = netc_alloc((size_t)threads, sizeof *p->args, "the thread pool", err);
    if (!p->workers || !p->args) {
        free(p->workers);
        free(p->args);
        free(p);
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    for (t = 1; t < threads; t++) {
        p->args[t].pool = p;
        p->args[t].t = t;
        int rc = pthread_create(&p->workers[t], NULL, worker, &p->args[t]);
        if (rc != 0) {
            p->n = t;       /* stop the ones already running */
            netc_pool_free(p);
            netc_fail(err, "cannot start thread %d of %d: %s%s", t + 1, threads, strerror(rc),
                      rc == EAGAIN ? "\nhint: a limit on threads or memory was reached (ulimit "
                      "-u, -v); ask for fewer with --threads" : "");
            return NULL;
        }
    }
    return p;
}

void netc_pool_free(netc_pool *p)
{
    if (!p)
        return;
    __atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
    publish(p);
    for (int t = 1; t < p->n; t++)
        pthread_join(p->workers[t], NULL);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p->workers);
    free(p->args);
    free(p);
}
