/* layers.c - the network's layers as the report draws them: sizes, weights in file order
 * and how network.svg shows each, from the model's layer table (a hand-written model
 * without one: its rank-2 tensors in order, one dense layer each). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/weights.h"
#include "report/layers.h"

/* Layer l's weights in file order, [units][fan_in]. */
static int read_weight(netc_report_layers *net, int l, const netc_tensor *t, const float *params,
                       netc_error *err)
{
    size_t n = netc_tensor_size(t);
    float *w = t->shape[0] > 0 ? netc_alloc(n, sizeof *w, t->name, err) : NULL;

    if (!w)
        return t->shape[0] > 0 ? -1 : netc_fail(err, "tensor '%s' has no rows", t->name);
    netc_tensor_read(t, params, w);
    net->weight[l] = w;
    net->fan_in[l] = (int)(n / (size_t)t->shape[0]);
    return 0;
}

static const char *activation_word(enum netc_activation a)
{
    static const char *const words[] = { NETC_ACTIVATIONS(NETC_WORD, ) };

    return (unsigned)a < sizeof words / sizeof *words ? words[a] : "?";
}

/* How network.svg draws layer table entry L as drawn layer l: its kind and caption. */
static void describe_layer(netc_report_layers *net, int l, const netc_layer *L)
{
    netc_drawn_layer *d = &net->drawn[l];
    int prev_column = l == 1 ? 1 : net->drawn[l - 1].kind != NETC_DRAW_MAPS;
    char extra[32] = "";

    d->name = L->name;
    memcpy(d->shape, L->out_shape, sizeof d->shape);
    d->dashed = L->kind == NETC_LAYER_DROPOUT;
    if (L->stride[0] != L->kernel[0] || L->stride[1] != L->kernel[1])
        snprintf(extra, sizeof extra, L->stride[0] == L->stride[1] ? " stride %d" :
                 " stride %dx%d", L->stride[0], L->stride[1]);
    switch (L->kind) {
    case NETC_LAYER_DENSE:
        d->kind = NETC_DRAW_NEURONS;
        snprintf(d->detail, sizeof d->detail, "%s", activation_word(L->activation));
        break;
    case NETC_LAYER_DROPOUT:
        d->kind = prev_column && L->out_shape[1] == 1 && L->out_shape[2] == 1
                  ? NETC_DRAW_DROPOUT : NETC_DRAW_MAPS;
        snprintf(d->detail, sizeof d->detail, "dropout p = %g", L->rate);
        break;
    case NETC_LAYER_CONV:
        d->kind = NETC_DRAW_MAPS;
        if (L->stride[0] == 1 && L->stride[1] == 1)
            extra[0] = '\0';
        snprintf(d->detail, sizeof d->detail, "%dx%d %s%s", L->kernel[0], L->kernel[1],
                 activation_word(L->activation), extra);
        break;
    default:
        d->kind = NETC_DRAW_MAPS;
        snprintf(d->detail, sizeof d->detail, "%dx%d %s%s", L->kernel[0], L->kernel[1],
                 L->kind == NETC_LAYER_MAXPOOL ? "max" : "average", extra);
    }
}

/* The layers from the model's layer table: sizes, weights, how each is drawn. */
static int read_layer_table(netc_report_layers *net, const netc_model *m, const float *params,
                            netc_error *err)
{
    int l;

    if (m->n_layer + 1 > NETC_REPORT_MAX_LAYERS)
        return netc_fail(err, "network '%s': more than %d layers", m->name,
                         NETC_REPORT_MAX_LAYERS - 1);
    for (l = 1; l <= m->n_layer; l++) {
        const netc_layer *L = &m->layers[l - 1];
        net->layer[l] = L;
        net->size[l] = L->out_shape[0] * L->out_shape[1] * L->out_shape[2];
        describe_layer(net, l, L);
        if (L->weight >= 0 && L->weight < m->n_tensor &&
            read_weight(net, l, &m->tensors[L->weight], params, err) < 0)
            return -1;
    }
    net->n = m->n_layer + 1;
    return 0;
}

int netc_report_layers_read(netc_report_layers *net, const netc_model *m, void *state,
                            netc_error *err)
{
    const float *params = m->params(state);
    int t;

    memset(net, 0, sizeof *net);
    net->n = 1;
    net->size[0] = m->n_input;
    if (m->n_layer > 0 && m->layers)
        return read_layer_table(net, m, params, err);
    for (t = 0; t < m->n_tensor; t++) {
        const netc_tensor *tt = &m->tensors[t];
        if (tt->rank != 2)
            continue;
        if (net->n == NETC_REPORT_MAX_DRAWN)
            return netc_fail(err, "network '%s': more than %d layers to draw", m->name,
                             NETC_REPORT_MAX_DRAWN - 1);
        if (read_weight(net, net->n, tt, params, err) < 0)
            return -1;
        net->size[net->n++] = tt->shape[0];
    }
    return 0;
}

void netc_report_layers_free(netc_report_layers *net)
{
    int l;

    for (l = 0; l < NETC_REPORT_MAX_LAYERS; l++)
        free(net->weight[l]);
    memset(net, 0, sizeof *net);
}
