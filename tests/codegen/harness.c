/* harness.c - a stand-in for the runtime's netc_trainer_main, to test a generated
 * model through its netc_model descriptor alone (sizes, tensors, entry points).
 *
 * gradcheck [TOL [STEP]]
 *     forward_backward's gradient against central differences of loss_fn, tensor by
 *     tensor (at most 40 entries each), on a partial batch with non-zero biases.
 *     Prints the max and the norm-wise relative error; fails above TOL.  Built as one
 *     translation unit with the model and `-include dbl.h`, it runs in double.
 * init
 *     the same seed twice gives the same bytes, another seed other weights, and
 *     biases start in U(-1/sqrt(in), 1/sqrt(in)) like torch.nn.Linear's.
 * dump DIR STEPS LR
 *     writes DIR/meta.txt, the initial parameters, a batch x, y, and after each of
 *     STEPS optimizer steps the loss, gradients and parameters, as raw float32 in the
 *     weights file's layout (weights [out, in]), for torch_step.py to replay.
 *
 * Single translation unit (double):  cc -include dbl.h -DMODEL_C='"NAME.c"'
 *     -DMAIN_C='"NAME_main.c"' -IGENDIR -Iruntime harness.c -lm
 * Separately linked (float):  cc -Dmain=generated_main -c NAME_main.c, then
 *     cc harness.c NAME.c NAME_main.o -lm
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#ifdef MODEL_C
#include MODEL_C
#define main generated_main
#include MAIN_C
#undef main
#else
#include "netc_model.h"
#endif

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int generated_main(int argc, char **argv);

static uint64_t gc_rng = 12345;

static double gc_uniform(void)
{
    gc_rng = gc_rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(gc_rng >> 11) / 9007199254740992.0;
}

static size_t tensor_size(const netc_tensor *t)
{
    return t->rank == 2 ? (size_t)t->shape[0] * t->shape[1] : (size_t)t->shape[0];
}

/* Memory index of file element k of tensor t (weights are kept transposed). */
static size_t memory_index(const netc_tensor *t, size_t k)
{
    if (t->rank == 2 && t->transposed) {
        size_t o = k / (size_t)t->shape[1], i = k % (size_t)t->shape[1];
        return t->offset + i * (size_t)t->shape[0] + o;
    }
    return t->offset + k;
}

static void *new_state(const netc_model *d)
{
    void *state = NULL;
    if (posix_memalign(&state, NETC_ALIGN, d->state_size) != 0) {
        fprintf(stderr, "harness: out of memory\n");
        exit(2);
    }
    return state;
}

/* A batch of n samples: x in [-1, 1), targets that suit the loss. */
static void make_batch(const netc_model *d, float *x, float *y, int n)
{
    for (int k = 0; k < n * d->n_input; k++)
        x[k] = (float)(2.0 * gc_uniform() - 1.0);
    for (int b = 0; b < n; b++) {
        double total = 0.0;
        float *yb = y + (size_t)b * d->n_output;
        for (int o = 0; o < d->n_output; o++)
            total += yb[o] = (float)(0.05 + 0.9 * gc_uniform());
        if (d->loss == NETC_LOSS_CROSS_ENTROPY)         /* a distribution */
            for (int o = 0; o < d->n_output; o++)
                yb[o] = (float)(yb[o] / total);
    }
}

/* Parameters away from the init's special values: noise, and biases that keep relus alive. */
static void perturb(const netc_model *d, float *p)
{
    for (int t = 0; t < d->n_tensor; t++)
        for (size_t k = 0; k < tensor_size(&d->tensors[t]); k++)
            p[d->tensors[t].offset + k] += (float)(0.2 * (gc_uniform() - 0.5)
                                                   + (d->tensors[t].rank == 1 ? 0.3 : 0.0));
}

static int gradcheck(const netc_model *d, double tol, double step)
{
    void *state = new_state(d);
    const int n = d->batch > 1 ? d->batch - 1 : 1;       /* a partial batch */
    float *x = malloc(sizeof *x * (size_t)n * d->n_input);
    float *y = malloc(sizeof *y * (size_t)n * d->n_output);
    float *grad = malloc(sizeof *grad * d->n_param);
    double worst = 0.0;
    int bad = 0;
    d->init(state, 7);
    float *p = d->params(state);
    perturb(d, p);
    make_batch(d, x, y, n);
    const double loss = d->forward_backward(state, x, y, n);
    memcpy(grad, d->grads(state), sizeof *grad * d->n_param);
    for (int t = 0; t < d->n_tensor; t++) {
        const netc_tensor *T = &d->tensors[t];
        const size_t size = tensor_size(T), stride = size > 40 ? size / 40 : 1;
        double maxrel = 0.0, diff2 = 0.0, g2 = 0.0, f2 = 0.0;
        for (size_t k = 0; k < size; k += stride) {
            const size_t j = memory_index(T, k);
            const float keep = p[j];
            p[j] = (float)(keep + step);
            const double up = d->loss_fn(state, x, y, n);
            p[j] = (float)(keep - step);
            const double down = d->loss_fn(state, x, y, n);
            p[j] = keep;
            const double fd = (up - down) / (2.0 * step), g = grad[j];
            const double rel = fabs(g - fd) / fmax(fabs(g) + fabs(fd), 1e-7);
            maxrel = fmax(maxrel, rel);
            diff2 += (g - fd) * (g - fd);
            g2 += g * g;
            f2 += fd * fd;
        }
        const double normrel = sqrt(diff2) / fmax(sqrt(g2) + sqrt(f2), 1e-30);
        const int fails = normrel > tol || g2 == 0.0;
        worst = fmax(worst, normrel);
        printf("  %-16s max rel %.2e  norm rel %.2e  %s\n", T->name, maxrel, normrel,
               g2 == 0.0 ? "FAIL (all-zero gradient proves nothing)" : fails ? "FAIL" : "ok");
        bad |= fails;
    }
    printf("%s: loss %.6g, worst norm rel %.2e (tol %.0e): %s\n", d->name, loss, worst, tol,
           bad ? "FAIL" : "OK");
    return bad;
}

/* Write tensor by tensor in the file layout. */
static int write_params(const netc_model *d, const float *p, const char *dir, const char *what, int step)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s_%d.f32", dir, what, step);
    FILE *f = fopen(path, "wb");
    if (!f)
        return perror(path), 1;
    for (int t = 0; t < d->n_tensor; t++)
        for (size_t k = 0; k < tensor_size(&d->tensors[t]); k++) {
            const float v = p[memory_index(&d->tensors[t], k)];
            fwrite(&v, sizeof v, 1, f);
        }
    return fclose(f) != 0;
}

static int write_floats(const char *dir, const char *name, const float *v, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.f32", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return perror(path), 1;
    fwrite(v, sizeof *v, n, f);
    return fclose(f) != 0;
}

static int dump(const netc_model *d, const char *dir, int steps, float lr)
{
    void *state = new_state(d);
    const int n = d->batch > 1 ? d->batch - 1 : 1;
    float *x = malloc(sizeof *x * (size_t)n * d->n_input);
    float *y = malloc(sizeof *y * (size_t)n * d->n_output);
    float *loss = malloc(sizeof *loss * (size_t)steps);
    char path[4096];
    int err = 0;
    d->init(state, 7);
    perturb(d, d->params(state));
    make_batch(d, x, y, n);
    err |= write_params(d, d->params(state), dir, "params", 0);
    for (int s = 1; s <= steps; s++) {
        loss[s - 1] = d->forward_backward(state, x, y, n);
        err |= write_params(d, d->grads(state), dir, "grads", s);
        d->update(state, lr);
        err |= write_params(d, d->params(state), dir, "params", s);
    }
    err |= write_floats(dir, "x", x, (size_t)n * d->n_input);
    err |= write_floats(dir, "y", y, (size_t)n * d->n_output);
    err |= write_floats(dir, "loss", loss, (size_t)steps);
    snprintf(path, sizeof path, "%s/meta.txt", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return perror(path), 1;
    fprintf(f, "name %s\nn %d\nn_input %d\nn_output %d\nsteps %d\nlr %.9g\nloss %d\n", d->name, n,
            d->n_input, d->n_output, steps, (double)lr, (int)d->loss);
    for (int t = 0; t < d->n_tensor; t++)
        fprintf(f, "tensor %s %d %d\n", d->tensors[t].name, d->tensors[t].shape[0],
                d->tensors[t].rank == 2 ? d->tensors[t].shape[1] : 0);
    return (fclose(f) != 0) | err;
}

static int init_is_deterministic(const netc_model *d)
{
    void *a = new_state(d), *b = new_state(d);
    const size_t bytes = d->n_param * sizeof(float);
    int bad = 0;
    memset(a, 0xa5, d->state_size);      /* init must not depend on what was there */
    d->init(a, 42);
    d->init(b, 42);
    bad |= memcmp(d->params(a), d->params(b), bytes) != 0;
    d->init(b, 43);
    bad |= memcmp(d->params(a), d->params(b), bytes) == 0;
    /* Biases as torch.nn.Linear's: U(-1/sqrt(in), 1/sqrt(in)), the weight before giving in. */
    for (int t = 1; t < d->n_tensor; t++) {
        if (d->tensors[t].rank != 1)
            continue;
        const float bound = 1.0f / sqrtf((float)d->tensors[t - 1].shape[1]);
        int nonzero = 0;
        for (size_t k = 0; k < tensor_size(&d->tensors[t]); k++) {
            float v = d->params(a)[d->tensors[t].offset + k];
            bad |= !(fabsf(v) <= bound);
            nonzero |= v != 0.0f;
        }
        bad |= !nonzero;
    }
    printf("%s: init %s\n", d->name, bad ? "FAIL (not deterministic, or biases out of range)"
                                          : "OK (same seed, same bytes; biases in ±1/sqrt(in))");
    return bad;
}

int netc_trainer_main(const netc_model *d, int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "init") == 0)
        return init_is_deterministic(d);
    if (argc >= 2 && strcmp(argv[1], "gradcheck") == 0)
        return gradcheck(d, argc > 2 ? atof(argv[2]) : 1e-6, argc > 3 ? atof(argv[3]) : 1e-5);
    if (argc == 5 && strcmp(argv[1], "dump") == 0)
        return dump(d, argv[2], atoi(argv[3]), (float)atof(argv[4]));
    fprintf(stderr, "usage: %s gradcheck [TOL [STEP]] | init | dump DIR STEPS LR\n", argv[0]);
    return 2;
}

int main(int argc, char **argv)
{
    return generated_main(argc, argv);
}
