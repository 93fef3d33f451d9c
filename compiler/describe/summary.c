/* summary.c - what a network costs: parameters, multiply-adds, bytes. */
#include "describe/summary.h"

#include <string.h>

struct layer_figures summary_layer(const struct layer *l)
{
    struct layer_figures f = { 0, 0 };
    const long long positions = (long long)l->out_shape[DIM_H] * l->out_shape[DIM_W];
    switch (l->kind) {
    case LAYER_DENSE:           /* W[out][in]: units = out, fan_in = in */
        f.mult_adds = (long long)l->out * l->in;
        f.params = f.mult_adds + l->out;
        break;
    case LAYER_CONV:            /* each filter's fan_in weights at every output position */
        f.mult_adds = (long long)l->units * l->fan_in * positions;
        f.params = layer_param_count(l);
        break;
    case LAYER_MAXPOOL:         /* a comparison (max) or an add (average) per window element */
    case LAYER_AVGPOOL:
        f.mult_adds = (long long)l->kernel[0] * l->kernel[1] * l->out;
        break;
    case LAYER_DROPOUT:         /* a multiply by the mask, and only while training */
        break;
    }
    return f;
}

int summary_output_is_vector(const struct network *n, int layer)
{
    int vector = n->input_rank == 1;
    for (int i = 0; i <= layer && i < n->nlayers; i++)
        if (n->layers[i].kind != LAYER_DROPOUT)
            vector = n->layers[i].kind == LAYER_DENSE;
    return vector;
}

const char *summary_shape(const int shape[3], int vector, char *buf, size_t size)
{
    if (vector)
        snprintf(buf, size, "%lld", (long long)shape[DIM_C] * shape[DIM_H] * shape[DIM_W]);
    else
        snprintf(buf, size, "%dx%dx%d", shape[DIM_C], shape[DIM_H], shape[DIM_W]);
    return buf;
}

const char *summary_kind(const struct layer *l, char *buf, size_t size)
{
    const char *kind = layer_kind_name(l->kind);
    size_t used = 0;
    switch (l->kind) {
    case LAYER_DENSE:
        snprintf(buf, size, "%s", kind);
        return buf;
    case LAYER_DROPOUT:
        snprintf(buf, size, "%s %g", kind, l->rate);
        return buf;
    case LAYER_CONV:
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:
        break;
    }
    used = (size_t)snprintf(buf, size, "%s %dx%d", kind, l->kernel[0], l->kernel[1]);
    /* the options the .net file needs to say: a stride other than the default (conv: 1;
     * pools: the window), any padding */
    const int default_stride = l->kind == LAYER_CONV ? (l->stride[0] == 1 && l->stride[1] == 1)
                               : (l->stride[0] == l->kernel[0] && l->stride[1] == l->kernel[1]);
    if (!default_stride && used < size)
        used += (size_t)snprintf(buf + used, size - used, " stride %d", l->stride[0]);
    if (l->padding[0] && used < size)
        snprintf(buf + used, size - used, " padding %d", l->padding[0]);
    return buf;
}

int summary_optimizer_slots(const struct optimizer_spec *o)
{
    if (o->kind == OPT_ADAM)
        return 2;
    return o->momentum > 0 ? 1 : 0;
}

const char *summary_grouped(long long v, char *buf, size_t size)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%lld", v < 0 ? -v : v);
    size_t o = 0;
    if (v < 0 && o + 1 < size)
        buf[o++] = '-';
    for (int i = 0; i < len && o + 1 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 1 < size)
            buf[o++] = ',';
        if (o + 1 < size)
            buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

/* 52008 -> "50.8 KiB" */
static const char *bytes(double b, char *buf, size_t size)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    int u = 0;
    while (b >= 1024 && u < 4) {
        b /= 1024;
        u++;
    }
    snprintf(buf, size, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
    return buf;
}

/* One row's text columns.  A dense layer reads "784 -> 16" as it always has; the layers
 * on images show their shapes, "6x28x28 -> 6x14x14". */
struct row {
    char shape[80], kind[64], act[48];
};

static void layer_row(const struct network *n, int i, struct row *r)
{
    const struct layer *l = &n->layers[i];
    char in[32], out[32];
    if (l->kind == LAYER_DENSE)
        snprintf(r->shape, sizeof r->shape, "%d -> %d", l->in, l->out);
    else
        snprintf(r->shape, sizeof r->shape, "%s -> %s",
                 summary_shape(l->in_shape, summary_output_is_vector(n, i - 1), in, sizeof in),
                 summary_shape(l->out_shape, summary_output_is_vector(n, i), out, sizeof out));
    summary_kind(l, r->kind, sizeof r->kind);
    if (!layer_has_weights(l))      /* pools and dropout apply no activation */
        snprintf(r->act, sizeof r->act, "-");
    else if (l->act == ACT_LEAKY_RELU)
        snprintf(r->act, sizeof r->act, "leaky_relu(%g)", l->alpha);
    else
        snprintf(r->act, sizeof r->act, "%s", activation_name(l->act));
}

/* The columns' widths: an all-dense network's table is as it always was; a network with
 * other layers gets a "kind" column, and columns wider than the text of their longest
 * entry by two spaces. */
struct widths {
    int kind;                       /* 0: no kind column */
    int shape;
};

static struct widths column_widths(const struct network *n)
{
    struct widths w = { 0, 15 };
    for (int i = 0; i < n->nlayers; i++) {
        struct row r;
        layer_row(n, i, &r);
        if (n->layers[i].kind != LAYER_DENSE && w.kind == 0)
            w.kind = (int)strlen("kind");
        if ((int)strlen(r.shape) + 2 > w.shape)
            w.shape = (int)strlen(r.shape) + 2;
    }
    for (int i = 0; w.kind && i < n->nlayers; i++) {
        struct row r;
        layer_row(n, i, &r);
        if ((int)strlen(r.kind) + 2 > w.kind)
            w.kind = (int)strlen(r.kind) + 2;
    }
    return w;
}

static void print_row(FILE *out, const struct widths *w, const char *name, const char *kind,
                      const char *shape, const char *act, const char *params, const char *macs,
                      const char *weights)
{
    fprintf(out, "%-12s ", name);
    if (w->kind)
        fprintf(out, "%-*s ", w->kind, kind);
    fprintf(out, "%-*s %-18s %12s %14s %12s\n", w->shape, shape, act, params, macs, weights);
}

static void print_layers(FILE *out, const struct network *n, long long *params, long long *macs)
{
    char a[32], b[32], c[32];
    const struct widths w = column_widths(n);
    print_row(out, &w, "layer", "kind", "shape", "activation", "parameters", "mult-adds", "weights");
    *params = *macs = 0;
    for (int i = 0; i < n->nlayers; i++) {
        const struct layer *l = &n->layers[i];
        struct layer_figures f = summary_layer(l);
        struct row r;
        layer_row(n, i, &r);
        print_row(out, &w, l->name, r.kind, r.shape, r.act, summary_grouped(f.params, a, sizeof a),
                  summary_grouped(f.mult_adds, b, sizeof b), bytes(4.0 * (double)f.params, c, sizeof c));
        *params += f.params;
        *macs += f.mult_adds;
    }
    print_row(out, &w, "total", "", "", "", summary_grouped(*params, a, sizeof a),
              summary_grouped(*macs, b, sizeof b), bytes(4.0 * (double)*params, c, sizeof c));
}

/* What the trainer keeps per sample besides each layer's output and delta: a conv layer's
 * im2col columns [OH·OW][fan_in], their gradient (but the first layer's: no delta goes
 * back to the input) and its pre-activations transposed [OH·OW][units]; a dropout
 * layer's mask row of out floats.  In floats. */
struct extra_arrays {
    double columns, column_grads, zt, masks;
};

static struct extra_arrays extra_arrays(const struct network *n)
{
    struct extra_arrays x = { 0, 0, 0, 0 };
    for (int i = 0; i < n->nlayers; i++) {
        const struct layer *l = &n->layers[i];
        const double positions = (double)l->out_shape[DIM_H] * l->out_shape[DIM_W];
        if (l->kind == LAYER_CONV) {
            x.columns += positions * l->fan_in;
            x.column_grads += layer_sends_error_back(n, i) ? positions * l->fan_in : 0;
            x.zt += positions * l->units;
        } else if (l->kind == LAYER_DROPOUT)
            x.masks += l->out;
    }
    return x;
}

static void print_memory(FILE *out, const struct network *n, long long params)
{
    long long widths = 0;
    for (int i = 0; i < n->nlayers; i++)
        widths += n->layers[i].out;
    int slots = summary_optimizer_slots(&n->opt);
    double w = 4.0 * (double)params;
    /* Forward keeps every layer's output (and the input) for the backward pass;
     * backward needs one error term (delta) per neuron. */
    double acts = 4.0 * n->batch * (double)(n->input_size + widths);
    double deltas = 4.0 * n->batch * (double)widths;
    const struct extra_arrays x = extra_arrays(n);
    const double columns = 4.0 * n->batch * x.columns, column_grads = 4.0 * n->batch * x.column_grads,
                 zt = 4.0 * n->batch * x.zt, masks = 4.0 * n->batch * x.masks;
    char a[32], b[32];
    if (!n->has_train) {        /* the forward pass alone: the weights are all it keeps */
        fprintf(out, "\nmemory (float32): weights %s (%s floats)\n", bytes(w, a, sizeof a),
                summary_grouped(params, b, sizeof b));
        return;
    }
    fprintf(out, "\nmemory (float32, mini-batch of %d):\n", n->batch);
    fprintf(out, "  %-18s %12s  (%s floats)\n", "weights", bytes(w, a, sizeof a),
            summary_grouped(params, b, sizeof b));
    fprintf(out, "  %-18s %12s  (one per weight)\n", "gradients", bytes(w, a, sizeof a));
    fprintf(out, "  %-18s %12s  (%d per weight, %s)\n", "optimizer state", bytes(w * slots, a, sizeof a),
            slots, n->opt.kind == OPT_ADAM ? "adam's m and v" : slots ? "sgd momentum" : "plain sgd keeps none");
    fprintf(out, "  %-18s %12s  (input and every layer's output, per batch)\n", "activations",
            bytes(acts, a, sizeof a));
    fprintf(out, "  %-18s %12s  (one delta per neuron, per batch)\n", "activation grads",
            bytes(deltas, a, sizeof a));
    if (x.columns > 0) {
        fprintf(out, "  %-18s %12s  (conv: the input under the kernel at each output position, per batch)\n",
                "im2col columns", bytes(columns, a, sizeof a));
        if (x.column_grads > 0)
            fprintf(out, "  %-18s %12s  (conv but the first layer: one per column value, per batch)\n",
                    "column gradients", bytes(column_grads, a, sizeof a));
        fprintf(out, "  %-18s %12s  (conv: z, then delta, as [position][filter], per batch)\n",
                "conv z, transposed", bytes(zt, a, sizeof a));
    }
    if (x.masks > 0)
        fprintf(out, "  %-18s %12s  (one per dropout output, per batch)\n", "dropout masks",
                bytes(masks, a, sizeof a));
    fprintf(out, "  %-18s %12s\n", "total",
            bytes(w * (2 + slots) + acts + deltas + columns + column_grads + zt + masks, a, sizeof a));
}

void summary_print(FILE *out, const struct network *n)
{
    char shape[48] = "";
    for (int i = 0; i < n->input_rank; i++) {
        size_t used = strlen(shape);
        snprintf(shape + used, sizeof shape - used, "%s%d", i ? "x" : "", n->input_shape[i]);
    }
    fprintf(out, "network %s: input %s (%d values), %d layers, ", n->name, shape, n->input_size,
            n->nlayers);
    if (n->has_train)
        fprintf(out, "%s loss, %s\n\n", loss_name(n->loss), optimizer_name(n->opt.kind));
    else
        fprintf(out, "no train block (forward pass only)\n\n");
    long long params, macs;
    print_layers(out, n, &params, &macs);
    print_memory(out, n, params);
}
