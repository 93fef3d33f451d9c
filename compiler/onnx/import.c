/* import.c - an ONNX graph into netc's layers.
 *
 * The walk starts at the graph's one input and follows its value from node to node to
 * the graph's one output.  Each node must be the only consumer of the value, its other
 * inputs constants (initializers or Constant nodes), and its operator one of the table
 * `operators` below, whose handler turns it into part of a layer: Gemm or MatMul (+ Add)
 * open a dense layer, Conv a conv layer (import_spatial.c, with the pools), an activation
 * closes it, Flatten and Reshape flatten the image, Dropout is a dropout layer, Identity
 * passes the value on.  The walk carries the value's C x H x W shape (struct walk's dims)
 * to check each layer against it.  Anything else is refused with the node, its operator
 * and why. */
#include "onnx/import.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front/keywords.h"
#include "onnx/import_internal.h"
#include "onnx/model.h"

/* More nodes than any network netc can express (64 layers of a few nodes each). */
enum { ONNX_MAX_NODES = 4096 };

static const char *str(const char *s)
{
    return s ? s : "";
}

/* Fails with "FILE: node 'NAME' (OP): message". */
/* ---- dense layers: Gemm, MatMul + Add ---- */

static int flat_input(struct walk *w)
{
    if (w->final)
        return walk_refuse(w, "follows the output layer's softmax: softmax must be the network's "
                      "last operation (netc allows it on the output layer only)");
    if (w->rank != 1)
        return walk_refuse(w, "its input has %d dimensions per sample; a dense layer takes one "
                      "vector\nhint: flatten first (torch.nn.Flatten)", w->rank);
    return 0;
}

/* A new dense layer of `out` neurons on the chain's vector, its weights W[out][in] (read
 * from B, transposed when B is [in][out]). */
static int open_layer(struct walk *w, const Onnx__TensorProto *b, const char *b_name, int transposed)
{
    char what[160], tmp[96];
    snprintf(what, sizeof what, "weight tensor '%s'", onnx_printable(b_name, tmp));
    if (!b)
        return walk_refuse(w, "its weights ('%s') are not a constant: netc imports trained weights "
                      "stored in the model", tmp);
    if (b->n_dims != 2)
        return walk_refuse(w, "its weights ('%s') have %zu dimensions, a dense layer's have 2", tmp,
                      b->n_dims);
    const int64_t in = w->dims[0];
    const int64_t b_in = b->dims[transposed ? 0 : 1], b_out = b->dims[transposed ? 1 : 0];
    if (b_in != in)
        return walk_refuse(w, "its weights ('%s') take %lld inputs, the layer gets %lld", tmp,
                      (long long)b_in, (long long)in);
    float *v;
    int64_t n;
    if (onnx_tensor_floats(w->m, b, what, &v, &n, w->err) < 0)
        return -1;
    struct onnx_layer *L = walk_new_layer(w, LAYER_DENSE);
    if (!L) {
        free(v);
        return -1;
    }
    L->weight = v;
    L->out = L->units = (int)b_out;
    L->fan_in = (int)in;
    w->weight_name[w->out->nlayers - 1] = b_name;
    if (transposed) {
        L->weight = netc_alloc((size_t)n, sizeof *L->weight, what, w->err);
        if (!L->weight) {
            free(v);
            return -1;
        }
        for (int64_t i = 0; i < in; i++)
            for (int64_t o = 0; o < b_out; o++)
                L->weight[o * in + i] = v[i * b_out + o];
        free(v);
    }
    L->bias = calloc((size_t)L->units, sizeof *L->bias);
    if (!L->bias)
        return netc_fail(w->err, "%s: out of memory", w->m->path);
    w->open = L;
    w->has_activation = w->bias_open = w->pooled = 0;
    w->dims[0] = b_out;
    return walk_finite(w, L->weight, n, b_name);
}

/* The layer's bias from tensor c: one value per unit (neuron, filter), or one for all. */
/* Gemm: Y = alpha·A·B' + beta·C, B' = B or B^T; netc's layer is W·x + b. */
static int op_gemm(struct walk *w)
{
    int64_t trans_a, trans_b;
    float alpha, beta;
    if (walk_chain_at(w, 0, "A (input 0)") < 0 || flat_input(w) < 0 ||
        walk_attribute_int(w, "transA", 0, &trans_a) < 0 || walk_attribute_int(w, "transB", 0, &trans_b) < 0 ||
        walk_attribute_float(w, "alpha", 1.0f, &alpha) < 0 || walk_attribute_float(w, "beta", 1.0f, &beta) < 0)
        return -1;
    if (!w->batch)
        return walk_refuse(w, "its input has no batch dimension (Gemm multiplies matrices)");
    if (trans_a)
        return walk_refuse(w, "transA = 1 transposes the batch of inputs; netc's layer is W·x + b");
    if (alpha != 1.0f || beta != 1.0f)
        return walk_refuse(w, "alpha = %g, beta = %g: netc's dense layer is W·x + b (1 and 1)",
                      (double)alpha, (double)beta);
    if (open_layer(w, walk_input_constant(w, 1), w->node->input[1], !trans_b) < 0)
        return -1;
    const Onnx__TensorProto *c = walk_input_constant(w, 2);
    if (w->node->n_input > 2 && w->node->input[2][0] && !c)
        return walk_refuse(w, "its bias (input C) is not a constant");
    return c ? walk_set_bias(w, c, w->node->input[2]) : 0;
}

/* MatMul: Y = A·B with B [in][out]; the bias, if any, comes with the Add after it. */
static int op_matmul(struct walk *w)
{
    if (walk_chain_at(w, 0, "A (input 0): netc's layer multiplies the weights by its input") < 0 ||
        flat_input(w) < 0)
        return -1;
    if (open_layer(w, walk_input_constant(w, 1), w->node->input[1], 1) < 0)
        return -1;
    w->bias_open = 1;
    return 0;
}

static int op_add(struct walk *w)
{
    if (!w->open || !w->bias_open)
        return walk_refuse(w, "an Add not right after a MatMul: netc's layers add one bias, after "
                      "their weights");
    const Onnx__TensorProto *c = walk_input_constant(w, (size_t)(1 - w->at));
    if (!c)
        return walk_refuse(w, "adds something other than a constant bias (a branching graph?)");
    w->bias_open = 0;
    return walk_set_bias(w, c, w->node->input[1 - w->at]) < 0 ? -1 : walk_append_node(w);
}

/* ---- activations ---- */

/* A max pool between a layer and its activation is the same network with the activation
 * first when the activation never decreases: max f(x) = f(max x).  PyTorch's classic
 * F.relu(F.max_pool2d(conv(x), 2)) is such a network.  After an average pool it is not. */
static int activation_after_pool(struct walk *w, enum activation act, double alpha)
{
    if (w->pooled == LAYER_AVGPOOL)
        return walk_refuse(w, "an activation after an average pool: netc applies it before the "
                           "pool (the conv layer's), and the average of f(x) is not f of the "
                           "average\nhint: apply the activation before pooling");
    if (act == ACT_LEAKY_RELU && alpha < 0)
        return walk_refuse(w, "leaky ReLU with alpha = %g after a max pool: netc applies it "
                           "before the pool, the same only for an activation that never "
                           "decreases", alpha);
    return 0;
}

static int set_activation(struct walk *w, enum activation act, double alpha)
{
    if (w->final)
        return flat_input(w);
    if (!w->open)
        return walk_refuse(w, "an activation before the first layer: netc applies one after "
                           "each dense or conv layer");
    if (w->has_activation)
        return walk_refuse(w, "a second activation after layer %d: netc's layers have one",
                           (int)(w->open - w->out->layers) + 1);
    if (w->pooled && activation_after_pool(w, act, alpha) < 0)
        return -1;
    w->open->act = act;
    w->open->alpha = alpha;
    w->has_activation = 1;
    w->bias_open = 0;
    if (walk_append_node(w) < 0)
        return -1;
    if (w->pooled) {
        const size_t k = strlen(w->open->nodes);
        snprintf(w->open->nodes + k, sizeof w->open->nodes - k, " (after the max pool)");
    }
    return 0;
}

static int op_relu(struct walk *w)
{
    return set_activation(w, ACT_RELU, 0);
}

static int op_sigmoid(struct walk *w)
{
    return set_activation(w, ACT_SIGMOID, 0);
}

static int op_tanh(struct walk *w)
{
    return set_activation(w, ACT_TANH, 0);
}

static int op_leaky_relu(struct walk *w)
{
    float alpha;
    return walk_attribute_float(w, "alpha", 0.01f, &alpha) < 0 ? -1 : set_activation(w, ACT_LEAKY_RELU, alpha);
}

/* Softmax over each sample's vector: the axis must be the last one (before opset 13
 * the default 1 flattens from there, the same thing for [batch, n]). */
static int softmax_axis(struct walk *w)
{
    int64_t axis;
    const int rank = w->batch + w->rank;
    if (walk_attribute_int(w, "axis", w->m->opset < 13 ? 1 : -1, &axis) < 0)
        return -1;
    if (axis < 0)
        axis += rank;
    if (w->rank != 1 || axis != rank - 1)
        return walk_refuse(w, "over axis %lld of a %d-dimensional value: netc's softmax runs over "
                      "each sample's outputs", (long long)axis, rank);
    return 0;
}

static int op_softmax(struct walk *w)
{
    if (softmax_axis(w) < 0 || set_activation(w, ACT_SOFTMAX, 0) < 0)
        return -1;
    w->final = 1;
    return 0;
}

/* log(softmax(z)) has no netc activation: refused unless --log-softmax says what to
 * write instead (the softmax, whose outputs are its exp; or the logits). */
static int op_log_softmax(struct walk *w)
{
    if (w->opt->log_softmax < 0)
        return walk_refuse(w, "netc has no log-softmax activation, so it cannot write this network "
                      "exactly\nhint: --log-softmax softmax imports the output layer as softmax "
                      "(outputs e^y, the probabilities; the same classes), --log-softmax linear "
                      "as its logits (y plus a constant per sample)");
    if (softmax_axis(w) < 0 || set_activation(w, (enum activation)w->opt->log_softmax, 0) < 0)
        return -1;
    w->out->log_softmax_note = w->opt->log_softmax == ACT_SOFTMAX
        ? "the model's LogSoftmax output imported as softmax (--log-softmax softmax): these outputs are e^y"
        : "the model's LogSoftmax output imported as its logits (--log-softmax linear)";
    w->final = 1;
    return 0;
}

/* ---- shapes: Flatten, Reshape ---- */

/* Before any layer the value is the input, reshaped: the input is that image (the same
 * values in the same order), C x H x W on the .net file's `input` line; an H x W input
 * given one channel stays `input HxW`, which netc reads as 1 x H x W. */
static int input_image(struct walk *w, const int64_t dims[3])
{
    struct onnx_import *m = w->out;
    const int same = m->input_rank == 2 && dims[0] == 1 && dims[1] == m->input_shape[0] &&
                     dims[2] == m->input_shape[1];
    for (int i = 0; i < 3; i++) {
        w->dims[i] = dims[i];
        if (!same)
            m->input_shape[i] = (int)dims[i];
    }
    w->rank = 3;
    if (!same)
        m->input_rank = 3;
    return 0;
}

static int flatten_to_vector(struct walk *w)
{
    w->dims[0] = walk_features(w);
    w->rank = 1;
    return 0;
}

static int op_flatten(struct walk *w)
{
    int64_t axis;
    if (walk_attribute_int(w, "axis", 1, &axis) < 0)
        return -1;
    if (axis < 0)
        axis += w->batch + w->rank;
    if (!w->batch || axis != 1)
        return walk_refuse(w, "axis %lld: netc flattens each sample (axis 1 after the batch "
                      "dimension)", (long long)axis);
    return flatten_to_vector(w);
}

/* Reshape's shape for one sample, [batch, dims...] resolved against the value's
 * features f: the batch kept (0) or inferred (-1), the other dimensions written or one of
 * them inferred (-1) when the batch is kept.  0 with *rank and dims set, or -1. */
static int reshape_target(const struct walk *w, const int64_t *shape, int64_t n, int allowzero,
                          int *rank, int64_t dims[3])
{
    const int64_t f = walk_features(w);
    const int b = w->batch;
    if (n - b < 1 || n - b > 3 ||
        (b && ((shape[0] == 0 && allowzero) || (shape[0] != 0 && shape[0] != -1))))
        return -1;
    int64_t known = 1;
    int infer = -1;
    for (int64_t i = b; i < n; i++) {
        if (shape[i] == -1 && infer < 0 && !(b && shape[0] == -1))
            infer = (int)(i - b);
        else if (shape[i] >= 1 && shape[i] <= NETC_MAX_WIDTH)
            known *= shape[i];
        else
            return -1;
        dims[i - b] = shape[i];
    }
    if (infer >= 0 && f % known == 0) {
        dims[infer] = f / known;
        known = f;
    }
    *rank = (int)(n - b);
    return known == f ? 0 : -1;
}

/* A Reshape that flattens each sample; or, before the first layer, one that gives the
 * input its image shape (x.view(-1, 1, 28, 28)): the .net file's `input` line. */
static int op_reshape(struct walk *w)
{
    const Onnx__TensorProto *s = walk_input_constant(w, 1);
    int64_t *shape, n, allowzero, dims[3];
    int rank = 0;
    if (walk_chain_at(w, 0, "data (input 0)") < 0 || walk_attribute_int(w, "allowzero", 0, &allowzero) < 0)
        return -1;
    if (!s)
        return walk_refuse(w, "dynamic shape: the new shape is computed in the graph; netc needs a "
                      "constant one\nhint: in PyTorch flatten with torch.nn.Flatten() or "
                      "x.view(-1, N)");
    if (onnx_tensor_int64s(w->m, s, "Reshape's shape", &shape, &n, w->err) < 0)
        return -1;
    const int ok = reshape_target(w, shape, n, (int)allowzero, &rank, dims) == 0;
    free(shape);
    if (ok && rank == 1)
        return flatten_to_vector(w);
    if (ok && rank == 3 && w->out->nlayers == 0)
        return input_image(w, dims);
    return walk_refuse(w, "a reshape other than flattening each sample to one vector of %lld "
                       "values, or giving the input an image's C x H x W shape before the "
                       "first layer", (long long)walk_features(w));
}

/* Unsqueeze before the first layer: a channel dimension for an H x W input
 * (x.unsqueeze(1)); the axes an attribute before opset 13, an input since. */
static int op_unsqueeze(struct walk *w)
{
    int64_t axis = 0, *axes = NULL, n = 1;
    const Onnx__TensorProto *t = walk_input_constant(w, 1);
    if (walk_chain_at(w, 0, "data (input 0)") < 0)
        return -1;
    if (t) {
        if (onnx_tensor_int64s(w->m, t, "Unsqueeze's axes", &axes, &n, w->err) < 0)
            return -1;
        axis = axes[0];
        free(axes);
    } else {
        const Onnx__AttributeProto *a = onnx_attribute(w->node, "axes");
        n = a ? (int64_t)a->n_ints : 0;
        axis = n ? a->ints[0] : 0;
    }
    if (axis < 0)
        axis += w->batch + w->rank + 1;
    if (n != 1 || !w->batch || axis != 1 || w->rank != 2 || w->out->nlayers)
        return walk_refuse(w, "an unsqueeze other than giving an H x W input its channel "
                           "dimension (x.unsqueeze(1)) before the first layer");
    const int64_t dims[3] = { 1, w->dims[0], w->dims[1] };
    return input_image(w, dims);
}

/* ---- pass-through: Identity, Dropout; input scaling: Sub, Div ---- */

static int op_identity(struct walk *w)
{
    (void)w;
    return 0;
}

/* Dropout: netc's dropout layer of the same rate (the probability of zeroing), the
 * identity at inference as ONNX's Dropout is unless training_mode says otherwise (its
 * mask, output 1, must be unused: checked with every node's extra outputs).  The rate is
 * input 1 since opset 12, the attribute `ratio` before; 0.5 when left out.  It does not
 * close the open layer: an activation after it is that layer's (the same at inference,
 * and while training for relu, leaky relu and linear). */
static int op_dropout(struct walk *w)
{
    const Onnx__TensorProto *t = walk_input_constant(w, 2), *r = walk_input_constant(w, 1);
    int training = 0;
    float rate;
    if (walk_chain_at(w, 0, "data (input 0)") < 0 ||
        walk_attribute_float(w, "ratio", 0.5f, &rate) < 0)
        return -1;
    if (w->node->n_input > 2 && w->node->input[2][0] && !t)
        return walk_refuse(w, "its training_mode is not a constant");
    if (t && onnx_tensor_bool(w->m, t, "Dropout's training_mode", &training, w->err) < 0)
        return -1;
    if (training)
        return walk_refuse(w, "training_mode = true: a random mask at inference");
    if (r) {
        float *v;
        int64_t n;
        if (onnx_tensor_floats(w->m, r, "Dropout's ratio", &v, &n, w->err) < 0)
            return -1;
        rate = v[0];
        free(v);
        if (n != 1)
            return walk_refuse(w, "its ratio holds %lld values, one expected", (long long)n);
    }
    if (!(rate >= 0 && rate < 1))
        return walk_refuse(w, "ratio %g: netc's dropout rate is in [0, 1)", (double)rate);
    struct onnx_layer *L = walk_new_layer(w, LAYER_DROPOUT);
    if (!L)
        return -1;
    L->out = L->in;
    L->rate = rate;
    return 0;
}

/* (x - mean) / std in the graph before the first layer: netc's input statistics
 * (input.mean, input.std in the weights file). */
static int scaling(struct walk *w, float **dst, const char *what, int positive)
{
    char name[96];
    const Onnx__TensorProto *c = walk_input_constant(w, 1);
    if (walk_chain_at(w, 0, "A (input 0)") < 0)
        return -1;
    if (w->out->nlayers || *dst)
        return walk_refuse(w, "a %s other than the input scaling (x - mean) / std before the first "
                      "layer", what);
    if (!c)
        return walk_refuse(w, "%s by something other than a constant (a branching graph?)", what);
    /* the constant broadcasts per value: its dimensions, leading 1s aside, are the value's */
    int k = (int)c->n_dims, r = w->rank;
    while (k > 0 && c->dims[c->n_dims - (size_t)k] == 1 && k > r)
        k--;
    int same = k == r || (k == 0);
    for (int i = 0; same && k > 0 && i < r; i++)
        same = c->dims[c->n_dims - (size_t)r + (size_t)i] == w->dims[i];
    if (!same)
        return walk_refuse(w, "its constant '%s' is not one value per input value",
                      onnx_printable(w->node->input[1], name));
    float *v;
    int64_t n;
    if (onnx_tensor_floats(w->m, c, "the input scaling", &v, &n, w->err) < 0)
        return -1;
    const int size = w->out->input_size;
    float *all = netc_alloc((size_t)size, sizeof *all, "the input scaling", w->err);
    if (!all) {
        free(v);
        return -1;
    }
    for (int i = 0; i < size; i++)
        all[i] = v[n == 1 ? 0 : i];
    free(v);
    *dst = all;
    for (int i = 0; i < size; i++)
        if (!isfinite(all[i]) || (positive && !(all[i] > 0)))
            return walk_refuse(w, "divides by %g: netc's input scaling divides by a positive std",
                          (double)all[i]);
    return 0;
}

static int op_sub(struct walk *w)
{
    if (w->out->scale_range)
        return walk_refuse(w, "a Sub after the Div: netc's input scaling is (x - mean) / std");
    return scaling(w, &w->out->scale_offset, "Sub", 0);
}

static int op_div(struct walk *w)
{
    return scaling(w, &w->out->scale_range, "Div", 1);
}

/* ---- the table ---- */

/* Each operator with how many inputs it takes (the handlers rely on it). */
static const struct {
    const char *op;
    int (*apply)(struct walk *w);
    size_t min_inputs, max_inputs;
} operators[] = {
    { "Gemm", op_gemm, 2, 3 },          { "MatMul", op_matmul, 2, 2 },
    { "Add", op_add, 2, 2 },            { "Relu", op_relu, 1, 1 },
    { "LeakyRelu", op_leaky_relu, 1, 1 }, { "Sigmoid", op_sigmoid, 1, 1 },
    { "Tanh", op_tanh, 1, 1 },          { "Softmax", op_softmax, 1, 1 },
    { "LogSoftmax", op_log_softmax, 1, 1 }, { "Flatten", op_flatten, 1, 1 },
    { "Reshape", op_reshape, 2, 2 },    { "Identity", op_identity, 1, 1 },
    { "Dropout", op_dropout, 1, 3 },    { "Sub", op_sub, 2, 2 },
    { "Div", op_div, 2, 2 },            { "Unsqueeze", op_unsqueeze, 1, 2 },
    { "Conv", op_conv, 2, 3 },          { "MaxPool", op_max_pool, 1, 1 },
    { "AveragePool", op_average_pool, 1, 1 }, { "GlobalMaxPool", op_global_max_pool, 1, 1 },
    { "GlobalAveragePool", op_global_average_pool, 1, 1 }, { "Pad", op_pad, 1, 3 },
};

#define SUPPORTED "Gemm, MatMul, Add, Conv, MaxPool, AveragePool, GlobalMaxPool, " \
                  "GlobalAveragePool, Relu, LeakyRelu, Sigmoid, Tanh, Softmax, LogSoftmax, " \
                  "Flatten, Reshape, Unsqueeze, Pad (zeros, before a Conv), Identity, Dropout, " \
                  "and Sub and Div scaling the input"

static int other_inputs_constant(struct walk *w);

static int apply(struct walk *w)
{
    const char *op = str(w->node->op_type);
    const char *domain = str(w->node->domain);
    if (domain[0] && strcmp(domain, "ai.onnx") != 0) {
        char d[96];
        return walk_refuse(w, "unsupported operator: from domain '%s', not ONNX's own",
                      onnx_printable(domain, d));
    }
    for (size_t i = 0; i < sizeof operators / sizeof operators[0]; i++) {
        if (strcmp(op, operators[i].op) != 0)
            continue;
        if (w->node->n_input < operators[i].min_inputs || w->node->n_input > operators[i].max_inputs)
            return walk_refuse(w, "%zu input%s; %s takes %zu%s%.0zu", w->node->n_input,
                          w->node->n_input == 1 ? "" : "s", operators[i].op, operators[i].min_inputs,
                          operators[i].max_inputs > operators[i].min_inputs ? " to " : "",
                          operators[i].max_inputs > operators[i].min_inputs ? operators[i].max_inputs : 0);
        if (w->pending_pad && operators[i].apply != op_conv)
            return walk_refuse(w, "follows a Pad of %lld on each side: netc pads inside its "
                               "conv layers only, so a Conv must come right after it",
                               (long long)w->pending_pad);
        return other_inputs_constant(w) < 0 ? -1 : operators[i].apply(w);
    }
    return walk_refuse(w, "unsupported operator\nhint: netc imports networks of layers: " SUPPORTED);
}

/* ---- the walk ---- */

static int is_initializer(const Onnx__GraphProto *g, const char *name)
{
    for (size_t i = 0; i < g->n_initializer; i++)
        if (strcmp(str(g->initializer[i]->name), name) == 0)
            return 1;
    return 0;
}

/* The graph's one input that is not an initializer, with its shape: [batch, dims...] or,
 * for a rank-1 input, one sample of dims[0] values. */
static int graph_input(struct walk *w, const char **name)
{
    const Onnx__GraphProto *g = w->g;
    const Onnx__ValueInfoProto *in = NULL;
    char tmp[96];
    int count = 0;
    for (size_t i = 0; i < g->n_input; i++)
        if (!is_initializer(g, str(g->input[i]->name))) {
            in = g->input[i];
            count++;
        }
    if (count != 1)
        return netc_fail(w->err, "%s: the graph has %d inputs; netc's networks have one",
                         w->m->path, count);
    *name = str(in->name);
    onnx_printable(*name, tmp);
    const Onnx__TypeProto *t = in->type;
    if (!t || t->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !t->tensor_type ||
        t->tensor_type->elem_type != ONNX_FLOAT)
        return netc_fail(w->err, "%s: input '%s' is not a float32 tensor", w->m->path, tmp);
    const Onnx__TensorShapeProto *s = t->tensor_type->shape;
    if (!s || s->n_dim == 0)
        return netc_fail(w->err, "%s: dynamic shape: input '%s' declares no dimensions; netc "
                         "needs each sample's size", w->m->path, tmp);
    w->batch = s->n_dim > 1;
    w->rank = (int)s->n_dim - w->batch;
    if (w->rank > 3)
        return netc_fail(w->err, "%s: input '%s' has %d dimensions besides the batch; netc's "
                         "input has at most 3 (CxHxW)", w->m->path, tmp, w->rank);
    double size = 1;
    for (int i = 0; i < w->rank; i++) {
        const Onnx__TensorShapeProto__Dimension *d = s->dim[i + w->batch];
        if (d->value_case != ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE)
            return netc_fail(w->err, "%s: dynamic shape: dimension %d of input '%s' has no "
                             "fixed size; netc needs each sample's size\nhint: in "
                             "torch.onnx.export's dynamic_axes name the batch dimension only",
                             w->m->path, i + w->batch, tmp);
        if (d->dim_value < 1 || d->dim_value > NETC_MAX_WIDTH)
            return netc_fail(w->err, "%s: dimension %d of input '%s' is %lld; netc takes 1 "
                             "to %d", w->m->path, i + w->batch, tmp, (long long)d->dim_value,
                             NETC_MAX_WIDTH);
        w->dims[i] = d->dim_value;
        w->out->input_shape[i] = (int)d->dim_value;
        size *= (double)d->dim_value;
    }
    if (size > NETC_MAX_WIDTH)
        return netc_fail(w->err, "%s: input '%s' has %.0f values, more than netc's limit of %d",
                         w->m->path, tmp, size, NETC_MAX_WIDTH);
    w->out->input_rank = w->rank;
    w->out->input_size = (int)size;
    return 0;
}

/* The one node that takes value (setting w->node, w->at), or an error: none, several
 * (a branching graph), or one already passed (a cycle). */
static int next_node(struct walk *w, const char *value)
{
    char tmp[96];
    int found = -1, uses = 0;
    for (size_t k = 0; k < w->g->n_node; k++)
        for (size_t j = 0; j < w->g->node[k]->n_input; j++)
            if (strcmp(w->g->node[k]->input[j], value) == 0) {
                if (found >= 0 && (size_t)found != k) {
                    char a[96], b[96];
                    return netc_fail(w->err, "%s: branching graph: '%s' feeds nodes '%s' and "
                                     "'%s'; netc's networks are one chain of layers",
                                     w->m->path, onnx_printable(value, tmp),
                                     onnx_node_label(w->g->node[found], found, a),
                                     onnx_node_label(w->g->node[k], (int)k, b));
                }
                found = (int)k;
                w->at = (int)j;
                uses++;
            }
    if (found < 0)
        return netc_fail(w->err, "%s: '%s' is used by no node and is not the graph's output",
                         w->m->path, onnx_printable(value, tmp));
    w->node = w->g->node[found];
    w->node_index = found;
    if (uses > 1)
        return walk_refuse(w, "branching graph: it takes '%s' twice", onnx_printable(value, tmp));
    if (w->visited[found])
        return walk_refuse(w, "the graph has a cycle through this node");
    w->visited[found] = 1;
    if (w->node->n_output < 1 || !w->node->output[0][0])
        return walk_refuse(w, "it has no output");
    return 0;
}

/* A supported node's inputs besides the network's value are constants (weights). */
static int other_inputs_constant(struct walk *w)
{
    char tmp[96];
    for (size_t j = 0; j < w->node->n_input; j++)
        if ((int)j != w->at && w->node->input[j][0] && !walk_constant(w, w->node->input[j]))
            return walk_refuse(w, "branching graph: its input %zu ('%s') is neither the network's "
                          "value nor a constant", j, onnx_printable(w->node->input[j], tmp));
    return 0;
}

/* A node's outputs after the first (Dropout's mask) must go nowhere, and every node must
 * be on the chain but Constant nodes (which are on it through their users). */
static int check_leftovers(struct walk *w)
{
    for (size_t k = 0; k < w->g->n_node; k++) {
        w->node = w->g->node[k];
        w->node_index = (int)k;
        if (!w->visited[k] && strcmp(str(w->node->op_type), "Constant") != 0)
            return walk_refuse(w, "branching graph: the node is not on the path from the input to "
                          "the output");
        for (size_t o = 1; w->visited[k] && o < w->node->n_output; o++)
            for (size_t i = 0; i < w->g->n_node; i++)
                for (size_t j = 0; j < w->g->node[i]->n_input; j++)
                    if (w->node->output[o][0] && strcmp(w->g->node[i]->input[j], w->node->output[o]) == 0)
                        return walk_refuse(w, "branching graph: its output %zu is used", o);
    }
    return 0;
}

static int walk_graph(struct walk *w)
{
    const Onnx__GraphProto *g = w->g;
    const char *value = "";
    char tmp[96];
    if (g->n_node > ONNX_MAX_NODES)
        return netc_fail(w->err, "%s: %zu nodes; netc reads at most %d", w->m->path, g->n_node,
                         ONNX_MAX_NODES);
    if (g->n_output != 1)
        return netc_fail(w->err, "%s: the graph has %zu outputs; netc's networks have one",
                         w->m->path, g->n_output);
    const char *output = str(g->output[0]->name);
    if (graph_input(w, &value) < 0)
        return -1;
    for (size_t steps = 0; strcmp(value, output) != 0; steps++) {
        if (steps > g->n_node)
            return netc_fail(w->err, "%s: the graph has a cycle", w->m->path);
        if (next_node(w, value) < 0 || apply(w) < 0)
            return -1;
        value = w->node->output[0];
    }
    for (size_t k = 0; k < g->n_node; k++)
        for (size_t j = 0; j < g->node[k]->n_input; j++)
            if (strcmp(g->node[k]->input[j], output) == 0)
                return netc_fail(w->err, "%s: branching graph: the output '%s' is also used "
                                 "inside the graph", w->m->path, onnx_printable(output, tmp));
    if (check_leftovers(w) < 0)
        return -1;
    struct onnx_import *m = w->out;
    while (m->nlayers > 0 && m->layers[m->nlayers - 1].kind == LAYER_DROPOUT)
        m->nlayers--;               /* after the output: the identity, and nothing to train */
    if (m->nlayers == 0)
        return netc_fail(w->err, "%s: no dense layer (Gemm or MatMul) between the input and "
                         "the output", w->m->path);
    if (w->rank != 1)
        return netc_fail(w->err, "%s: the output has %d dimensions per sample, netc's one",
                         w->m->path, w->rank);
    const struct onnx_layer *last = &m->layers[m->nlayers - 1];
    if (last->kind != LAYER_DENSE)
        return netc_fail(w->err, "%s: the network ends with a %s layer (%s); netc's output "
                         "layer is a dense one", w->m->path, layer_kind_name(last->kind),
                         last->nodes);
    return 0;
}

/* ---- names ---- */

static int usable_name(const char *s)
{
    const size_t len = strlen(s);
    if (len == 0 || len > NETC_MAX_NAME || (s[0] >= '0' && s[0] <= '9') ||
        (s[0] == '_' && (s[1] == '_' || (s[1] >= 'A' && s[1] <= 'Z'))))
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!(s[i] == '_' || (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= 'A' && s[i] <= 'Z')))
            return 0;
    return !front_is_keyword(s, len);
}

/* conv1, dense1, dense2, maxpool1, ...: each layer's kind and count. */
static void default_names(struct onnx_import *m)
{
    int count[LAYER_DROPOUT + 1] = { 0 };
    for (int l = 0; l < m->nlayers; l++) {
        struct onnx_layer *L = &m->layers[l];
        snprintf(L->name, sizeof L->name, "%s%d", layer_kind_name(L->kind), ++count[L->kind]);
    }
}

/* A layer keeps the name its tensors have ("hidden1.weight", "hidden1.bias": what
 * netc's --emit onnx writes) when that is a usable layer name; else the default name
 * (pools and dropout always).  If that would name two layers alike, all get the
 * default names. */
static void name_layers(struct walk *w)
{
    struct onnx_import *m = w->out;
    default_names(m);
    for (int l = 0; l < m->nlayers; l++) {
        char *name = m->layers[l].name;
        const char *wn = w->weight_name[l], *bn = w->bias_name[l];
        const size_t n = wn ? strlen(wn) : 0;
        if (n > 7 && n - 7 <= NETC_MAX_NAME && strcmp(wn + n - 7, ".weight") == 0 &&
            (!bn || (strncmp(bn, wn, n - 7) == 0 && strcmp(bn + n - 7, ".bias") == 0))) {
            char base[NETC_MAX_NAME + 1];
            memcpy(base, wn, n - 7);
            base[n - 7] = '\0';
            if (usable_name(base))
                strcpy(name, base);
        }
    }
    for (int a = 0; a < m->nlayers; a++)
        for (int b = a + 1; b < m->nlayers; b++)
            if (strcmp(m->layers[a].name, m->layers[b].name) == 0) {
                default_names(m);
                return;
            }
}

/* The network's name: opt->name, or the file's base name made an identifier
 * ("mnist-mlp.onnx" -> mnist_mlp, "2layer.onnx" -> net_2layer). */
static int network_name(const char *path, const struct onnx_import_options *opt,
                        struct onnx_import *m, netc_error *err)
{
    if (opt->name) {
        if (!usable_name(opt->name) || strncmp(opt->name, "netc", 4) == 0)
            return netc_fail(err, "--name '%s' is not a usable network name (a C identifier "
                             "of at most %d characters, not a keyword, not starting with "
                             "'netc')", opt->name, NETC_MAX_NAME);
        snprintf(m->name, sizeof m->name, "%s", opt->name);
        return 0;
    }
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t len = strcspn(base, ".");
    char name[NETC_MAX_NAME + 1];
    size_t k = 0;
    if (len == 0 || (base[0] >= '0' && base[0] <= '9') || strncmp(base, "netc", 4) == 0)
        k = (size_t)snprintf(name, sizeof name, "net_");
    for (size_t i = 0; i < len && k < NETC_MAX_NAME; i++) {
        const char c = base[i];
        name[k++] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ? c : '_';
    }
    name[k] = '\0';
    if (!usable_name(name))
        snprintf(name, sizeof name, "net_%.*s", NETC_MAX_NAME - 4, base);
    if (!usable_name(name))
        strcpy(name, "imported");
    strcpy(m->name, name);
    return 0;
}

/* Without --name, a model netc wrote keeps its network's name (its "network" metadata). */
static void metadata_name(const Onnx__ModelProto *mp, const struct onnx_import_options *opt,
                          struct onnx_import *m)
{
    for (size_t i = 0; !opt->name && i < mp->n_metadata_props; i++) {
        const char *key = str(mp->metadata_props[i]->key), *value = str(mp->metadata_props[i]->value);
        if (strcmp(key, "network") == 0 && usable_name(value) && strncmp(value, "netc", 4) != 0)
            snprintf(m->name, sizeof m->name, "%s", value);
    }
}

/* A Sub alone divides by 1, a Div alone subtracts 0. */
static int complete_scaling(struct onnx_import *m, netc_error *err)
{
    if (!m->scale_offset && !m->scale_range)
        return 0;
    float **missing = m->scale_offset ? &m->scale_range : &m->scale_offset;
    if (*missing)
        return 0;
    *missing = netc_alloc((size_t)m->input_size, sizeof **missing, "the input scaling", err);
    for (int i = 0; *missing && i < m->input_size; i++)
        (*missing)[i] = missing == &m->scale_range ? 1.0f : 0.0f;
    return *missing ? 0 : -1;
}

int onnx_import_read(const char *path, const struct onnx_import_options *opt,
                     struct onnx_import *m, char *errbuf, size_t errlen)
{
    netc_error err;
    struct onnx_model model;
    memset(m, 0, sizeof *m);
    m->path = path;
    int rc = network_name(path, opt, m, &err);
    if (rc == 0)
        rc = onnx_model_read(path, &model, &err);
    if (rc < 0) {
        snprintf(errbuf, errlen, "%s", err.msg);
        return rc;
    }
    const Onnx__ModelProto *mp = model.proto;
    char a[96], b[96];
    snprintf(m->producer, sizeof m->producer, "%s%s%s", onnx_printable(mp->producer_name, a),
             mp->producer_version && mp->producer_version[0] ? " " : "",
             onnx_printable(mp->producer_version, b));
    m->opset = model.opset;
    struct walk w = { .m = &model, .g = mp->graph, .opt = opt, .out = m, .err = &err };
    w.visited = calloc(mp->graph->n_node + 1, 1);
    metadata_name(mp, opt, m);
    rc = w.visited ? walk_graph(&w) : netc_fail(&err, "%s: out of memory", path);
    if (rc == 0) {
        name_layers(&w);
        rc = complete_scaling(m, &err);
    }
    free(w.visited);
    onnx_model_free(&model);
    if (rc < 0) {
        snprintf(errbuf, errlen, "%s", err.msg);
        onnx_import_free(m);
    }
    return rc;
}

void onnx_import_free(struct onnx_import *m)
{
    for (int l = 0; l < m->nlayers; l++) {
        free(m->layers[l].weight);
        free(m->layers[l].bias);
    }
    free(m->scale_offset);
    free(m->scale_range);
    m->nlayers = 0;
    m->scale_offset = m->scale_range = NULL;
}
