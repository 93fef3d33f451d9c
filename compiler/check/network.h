/* network.h - a checked network description, every default resolved.
 *
 * The parser builds a syntax tree (syntax.h); the checker (check.c) turns it into
 * this: plain data with nothing left to infer.  Everything after the checker - the
 * summary, the code generators - reads only this structure.
 */
#ifndef NETC_NETWORK_H
#define NETC_NETWORK_H

#include <stdint.h>

#include "netc_enums.h"

#define NETC_VERSION "0.1.0"

/* Limits that keep generated code and memory sane (checked, with numbers, by check.c). */
enum {
    NETC_MAX_LAYERS = 64,
    NETC_MAX_WIDTH = 1 << 20,          /* neurons in one layer, or inputs */
    NETC_MAX_NAME = 63,                /* identifier length */
    NETC_MAX_BATCH = 65536,
};
#define NETC_MAX_PARAMS (256.0 * 1024 * 1024) /* 1 GiB of float32 weights */

/* The choices a .net file makes, from the lists the runtime's netc_model.h makes its own
 * from (runtime/netc_enums.h): ACT_SIGMOID .. ACT_SOFTMAX, LOSS_MSE, OPT_ADAM,
 * SCHED_COSINE, INIT_XAVIER, DATA_IDX, LABEL_LAST, SCALE_UNIT, TARGETS_ONE_HOT, ...
 * A value here is the runtime's value of the same name (LOSS_MSE == NETC_LOSS_MSE). */
enum layer_kind { NETC_LAYER_KINDS(NETC_ENUMERATOR, LAYER_) };
enum activation { NETC_ACTIVATIONS(NETC_ENUMERATOR, ACT_) };
enum loss { NETC_LOSSES(NETC_ENUMERATOR, LOSS_) };
enum optimizer { NETC_OPTIMIZERS(NETC_ENUMERATOR, OPT_) };
enum schedule { NETC_SCHEDULES(NETC_ENUMERATOR, SCHED_) };
enum init { NETC_INITS(NETC_ENUMERATOR, INIT_) };
enum data_format { NETC_DATA_FORMATS(NETC_ENUMERATOR, DATA_) };
enum label_column { NETC_LABEL_COLUMNS(NETC_ENUMERATOR, LABEL_) };
enum scaling { NETC_SCALINGS(NETC_ENUMERATOR, SCALE_) };
enum targets { NETC_TARGET_KINDS(NETC_ENUMERATOR, TARGETS_) };

struct init_spec {
    enum init kind;
    double a, b;            /* uniform(a, b) bounds; normal(mean = a, std = b) */
};

/* Shapes are channels x height x width, as PyTorch's (C, H, W); a dense layer's output
 * is out x 1 x 1.  A layer's input and output are rows of in and out floats per sample,
 * in C x H x W order (the order torch.flatten(x, 1) gives). */
enum { DIM_C, DIM_H, DIM_W };

struct layer {
    enum layer_kind kind;
    char name[NETC_MAX_NAME + 1];   /* from `as NAME`, else the kind and its count: "conv2" */
    int in, out;                    /* floats per sample in and out (products of the shapes) */
    int in_shape[3], out_shape[3];  /* C, H, W */
    /* The weights, as one matrix W[units][fan_in] (plus a bias per unit), kept transposed
     * as WT[fan_in][units].  dense: W is [out, in], as torch.nn.Linear's; conv: units =
     * filters and fan_in = C·KH·KW, W is torch.nn.Conv2d's [out, in, kh, kw].  0: none. */
    int units, fan_in;
    int kernel[2], stride[2], padding[2];   /* conv, pools: KH x KW; (y, x) */
    double rate;                    /* dropout: the probability of zeroing */
    enum activation act;            /* pools and dropout: linear (none) */
    double alpha;                   /* leaky_relu slope for negative inputs */
    struct init_spec init;          /* resolved: never "default" */
    int line;                       /* where the layer was declared, for comments */
};

struct optimizer_spec {
    enum optimizer kind;
    double momentum, dampening;     /* sgd */
    int nesterov;                   /* sgd */
    double beta1, beta2, epsilon;   /* adam */
};

struct schedule_spec {
    enum schedule kind;
    int step_size;                  /* step: epochs between decays */
    double gamma;                   /* step, exponential, plateau (its factor): decay factor */
    double min_lr;                  /* cosine: the floor reached at the last epoch; plateau: the floor */
    int patience, cooldown;         /* plateau: epochs without improvement allowed, ignored after a cut */
    double threshold;               /* plateau: the relative improvement that counts */
};

struct data_spec {
    enum data_format format;        /* DATA_NONE when the file has no data block */
    char *train_images, *train_labels, *test_images, *test_labels;  /* IDX */
    char *train_csv, *test_csv;                                     /* CSV */
    enum label_column label_column;
    int label_index;                /* 0-based column, for LABEL_INDEX */
    int header;                     /* CSV: first row is a header */
    enum scaling scale;             /* IDX default: unit (bytes / 255) */
    enum targets targets;           /* one-hot labels, or the label value itself */
    double validation;              /* training samples held out (>= 1) or their fraction; 0: none */
};

struct network {
    char name[NETC_MAX_NAME + 1];   /* a C identifier: the prefix of every generated symbol */
    char *source_path;              /* the .net file, for provenance */
    uint64_t source_hash;           /* FNV-1a 64 of the file's bytes */

    int input_size;                 /* product of input_shape */
    int input_rank;                 /* 1 for `input 784`, 2 for `input 28x28`, 3 for CxHxW */
    int input_shape[3];

    int nlayers;
    struct layer *layers;           /* layers[nlayers - 1] is the output layer */

    int has_train;                  /* a train block was written (else the next fields are defaults) */
    enum loss loss;
    struct optimizer_spec opt;
    double learning_rate;
    struct schedule_spec sched;
    double weight_decay;
    int batch, epochs;
    uint64_t seed;

    struct data_spec data;

    int nclasses;                   /* names of the classes (`classes { ... }`), in output */
    char **class_names;             /* order; 0 and NULL without: classes are numbers */
};

/* Parameters (weights + biases) of the whole network, and of one layer. */
long long network_param_count(const struct network *n);
long long layer_param_count(const struct layer *l);
/* Whether the layer has weights (dense, conv), works on images (conv, pools), has a
 * different forward while training (dropout). */
int layer_has_weights(const struct layer *l);
int layer_is_spatial(const struct layer *l);
/* Its torch fan-out: units·KH·KW (dense: units), for Xavier and He. */
int layer_fan_out(const struct layer *l);
/* Whether backpropagation carries layer `layer`'s error to the layer before it: some layer
 * before it has weights (a pooling or dropout layer first needs no error of its own). */
int layer_sends_error_back(const struct network *n, int layer);
/* Whether the network has a dropout layer. */
int network_has_dropout(const struct network *n);
/* A regression network: value targets under mse, real numbers to fit rather than classes
 * (the runtime's netc_is_regression, docs/language.md's data block). */
int network_is_regression(const struct network *n);
const char *layer_kind_name(enum layer_kind k);

void network_free(struct network *n);

const char *activation_name(enum activation a);
const char *loss_name(enum loss l);
const char *optimizer_name(enum optimizer o);
const char *schedule_name(enum schedule s);
const char *init_name(enum init i);

#endif
