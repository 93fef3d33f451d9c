/* bench.c - the bench command: training and inference speed of the model on real data.
 *
 * Prints `key value` lines for scripts (bench/run.sh reads them):
 *   training    forward_backward + update over shuffled mini-batches of --batch [the
 *               compiled batch], one rate per epoch after --warmup epochs; median, min, max
 *   inference   forward over the test set (the training set without one) in full batches,
 *               and one sample per call; median, min, max of --epochs repetitions
 * each as samples per second of wall-clock time and (keys with _cpu_) per second of the
 * process's processor time, all its threads': on a shared machine the second is what the
 * work costs, the first also what other jobs took.
 * Data is read, scaled and turned into targets once; each epoch's shuffle permutes the
 * rows in place before its clock starts, so a timed epoch runs the model and nothing else.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands/commands.h"
#include "io/weights.h"
#include "model/engine.h"
#include "model/rng.h"
#include "model/schedule.h"
#include "model/state.h"
#include "train/data.h"

/* An inference repetition runs whole passes over the data until at least this long. */
#define BENCH_MIN_SECONDS 0.2

/* The data, loaded once: I = n_input, O = n_output, N = training samples. */
typedef struct bench_data {
    netc_dataset train, test;
    netc_scaler scaler;
    float *y;           /* [N][O] training targets, shuffled with train.x */
    float *row;         /* [max(I, O)] scratch for swapping rows */
    float *out;         /* [B][O] outputs of forward */
} bench_data;

/* Median, min and max of one measurement's rates (samples/s). */
typedef struct bench_stats {
    double median, min, max;
} bench_stats;

/* Wall-clock and processor seconds, read together. */
typedef struct clocks {
    double wall, cpu;
} clocks;

static double seconds_of(clockid_t id)
{
    struct timespec t;

    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static clocks clocks_now(void)
{
    clocks c = { seconds_of(CLOCK_MONOTONIC), seconds_of(CLOCK_PROCESS_CPUTIME_ID) };

    return c;
}

/* Rates of n samples since `since`: samples per wall second, per processor second into
 * *cpu_rate. */
static double rates_since(clocks since, double n, double *cpu_rate)
{
    clocks now = clocks_now();
    double wall = now.wall - since.wall, cpu = now.cpu - since.cpu;

    *cpu_rate = n / (cpu > 0 ? cpu : 1e-9);
    return n / (wall > 0 ? wall : 1e-9);
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* Sorts rate[0..n) and summarises it; n >= 1. */
static bench_stats summarise(double *rate, int n)
{
    bench_stats s;

    qsort(rate, (size_t)n, sizeof *rate, compare_double);
    s.median = n % 2 ? rate[n / 2] : (rate[n / 2 - 1] + rate[n / 2]) / 2;
    s.min = rate[0];
    s.max = rate[n - 1];
    return s;
}

static void free_data(bench_data *d)
{
    netc_dataset_free(&d->train);
    netc_dataset_free(&d->test);
    netc_scaler_free(&d->scaler);
    free(d->y);
    free(d->row);
    free(d->out);
    memset(d, 0, sizeof *d);
}

/* Targets of every training sample, in file order. */
static int make_targets(const netc_model *m, bench_data *d, netc_error *err)
{
    int *idx = netc_alloc((size_t)d->train.n, sizeof *idx, "sample indices", err);
    int i, rc;

    d->y = netc_alloc((size_t)d->train.n, (size_t)m->n_output * sizeof *d->y, "targets", err);
    if (!idx || !d->y) {
        free(idx);
        return -1;
    }
    for (i = 0; i < d->train.n; i++)
        idx[i] = i;
    rc = netc_dataset_targets(&d->train, idx, d->train.n, m->n_output, m->data.targets, d->y,
                              err);
    free(idx);
    return rc;
}

/* Training data (required), test data (optional), scaled as `train` scales them. */
static int load_data(const netc_model *m, const netc_options *o, bench_data *d,
                     netc_error *err)
{
    int widest = m->n_input > m->n_output ? m->n_input : m->n_output;

    memset(d, 0, sizeof *d);
    if (netc_load_train_test(m, o, &d->train, NULL, &d->test, &d->scaler, err) < 0)
        return -1;
    d->row = netc_alloc((size_t)widest, sizeof *d->row, "row buffer", err);
    d->out = netc_alloc((size_t)m->batch, (size_t)m->n_output * sizeof *d->out, "outputs", err);
    if (!d->row || !d->out)
        return -1;
    return make_targets(m, d, err);
}

/* Exchanges rows i and j of the [rows][width] array a. */
static void swap_rows(float *a, int width, int i, int j, float *tmp)
{
    size_t bytes = (size_t)width * sizeof *a;

    memcpy(tmp, a + (size_t)i * width, bytes);
    memcpy(a + (size_t)i * width, a + (size_t)j * width, bytes);
    memcpy(a + (size_t)j * width, tmp, bytes);
}

/* Fisher-Yates over the samples, moving inputs and targets together. */
static void shuffle_rows(const netc_model *m, bench_data *d, netc_rng *rng)
{
    int i;

    for (i = d->train.n - 1; i > 0; i--) {
        int j = (int)netc_rng_below(rng, (uint32_t)i + 1);
        swap_rows(d->train.x, m->n_input, i, j, d->row);
        swap_rows(d->y, m->n_output, i, j, d->row);
    }
}

/* One timed epoch of mini-batch SGD, with dropout as `train` runs it (a key per batch
 * from rng); returns samples/s, per processor second into *cpu_rate, the mean loss
 * into *loss. */
static double train_epoch(netc_engine *e, const bench_data *d, int batch, float lr,
                          netc_rng *rng, double *loss, double *cpu_rate)
{
    const netc_model *m = e->m;
    double loss_sum = 0;
    clocks t0 = clocks_now();
    int i;

    for (i = 0; i < d->train.n; i += batch) {
        int n = d->train.n - i < batch ? d->train.n - i : batch;
        netc_dropout_on(m, e->state, netc_dropout_key(m, rng));
        loss_sum += (double)netc_engine_forward_backward(e, d->train.x + (size_t)i * m->n_input,
                                                         d->y + (size_t)i * m->n_output, n) * n;
        netc_dropout_off(m, e->state);
        netc_engine_update(e, lr);
    }
    *loss = loss_sum / d->train.n;
    return rates_since(t0, d->train.n, cpu_rate);
}

/* Warm-up epochs, then o->epochs timed ones; rates into rate[0..o->epochs), per
 * processor second into cpu_rate. */
static int bench_training(netc_engine *e, const netc_options *o, bench_data *d, double *rate,
                          double *cpu_rate, double *loss, netc_error *err)
{
    const netc_model *m = e->m;
    netc_rng rng;
    int epoch;

    m->init(e->state, o->seed);
    netc_rng_seed(&rng, o->seed ^ 0x53485546464c45ULL);   /* "SHUFFLE", as train uses */
    for (epoch = 0; epoch < o->warmup + o->epochs; epoch++) {
        float lr = (float)netc_schedule_lr(m, o->lr, epoch, o->warmup + o->epochs);
        double r, cpu;
        if (o->shuffle)
            shuffle_rows(m, d, &rng);
        r = train_epoch(e, d, o->batch, lr, &rng, loss, &cpu);
        if (!isfinite(*loss))
            return netc_fail(err, "epoch %d: the training loss became %g\nhint: lower the "
                             "learning rate (--lr)", epoch + 1, *loss);
        if (epoch >= o->warmup) {
            rate[epoch - o->warmup] = r;
            cpu_rate[epoch - o->warmup] = cpu;
        }
    }
    return 0;
}

/* One pass of forward over ds, `chunk` samples per call. */
static void forward_pass(netc_engine *e, const netc_dataset *ds, float *out, int chunk)
{
    int i;

    for (i = 0; i < ds->n; i += chunk)
        netc_engine_forward(e, ds->x + (size_t)i * e->m->n_input, out,
                            ds->n - i < chunk ? ds->n - i : chunk);
}

/* One inference repetition: whole passes until BENCH_MIN_SECONDS; returns samples/s,
 * per processor second into *cpu_rate. */
static double infer_rep(netc_engine *e, const netc_dataset *ds, float *out, int chunk,
                        double *cpu_rate)
{
    clocks t0 = clocks_now();
    long samples = 0;

    do {
        forward_pass(e, ds, out, chunk);
        samples += ds->n;
    } while (clocks_now().wall - t0.wall < BENCH_MIN_SECONDS);
    return rates_since(t0, (double)samples, cpu_rate);
}

/* One untimed pass, then `reps` timed repetitions (rate, cpu_rate: room for reps);
 * their rates' summaries, per processor second into *cpu. */
static bench_stats bench_inference(netc_engine *e, const netc_dataset *ds, float *out,
                                   int chunk, double *rate, double *cpu_rate, int reps,
                                   bench_stats *cpu)
{
    int r;

    forward_pass(e, ds, out, chunk);
    for (r = 0; r < reps; r++)
        rate[r] = infer_rep(e, ds, out, chunk, &cpu_rate[r]);
    *cpu = summarise(cpu_rate, reps);
    return summarise(rate, reps);
}

/* Multiply-adds of one sample's forward pass in the layer with weight tensor w: each of
 * the units' fan_in weights once per output position (OH x OW of a conv layer, 1 for a
 * dense one), as the .net summary counts them.  out_shape: the layer's C x H x W, or NULL
 * (a hand-written model without a layer table: dense). */
static double layer_macs(const netc_tensor *w, const int *out_shape)
{
    return (double)netc_tensor_size(w) * (out_shape ? (double)out_shape[1] * out_shape[2] : 1);
}

/* Forward multiply-adds per sample, summed over the layers with weights; into *first,
 * the first such layer's (it needs no input gradient).  From the layer table, else from
 * the weight tensors (rank 2 and up). */
static double forward_macs(const netc_model *m, double *first)
{
    double macs = 0, l_macs;
    int l, t;

    *first = -1;
    for (l = 0; l < m->n_layer && m->layers; l++)
        if (m->layers[l].weight >= 0) {
            l_macs = layer_macs(&m->tensors[m->layers[l].weight], m->layers[l].out_shape);
            *first = *first < 0 ? l_macs : *first;
            macs += l_macs;
        }
    for (t = 0; t < m->n_tensor && !(m->n_layer > 0 && m->layers); t++)
        if (m->tensors[t].rank >= 2) {
            l_macs = layer_macs(&m->tensors[t], NULL);
            *first = *first < 0 ? l_macs : *first;
            macs += l_macs;
        }
    *first = *first < 0 ? 0 : *first;
    return macs;
}

/* Training FLOPs per sample: 2 x (forward + weight-gradient + input-gradient MACs, the
 * first layer having no input gradient) + the SGD update, 2 FLOPs per parameter per batch.
 * Pooling, activations and dropout are not multiply-adds and are not counted. */
static double training_flops(const netc_model *m, int batch)
{
    double first, macs = forward_macs(m, &first);

    return 2 * (3 * macs - first) + 2 * (double)m->n_param / batch;
}

static void print_stats(const char *key, bench_stats s)
{
    printf("%s_median %.0f\n%s_min %.0f\n%s_max %.0f\n", key, s.median, key, s.min, key, s.max);
}

/* The three measurements by one clock: training (and its epochs' rates), inference in
 * batches and one sample per call. */
typedef struct bench_rates {
    const double *epoch;
    bench_stats train, batched, single;
} bench_rates;

/* KEY_samples_per_s lines (KEY: train, infer_batched, infer_single, with "_cpu" for the
 * processor clock's), the training epochs' rates and GFLOP/s. */
static void print_rates(const char *clock, const bench_rates *r, int epochs, double flops)
{
    char key[64];
    int e;

    snprintf(key, sizeof key, "train%s_samples_per_s", clock);
    print_stats(key, r->train);
    printf("%s_epochs", key);
    for (e = 0; e < epochs; e++)
        printf(" %.0f", r->epoch[e]);
    printf("\ntrain%s_gflops_median %.3f\n", clock, r->train.median * flops * 1e-9);
    snprintf(key, sizeof key, "infer_batched%s_samples_per_s", clock);
    print_stats(key, r->batched);
    snprintf(key, sizeof key, "infer_single%s_samples_per_s", clock);
    print_stats(key, r->single);
}

static void print_report(const netc_model *m, const netc_options *o, const bench_data *d,
                         const bench_rates *wall, const bench_rates *cpu, double loss,
                         int infer_n)
{
    double flops = training_flops(m, o->batch), first;

    printf("network %s\nbatch %d\nthreads %d\ntrain_samples %d\nwarmup_epochs %d\nepochs %d\n",
           m->name, o->batch, o->threads, d->train.n, o->warmup, o->epochs);
    printf("train_loss %.6f\nmacs_per_sample %.0f\nflop_per_sample %.0f\ninfer_samples %d\n",
           loss, forward_macs(m, &first), flops, infer_n);
    print_rates("", wall, o->epochs, flops);
    print_rates("_cpu", cpu, o->epochs, flops);
}

static int bench(netc_engine *e, const netc_options *o, bench_data *d, netc_error *err)
{
    const netc_model *m = e->m;
    const netc_dataset *infer = d->test.n ? &d->test : &d->train;
    const size_t n = (size_t)o->epochs;
    double *epoch_rate = netc_alloc(4 * n, sizeof *epoch_rate, "rates", err);
    bench_rates wall, cpu;
    double loss = 0, *epoch_cpu = epoch_rate + n, *rate = epoch_rate + 2 * n,
           *cpu_rate = epoch_rate + 3 * n;
    int rc = epoch_rate ? 0 : -1;

    if (rc == 0)
        rc = bench_training(e, o, d, epoch_rate, epoch_cpu, &loss, err);
    if (rc == 0) {
        wall.epoch = epoch_rate;
        cpu.epoch = epoch_cpu;
        memcpy(rate, epoch_rate, n * sizeof *rate);
        memcpy(cpu_rate, epoch_cpu, n * sizeof *rate);
        wall.train = summarise(rate, o->epochs);
        cpu.train = summarise(cpu_rate, o->epochs);
        wall.batched = bench_inference(e, infer, d->out, m->batch, rate, cpu_rate, o->epochs,
                                       &cpu.batched);
        wall.single = bench_inference(e, infer, d->out, 1, rate, cpu_rate, o->epochs,
                                      &cpu.single);
        print_report(m, o, d, &wall, &cpu, loss, infer->n);
        if (fflush(stdout) != 0)
            rc = netc_fail(err, "cannot write the results");
    }
    free(epoch_rate);
    return rc;
}

int netc_cmd_bench(const netc_model *m, const netc_options *o)
{
    netc_error err;
    bench_data d;
    netc_engine e = { .m = m };
    void *state = NULL;
    int rc = load_data(m, o, &d, &err);

    if (rc == 0)
        rc = (state = netc_state_alloc(m, &err)) ? 0 : -1;
    if (rc == 0)
        rc = netc_engine_init(&e, m, state, o->threads, &err);
    if (rc == 0)
        rc = bench(&e, o, &d, &err);
    if (rc < 0)
        netc_print_error(m, o->comm, &err);
    netc_engine_free(&e);
    free(state);
    free_data(&d);
    return rc < 0;
}
