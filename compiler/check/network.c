/* network.c - small facts about a checked network, and the names of its enums. */
#include "check/network.h"

#include <stdlib.h>

long long network_param_count(const struct network *n)
{
    long long total = 0;
    for (int l = 0; l < n->nlayers; l++)
        total += (long long)n->layers[l].out * n->layers[l].in + n->layers[l].out;
    return total;
}

void network_free(struct network *n)
{
    struct data_spec *d = &n->data;
    free(d->train_images);
    free(d->train_labels);
    free(d->test_images);
    free(d->test_labels);
    free(d->train_csv);
    free(d->test_csv);
    free(n->layers);
    free(n->source_path);
    n->layers = NULL;
}

static const char *const activation_names[] = {
    [ACT_SIGMOID] = "sigmoid", [ACT_RELU] = "relu", [ACT_LEAKY_RELU] = "leaky_relu",
    [ACT_TANH] = "tanh", [ACT_LINEAR] = "linear", [ACT_SOFTMAX] = "softmax",
};
static const char *const loss_names[] = {
    [LOSS_MSE] = "mse", [LOSS_CROSS_ENTROPY] = "cross_entropy",
    [LOSS_BINARY_CROSS_ENTROPY] = "binary_cross_entropy",
};
static const char *const optimizer_names[] = { [OPT_SGD] = "sgd", [OPT_ADAM] = "adam" };
static const char *const schedule_names[] = {
    [SCHED_CONSTANT] = "constant", [SCHED_STEP] = "step", [SCHED_COSINE] = "cosine",
    [SCHED_EXPONENTIAL] = "exponential",
};
static const char *const init_names[] = {
    [INIT_UNIFORM] = "uniform", [INIT_NORMAL] = "normal", [INIT_XAVIER] = "xavier", [INIT_HE] = "he",
};

const char *activation_name(enum activation a) { return activation_names[a]; }
const char *loss_name(enum loss l) { return loss_names[l]; }
const char *optimizer_name(enum optimizer o) { return optimizer_names[o]; }
const char *schedule_name(enum schedule s) { return schedule_names[s]; }
const char *init_name(enum init i) { return init_names[i]; }
