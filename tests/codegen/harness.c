/* harness.c - a stand-in for the runtime's netc_trainer_main, to test a generated
 * model through its netc_model descriptor alone (sizes, tensors, entry points).
 *
 * gradcheck [TOL [STEP]]
 *     forward_backward's gradient against central differences of loss_fn, tensor by
 *     tensor (at most 40 entries each), on a partial batch with non-zero biases; an
 *     entry off by more than TOL is differenced again at STEP/10, the closer of the
 *     two kept (a relu or max switching within ±STEP spoils one of them).  Prints the
 *     max and the norm-wise relative error; fails above TOL.  Built as one
 *     translation unit with the model and `-include dbl.h`, it runs in double.  A
 *     network with dropout layers is checked with dropout on (DROPOUT_KEY), so that
 *     loss_fn and forward_backward apply the same masks.
 * init
 *     the same seed twice gives the same bytes, another seed other weights, and
 *     biases start in U(-1/sqrt(fan_in), 1/sqrt(fan_in)) like torch.nn.Linear's and
 *     Conv2d's (fan_in = in, or in * kh * kw).
 * dump DIR STEPS LR
 *     writes DIR/meta.txt (sizes, loss, the layer table, the tensors' shapes), the
 *     initial parameters, a batch x, y, the outputs and every layer's activations of
 *     forward with dropout off (eval_*) and, for a network with dropout layers, on
 *     with DROPOUT_KEY (train_*), then after each of STEPS optimizer steps (dropout
 *     on) the loss, gradients and parameters, as raw float32 in the weights file's
 *     layout (dense weights [out, in], conv weights [out, in, kh, kw]), for
 *     torch_step.py to replay.
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

/* The dropout key of gradcheck and dump (meta.txt's dropout_key): torch_step.py
 * recomputes the masks from it. */
#define DROPOUT_KEY 0x243F6A8885A308D3ULL

static const char *const layer_kinds[] = { NETC_LAYER_KINDS(NETC_WORD, ) };
static const char *const activation_words[] = { NETC_ACTIVATIONS(NETC_WORD, ) };
static const char *const loss_words[] = { NETC_LOSSES(NETC_WORD, ) };

static double gc_uniform(void)
{
    gc_rng = gc_rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(gc_rng >> 11) / 9007199254740992.0;
}

static size_t tensor_size(const netc_tensor *t)
{
    size_t size = 1;
    for (int i = 0; i < t->rank; i++)
        size *= (size_t)t->shape[i];
    return size;
}

/* Inputs of one output of a weight: in (dense), in * kh * kw (conv). */
static size_t fan_in(const netc_tensor *t)
{
    return tensor_size(t) / (size_t)t->shape[0];
}

/* Memory index of file element k of tensor t: a transposed weight [out, in...] is
 * kept as [in...][out]. */
static size_t memory_index(const netc_tensor *t, size_t k)
{
    if (t->rank > 1 && t->transposed) {
        size_t o = k / fan_in(t), i = k % fan_in(t);
        return t->offset + i * (size_t)t->shape[0] + o;
    }
    return t->offset + k;
}

static size_t shape_size(const int shape[3])
{
    return (size_t)shape[0] * shape[1] * shape[2];
}

static void dropout_on(const netc_model *d, void *state)
{
    if (d->dropout)
        d->dropout(state, 1, DROPOUT_KEY);
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

/* (loss(p_j + step) - loss(p_j - step)) / (2 step), p_j restored. */
static double central_difference(const netc_model *d, void *state, const float *x, const float *y, int n,
                                 size_t j, double step)
{
    float *p = d->params(state);
    const float keep = p[j];
    p[j] = (float)(keep + step);
    const double up = d->loss_fn(state, x, y, n);
    p[j] = (float)(keep - step);
    const double down = d->loss_fn(state, x, y, n);
    p[j] = keep;
    return (up - down) / (2.0 * step);
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
    dropout_on(d, state);
    float *p = d->params(state);
    perturb(d, p);
    make_batch(d, x, y, n);
    const double loss = d->forward_backward(state, x, y, n);
    memcpy(grad, d->grads(state), sizeof *grad * d->n_param);
    for (int t = 0; t < d->n_tensor; t++) {
        const netc_tensor *T = &d->tensors[t];
        const size_t size = tensor_size(T), stride = size > 40 ? size / 40 : 1;
        double maxrel = 0.0, diff2 = 0.0, g2 = 0.0, f2 = 0.0;
        int rechecked = 0;
        for (size_t k = 0; k < size; k += stride) {
            const size_t j = memory_index(T, k);
            const double g = grad[j];
            double fd = central_difference(d, state, x, y, n, j, step);
            if (fabs(g - fd) > tol * (fabs(g) + fabs(fd))) {
                /* A relu or a max that switches within ±step (likely when one conv weight
                 * moves thousands of positions) spoils that difference but seldom the one
                 * at step/10; a wrong gradient disagrees with both. */
                const double fine = central_difference(d, state, x, y, n, j, step / 10.0);
                if (fabs(g - fine) < fabs(g - fd)) {
                    fd = fine;
                    rechecked++;
                }
            }
            const double rel = fabs(g - fd) / fmax(fabs(g) + fabs(fd), 1e-7);
            maxrel = fmax(maxrel, rel);
            diff2 += (g - fd) * (g - fd);
            g2 += g * g;
            f2 += fd * fd;
        }
        const double normrel = sqrt(diff2) / fmax(sqrt(g2) + sqrt(f2), 1e-30);
        const int fails = normrel > tol || g2 == 0.0;
        worst = fmax(worst, normrel);
        printf("  %-16s max rel %.2e  norm rel %.2e  %s", T->name, maxrel, normrel,
               g2 == 0.0 ? "FAIL (all-zero gradient proves nothing)" : fails ? "FAIL" : "ok");
        if (rechecked)
            printf("  (%d differenced again: closer at step/10)", rechecked);
        putchar('\n');
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

/* forward with dropout as it is: the outputs DIR/WHAT_out.f32 and each layer's
 * activations DIR/WHAT_act_L.f32 (L: the layer's 0-based index). */
static int write_forward(const netc_model *d, void *state, const float *x, int n, const char *dir,
                         const char *what)
{
    float *out = malloc(sizeof *out * (size_t)n * d->n_output);
    char name[64];
    int err = 0;
    d->forward(state, x, out, n);
    snprintf(name, sizeof name, "%s_out", what);
    err |= write_floats(dir, name, out, (size_t)n * d->n_output);
    for (int l = 0; d->activations && l < d->n_layer; l++) {
        const float *a = d->activations(state, l);
        snprintf(name, sizeof name, "%s_act_%d", what, l);
        err |= !a || write_floats(dir, name, a, (size_t)n * shape_size(d->layers[l].out_shape));
    }
    free(out);
    return err;
}

static void write_meta(FILE *f, const netc_model *d, int n, int steps, float lr)
{
    fprintf(f, "name %s\nn %d\nn_input %d\nn_output %d\nsteps %d\nlr %.9g\nloss %s\n", d->name, n,
            d->n_input, d->n_output, steps, (double)lr, loss_words[d->loss]);
    fprintf(f, "input_shape %d %d %d\nactivations %d\n", d->input_shape[0], d->input_shape[1],
            d->input_shape[2], d->activations != NULL && d->n_layer > 0);
    if (d->dropout)
        fprintf(f, "dropout_key %llu\n", (unsigned long long)DROPOUT_KEY);
    for (int l = 0; l < d->n_layer; l++) {
        const netc_layer *L = &d->layers[l];
        fprintf(f, "layer %s kind %s activation %s alpha %.17g in %d %d %d out %d %d %d kernel %d %d "
                "stride %d %d padding %d %d rate %.17g weight %d\n", L->name, layer_kinds[L->kind],
                activation_words[L->activation], (double)L->alpha, L->in_shape[0], L->in_shape[1],
                L->in_shape[2], L->out_shape[0], L->out_shape[1], L->out_shape[2], L->kernel[0],
                L->kernel[1], L->stride[0], L->stride[1], L->padding[0], L->padding[1],
                (double)L->rate, L->weight);
    }
    for (int t = 0; t < d->n_tensor; t++) {
        fprintf(f, "tensor %s", d->tensors[t].name);
        for (int i = 0; i < d->tensors[t].rank; i++)
            fprintf(f, " %d", d->tensors[t].shape[i]);
        fputc('\n', f);
    }
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
    err |= write_forward(d, state, x, n, dir, "eval");
    if (d->dropout) {
        dropout_on(d, state);
        err |= write_forward(d, state, x, n, dir, "train");
    }
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
    write_meta(f, d, n, steps, lr);
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
    /* Biases as torch.nn.Linear's and Conv2d's: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), the
     * weight before giving fan_in. */
    for (int t = 1; t < d->n_tensor; t++) {
        if (d->tensors[t].rank != 1)
            continue;
        const float bound = 1.0f / sqrtf((float)fan_in(&d->tensors[t - 1]));
        int nonzero = 0;
        for (size_t k = 0; k < tensor_size(&d->tensors[t]); k++) {
            float v = d->params(a)[d->tensors[t].offset + k];
            bad |= !(fabsf(v) <= bound);
            nonzero |= v != 0.0f;
        }
        bad |= !nonzero;
    }
    printf("%s: init %s\n", d->name, bad ? "FAIL (not deterministic, or biases out of range)"
                                          : "OK (same seed, same bytes; biases in ±1/sqrt(fan_in))");
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
