/* summary.c - what a network costs: parameters, multiply-adds, bytes. */
#include "describe/summary.h"

#include <string.h>

struct layer_figures summary_layer(const struct layer *l)
{
    struct layer_figures f;
    f.mult_adds = (long long)l->in * l->out;
    f.params = f.mult_adds + l->out;
    return f;
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

static void print_layers(FILE *out, const struct network *n, long long *params, long long *macs)
{
    char a[32], b[32], c[32], shape[48], act[48];
    fprintf(out, "%-12s %-15s %-18s %12s %14s %12s\n",
            "layer", "shape", "activation", "parameters", "mult-adds", "weights");
    *params = *macs = 0;
    for (int i = 0; i < n->nlayers; i++) {
        const struct layer *l = &n->layers[i];
        struct layer_figures f = summary_layer(l);
        snprintf(shape, sizeof shape, "%d -> %d", l->in, l->out);
        if (l->act == ACT_LEAKY_RELU)
            snprintf(act, sizeof act, "leaky_relu(%g)", l->alpha);
        else
            snprintf(act, sizeof act, "%s", activation_name(l->act));
        fprintf(out, "%-12s %-15s %-18s %12s %14s %12s\n", l->name, shape, act,
                summary_grouped(f.params, a, sizeof a), summary_grouped(f.mult_adds, b, sizeof b),
                bytes(4.0 * (double)f.params, c, sizeof c));
        *params += f.params;
        *macs += f.mult_adds;
    }
    fprintf(out, "%-12s %-15s %-18s %12s %14s %12s\n", "total", "", "",
            summary_grouped(*params, a, sizeof a), summary_grouped(*macs, b, sizeof b),
            bytes(4.0 * (double)*params, c, sizeof c));
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
    fprintf(out, "  %-18s %12s\n", "total", bytes(w * (2 + slots) + acts + deltas, a, sizeof a));
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
