/* netc_model.h - how a generated model describes itself to the runtime.
 *
 * netc writes NAME.h / NAME.c (the model: plain C, no dependencies) and NAME_main.c,
 * which fills one `netc_model` with the model's sizes, tensors, defaults from the
 * .net file and entry points, then hands it to netc_trainer_main().  The runtime
 * never sees the model's struct type: it allocates `state_size` bytes (aligned to
 * NETC_ALIGN) and passes them back as `void *state`.
 */
#ifndef NETC_MODEL_H
#define NETC_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "netc_enums.h"

#define NETC_ALIGN 64

/* One tensor of the weights file, e.g. "dense1.weight" with shape [out, in] or
 * "conv1.weight" with shape [out, in, kh, kw]. */
typedef struct netc_tensor {
    const char *name;
    int rank;                   /* 2: dense weight [out, in]; 4: conv weight; 1: bias [out] */
    int shape[4];               /* as in the safetensors file (torch.nn.Linear, Conv2d) */
    size_t offset;              /* first element, in floats, within the parameter array */
    int transposed;             /* 1: kept in memory as [in][out]: the product of shape[1..]
                                 * rows of shape[0] */
} netc_tensor;

/* The layers, from netc_enums.h's list: NETC_LAYER_DENSE, NETC_LAYER_CONV, ... */
enum netc_layer_kind { NETC_LAYER_KINDS(NETC_ENUMERATOR, NETC_LAYER_) };
enum netc_activation { NETC_ACTIVATIONS(NETC_ENUMERATOR, NETC_ACT_) };

/* One layer as the .net file declares it.  Shapes are C x H x W (a dense layer's output
 * is out x 1 x 1); a layer's rows are in that order, as torch.flatten(x, 1)'s. */
typedef struct netc_layer {
    const char *name;           /* "conv1", "maxpool1", "dense2", ... */
    enum netc_layer_kind kind;
    enum netc_activation activation;    /* pools and dropout: NETC_ACT_LINEAR */
    double alpha;               /* leaky_relu's slope */
    int in_shape[3], out_shape[3];
    int kernel[2], stride[2], padding[2];   /* conv, pools: (y, x) */
    double rate;                /* dropout: the probability of zeroing an activation */
    int weight;                 /* its weight's index in tensors (the bias follows); -1: none */
} netc_layer;

/* The .net file's choices, made from netc_enums.h's lists as netc's own are, so that
 * the values netc writes into NAME_main.c mean the same here: NETC_LOSS_MSE,
 * NETC_SCHED_COSINE, NETC_DATA_IDX, NETC_LABEL_LAST, NETC_SCALE_UNIT, NETC_TARGETS_VALUE. */
enum netc_loss { NETC_LOSSES(NETC_ENUMERATOR, NETC_LOSS_) };
enum netc_schedule { NETC_SCHEDULES(NETC_ENUMERATOR, NETC_SCHED_) };
enum netc_data_format { NETC_DATA_FORMATS(NETC_ENUMERATOR, NETC_DATA_) };
enum netc_label_column { NETC_LABEL_COLUMNS(NETC_ENUMERATOR, NETC_LABEL_) };
enum netc_scaling { NETC_SCALINGS(NETC_ENUMERATOR, NETC_SCALE_) };
enum netc_targets { NETC_TARGET_KINDS(NETC_ENUMERATOR, NETC_TARGETS_) };

/* Defaults for the data, from the .net file's data block (NULL paths when absent). */
typedef struct netc_data_defaults {
    enum netc_data_format format;
    const char *train_images, *train_labels, *test_images, *test_labels;
    const char *train_csv, *test_csv;
    enum netc_label_column label_column;
    int label_index;            /* 0-based, for NETC_LABEL_INDEX */
    int header;                 /* CSV files start with a header row */
    enum netc_scaling scale;
    enum netc_targets targets;
    double validation;          /* training samples held out (>= 1) or their fraction; 0: none */
} netc_data_defaults;

typedef struct netc_model {
    const char *name;           /* network name: the prefix of the generated symbols */
    const char *netc_version;
    const char *source_hash;    /* hex FNV-1a 64 of the .net file */

    int n_input, n_output;      /* floats per sample in and out */
    int input_rank, input_shape[3];
    int batch;                  /* compile-time mini-batch: entry points take n <= batch */
    size_t n_param;             /* floats in the parameter array */
    int n_tensor;
    const netc_tensor *tensors; /* weight then bias of each layer that has them, in order */
    int n_layer;
    const netc_layer *layers;
    size_t state_size;          /* bytes of the model's state struct */

    /* Hyper-parameters from the .net file (the trainer's flags override some). */
    enum netc_loss loss;
    double learning_rate;
    int epochs;
    uint64_t seed;
    enum netc_schedule schedule;
    int step_size;              /* NETC_SCHED_STEP: epochs between decays */
    double gamma;               /* NETC_SCHED_STEP / EXPONENTIAL / PLATEAU: decay factor */
    double min_lr;              /* NETC_SCHED_COSINE: final rate; PLATEAU: lowest rate */
    int patience;               /* NETC_SCHED_PLATEAU: epochs without improvement allowed */
    double threshold;           /* NETC_SCHED_PLATEAU: relative improvement that counts */
    int cooldown;               /* NETC_SCHED_PLATEAU: epochs ignored after a reduction */
    netc_data_defaults data;
    /* `classes { ... }`: the name of each class, in the order of the outputs (two for a
     * single output: class 0, class 1); 0 and NULL without one: classes are numbers. */
    int n_class_names;
    const char *const *class_names;

    /* Entry points.  x is n * n_input floats, y and out are n * n_output floats,
     * row-major (one sample after another), 1 <= n <= batch. */
    void (*init)(void *state, uint64_t seed);           /* fresh weights, zero optimizer */
    float *(*params)(void *state);                      /* n_param floats */
    float *(*grads)(void *state);                       /* n_param floats, after forward_backward */
    void (*forward)(void *state, const float *x, float *out, int n);
    float (*loss_fn)(void *state, const float *x, const float *y, int n);   /* mean over n */
    float (*forward_backward)(void *state, const float *x, const float *y, int n); /* mean loss; sets grads */
    void (*update)(void *state, float learning_rate);   /* one optimizer step from grads */
    /* The same work split between T threads (see NAME.h): threads t = 0 .. T-1 each call
     * a part with the same other arguments, all finishing one part before any starts the
     * next; the results are the entry points' above bit for bit, whatever T.  NULL in
     * hand-written models: the runtime then runs the entry points above on one thread. */
    void (*part_forward)(void *state, const float *x, const float *y, float *out, int n,
                         int t, int T);                 /* forward (y: losses, out: outputs) */
    void (*part_prepare)(void *state, int t, int T);    /* before part_errors */
    void (*part_errors)(void *state, const float *x, const float *y, int n, int t, int T);
    void (*part_gradients)(void *state, const float *x, int n, int t, int T); /* sets grads */
    float (*batch_loss)(void *state, int n);            /* mean loss of the last n samples */
    void (*part_update)(void *state, float learning_rate, int t, int T);
    void (*update_end)(void *state);                    /* after every part_update */
    /* Layer `layer`'s (0-based) activations from the last forward call, one row of
     * C·H·W of layers[layer].out_shape floats per sample; NULL for a bad index.  May be
     * NULL itself in hand-written models: the report then draws hidden layers hollow. */
    const float *(*activations)(void *state, int layer);
    /* Networks with dropout layers (else NULL): training on (1) makes the next forward
     * calls zero each dropout layer's activations with its probability p and scale the
     * rest by 1/(1 - p), the masks a function of key, the layer, the sample's row in the
     * call and the activation's index (NAME.c says how); off (0), they pass activations
     * through, as eval, predict and the exports do.  Off after init. */
    void (*dropout)(void *state, int training, uint64_t key);
} netc_model;

/* The trainer's command line (train, eval, predict, gradcheck); returns the exit status. */
int netc_trainer_main(const netc_model *model, int argc, char **argv);
/* The same under MPI (mpirun -np P): `train` on P processes, data-parallel; `eval` split
 * between them; other commands on rank 0.  In runtime/mpi/netc_mpi.c, compiled into
 * trainers built with `netc build --mpi`. */
int netc_mpi_main(const netc_model *model, int argc, char **argv);

#endif
