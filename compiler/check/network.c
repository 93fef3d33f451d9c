/* network.c - small facts about a checked network, and the names of its enums. */
#include "check/network.h"

#include <stdlib.h>

long long layer_param_count(const struct layer *l)
{
    return (long long)l->units * l->fan_in + l->units;
}

long long network_param_count(const struct network *n)
{
    long long total = 0;
    for (int l = 0; l < n->nlayers; l++)
        total += layer_param_count(&n->layers[l]);
    return total;
}

int layer_has_weights(const struct layer *l)
{
    return l->kind == LAYER_DENSE || l->kind == LAYER_CONV;
}

int layer_is_spatial(const struct layer *l)
{
    return l->kind == LAYER_CONV || l->kind == LAYER_MAXPOOL || l->kind == LAYER_AVGPOOL;
}

int layer_fan_out(const struct layer *l)
{
    return l->kind == LAYER_CONV ? l->units * l->kernel[0] * l->kernel[1] : l->units;
}

int layer_sends_error_back(const struct network *n, int layer)
{
    for (int l = 0; l < layer; l++)
        if (layer_has_weights(&n->layers[l]))
            return 1;
    return 0;
}

int network_is_regression(const struct network *n)
{
    return n->data.targets == TARGETS_VALUE && n->loss == LOSS_MSE;
}

int network_has_dropout(const struct network *n)
{
    for (int l = 0; l < n->nlayers; l++)
        if (n->layers[l].kind == LAYER_DROPOUT)
            return 1;
    return 0;
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
    for (int i = 0; n->class_names && i < n->nclasses; i++)
        free(n->class_names[i]);
    free(n->class_names);
    n->layers = NULL;
    n->class_names = NULL;
}

static const char *const layer_kind_names[] = { NETC_LAYER_KINDS(NETC_WORD, ) };
static const char *const activation_names[] = { NETC_ACTIVATIONS(NETC_WORD, ) };
static const char *const loss_names[] = { NETC_LOSSES(NETC_WORD, ) };
static const char *const optimizer_names[] = { NETC_OPTIMIZERS(NETC_WORD, ) };
static const char *const schedule_names[] = { NETC_SCHEDULES(NETC_WORD, ) };
static const char *const init_names[] = { NETC_INITS(NETC_WORD, ) };

const char *layer_kind_name(enum layer_kind k) { return layer_kind_names[k]; }
const char *activation_name(enum activation a) { return activation_names[a]; }
const char *loss_name(enum loss l) { return loss_names[l]; }
const char *optimizer_name(enum optimizer o) { return optimizer_names[o]; }
const char *schedule_name(enum schedule s) { return schedule_names[s]; }
const char *init_name(enum init i) { return init_names[i]; }
