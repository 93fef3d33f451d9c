/* export.c - a checked network and its weights as an ONNX model, built as protobuf-c
 * messages and packed by protobuf-c.  One node per layer (Gemm, Conv, MaxPool,
 * AveragePool, Dropout; the tensors keep netc's names, so that `netc import` gives the
 * same file back), one per activation, and a Flatten where a dense layer reads an image:
 * what the inference export's C computes, operator for operator. */
#include "onnx/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "infer/weights.h"
#include "netc_runtime.h"
#include "onnx/proto.h"

/* Everything the messages point to, freed together. */
struct builder {
    void **owned;
    size_t n_owned, cap;
    Onnx__NodeProto *nodes[3 * NETC_MAX_LAYERS + 4];
    size_t n_node;
    Onnx__TensorProto *inits[2 * NETC_MAX_LAYERS + 3];
    size_t n_init;
    int failed;
};

static void *own(struct builder *b, void *p)
{
    if (!p || b->failed) {
        b->failed = 1;
        free(p);
        return NULL;
    }
    if (b->n_owned == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        void **grown = realloc(b->owned, cap * sizeof *grown);
        if (!grown) {
            b->failed = 1;
            free(p);
            return NULL;
        }
        b->owned = grown;
        b->cap = cap;
    }
    return b->owned[b->n_owned++] = p;
}

static void *alloc(struct builder *b, size_t size)
{
    return own(b, calloc(1, size));
}

static char *text(struct builder *b, const char *fmt, const char *a, const char *c)
{
    char buf[256];
    snprintf(buf, sizeof buf, fmt, a, c);
    return own(b, strdup(buf));
}

static Onnx__AttributeProto *attribute(struct builder *b, Onnx__NodeProto *n, const char *name)
{
    Onnx__AttributeProto *a = alloc(b, sizeof *a);
    Onnx__AttributeProto **all = alloc(b, (n->n_attribute + 1) * sizeof *all);
    if (!a || !all)
        return NULL;
    onnx__attribute_proto__init(a);
    a->name = (char *)name;
    a->has_type = 1;
    if (n->n_attribute)         /* the list grows by copying: at most a few, no harm */
        memcpy(all, n->attribute, n->n_attribute * sizeof *all);
    all[n->n_attribute++] = a;
    n->attribute = all;
    return a;
}

static void attribute_int(struct builder *b, Onnx__NodeProto *n, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = attribute(b, n, name);
    if (a) {
        a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
        a->has_i = 1;
        a->i = v;
    }
}

static void attribute_ints(struct builder *b, Onnx__NodeProto *n, const char *name, int count,
                           int64_t v0, int64_t v1)
{
    Onnx__AttributeProto *a = attribute(b, n, name);
    int64_t *v = alloc(b, 4 * sizeof *v);
    if (a && v) {
        a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
        for (int i = 0; i < count; i++)
            v[i] = i % 2 ? v1 : v0;
        a->ints = v;
        a->n_ints = (size_t)count;
    }
}

static void attribute_float(struct builder *b, Onnx__NodeProto *n, const char *name, float v)
{
    Onnx__AttributeProto *a = attribute(b, n, name);
    if (a) {
        a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT;
        a->has_f = 1;
        a->f = v;
    }
}

/* A node OP called name, from the inputs (NULL-terminated) to output. */
static Onnx__NodeProto *node(struct builder *b, const char *op, char *name, char *output,
                             char *in0, char *in1, char *in2)
{
    Onnx__NodeProto *n = alloc(b, sizeof *n);
    char **in = alloc(b, 3 * sizeof *in), **out = alloc(b, sizeof *out);
    if (!n || !in || !out || !name || !output)
        return NULL;
    onnx__node_proto__init(n);
    n->op_type = (char *)op;
    n->name = name;
    in[0] = in0, in[1] = in1, in[2] = in2;
    n->input = in;
    n->n_input = in2 ? 3 : in1 ? 2 : 1;
    out[0] = output;
    n->output = out;
    n->n_output = 1;
    b->nodes[b->n_node++] = n;
    return n;
}

/* A tensor called name of rank dimensions, not yet holding data. */
static Onnx__TensorProto *tensor(struct builder *b, char *name, int rank, const int64_t *dims,
                                 int32_t type)
{
    Onnx__TensorProto *t = alloc(b, sizeof *t);
    int64_t *d = alloc(b, 4 * sizeof *d);
    if (!t || !d || !name || rank > 4)
        return NULL;
    onnx__tensor_proto__init(t);
    t->name = name;
    if (rank)
        memcpy(d, dims, (size_t)rank * sizeof *d);
    t->dims = d;
    t->n_dims = (size_t)rank;
    t->has_data_type = 1;
    t->data_type = type;
    b->inits[b->n_init++] = t;
    return t;
}

/* An initializer of float32 values (the packed float_data field: little-endian on the
 * wire whatever this machine is). */
static void initializer(struct builder *b, char *name, int rank, const int64_t *dims, float *data)
{
    Onnx__TensorProto *t = tensor(b, name, rank, dims, ONNX_FLOAT);
    size_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= (size_t)dims[i];
    if (t && data) {
        t->float_data = data;
        t->n_float_data = n;
    }
}

/* An initializer of int64 values (a shape). */
static void int64_initializer(struct builder *b, char *name, int n, const int64_t *values)
{
    const int64_t dims[1] = { n };
    Onnx__TensorProto *t = tensor(b, name, 1, dims, ONNX_INT64);
    int64_t *v = alloc(b, (size_t)n * sizeof *v);
    if (t && v) {
        memcpy(v, values, (size_t)n * sizeof *v);
        t->int64_data = v;
        t->n_int64_data = (size_t)n;
    }
}

static float *copy_floats(struct builder *b, const float *v, size_t n)
{
    float *c = alloc(b, n * sizeof *c);
    if (c)
        memcpy(c, v, n * sizeof *c);
    return c;
}

/* x' = (x - offset) / range, as the exported C scales its input (infer/weights.c). */
static char *input_scaling(struct builder *b, const struct network *net,
                           const struct export_weights *w, char *value)
{
    const int minmax = w->scale == SCALE_UNIT;
    char *offset = text(b, "%s%s", "input.", minmax ? "min" : "mean");
    char *range = text(b, "%s%s", "input.", minmax ? "range" : "std");
    int64_t dims[3];                /* the input's shape, which the constants broadcast to */
    for (int i = 0; i < net->input_rank; i++)
        dims[i] = net->input_shape[i];
    initializer(b, offset, net->input_rank, dims,
                copy_floats(b, w->scale_offset, (size_t)w->n_scale));
    initializer(b, range, net->input_rank, dims,
                copy_floats(b, w->scale_range, (size_t)w->n_scale));
    char *centered = text(b, "%s%s", "input.centered", "");
    char *scaled = text(b, "%s%s", "input.scaled", "");
    node(b, "Sub", text(b, "%s%s", "input/Sub", ""), centered, value, offset, NULL);
    node(b, "Div", text(b, "%s%s", "input/Div", ""), scaled, centered, range, NULL);
    return scaled;
}

static const char *const activation_ops[] = {
    [ACT_SIGMOID] = "Sigmoid", [ACT_RELU] = "Relu", [ACT_LEAKY_RELU] = "LeakyRelu",
    [ACT_TANH] = "Tanh", [ACT_LINEAR] = NULL, [ACT_SOFTMAX] = "Softmax",
};

/* Layer l's weights as one of its initializers, in the file's layout: W[units][fan_in]
 * from the trainer's W^T[fan_in][units]; dense [out, in], conv [out, in, kh, kw]. */
static char *weight_initializer(struct builder *b, const struct layer *L, const float *wt)
{
    char *name = text(b, "%s%s", L->name, ".weight");
    float *W = alloc(b, (size_t)L->units * (size_t)L->fan_in * sizeof *W);
    for (int o = 0; W && o < L->units; o++)
        for (int i = 0; i < L->fan_in; i++)
            W[(size_t)o * L->fan_in + i] = wt[(size_t)i * L->units + o];
    const int64_t dense[2] = { L->units, L->fan_in };
    const int64_t conv[4] = { L->units, L->in_shape[DIM_C], L->kernel[0], L->kernel[1] };
    if (L->kind == LAYER_CONV)
        initializer(b, name, 4, conv, W);
    else
        initializer(b, name, 2, dense, W);
    return name;
}

static char *bias_initializer(struct builder *b, const struct layer *L, const float *bias)
{
    char *name = text(b, "%s%s", L->name, ".bias");
    const int64_t dims[1] = { L->units };
    initializer(b, name, 1, dims, copy_floats(b, bias, (size_t)L->units));
    return name;
}

/* The layer's node proper, from value to out: Gemm (W [out, in] with transB = 1, as
 * torch.onnx.export writes torch.nn.Linear), Conv, MaxPool, AveragePool or Dropout. */
static Onnx__NodeProto *layer_node(struct builder *b, const struct layer *L,
                                   const struct export_weights *w, int l, char *value, char *out)
{
    static const char *const ops[] = { [LAYER_DENSE] = "Gemm", [LAYER_CONV] = "Conv",
        [LAYER_MAXPOOL] = "MaxPool", [LAYER_AVGPOOL] = "AveragePool", [LAYER_DROPOUT] = "Dropout" };
    const char *op = ops[L->kind];
    char *name = text(b, "%s/%s", L->name, op);
    Onnx__NodeProto *n;
    if (L->kind == LAYER_DROPOUT) {     /* ratio, and no training_mode: the identity */
        char *ratio = text(b, "%s%s", L->name, ".ratio");
        float *rate = alloc(b, sizeof *rate);
        if (rate)
            *rate = (float)L->rate;
        initializer(b, ratio, 0, NULL, rate);
        return node(b, op, name, out, value, ratio, NULL);
    }
    if (layer_has_weights(L))
        n = node(b, op, name, out, value, weight_initializer(b, L, w->wt[l]),
                 bias_initializer(b, L, w->bias[l]));
    else
        n = node(b, op, name, out, value, NULL, NULL);
    if (n && L->kind == LAYER_DENSE)
        attribute_int(b, n, "transB", 1);
    if (n && layer_is_spatial(L)) {
        attribute_ints(b, n, "kernel_shape", 2, L->kernel[0], L->kernel[1]);
        attribute_ints(b, n, "strides", 2, L->stride[0], L->stride[1]);
        attribute_ints(b, n, "pads", 4, L->padding[0], L->padding[1]);
    }
    return n;
}

/* Layer l on value and its activation; returns the layer's output value. */
static char *layer(struct builder *b, const struct network *net, const struct export_weights *w,
                   int l, char *value)
{
    const struct layer *L = &net->layers[l];
    const char *act = activation_ops[L->act];
    const int last = l == net->nlayers - 1;
    char *out = last ? text(b, "%s%s", "output", "") : text(b, "%s%s", L->name, "");
    char *z = act ? text(b, "%s%s", L->name, ".z") : out;
    layer_node(b, L, w, l, value, z);
    if (!act)
        return out;
    Onnx__NodeProto *n = node(b, act, text(b, "%s/%s", L->name, act), out, z, NULL, NULL);
    if (n && L->act == ACT_LEAKY_RELU)
        attribute_float(b, n, "alpha", (float)L->alpha);
    if (n && L->act == ACT_SOFTMAX)
        attribute_int(b, n, "axis", 1);
    return out;
}

/* What layer l reads, reshaped: a dense layer reads a vector (a Flatten of an image, in
 * C x H x W order, torch.flatten(x, 1)'s); a conv or pool reads [batch, C, H, W] (a
 * Reshape of an H x W input).  Named after the input when it is the input. */
static char *reshaped(struct builder *b, const struct network *net, int l, int *rank, char *value)
{
    const struct layer *L = &net->layers[l];
    const char *who = l == 0 ? "input" : L->name;
    if (L->kind == LAYER_DENSE && *rank > 1) {
        char *flat = text(b, "%s%s", who, ".flat");
        Onnx__NodeProto *n = node(b, "Flatten", text(b, "%s%s", who, "/Flatten"), flat, value,
                                  NULL, NULL);
        if (n)
            attribute_int(b, n, "axis", 1);
        *rank = 1;
        return flat;
    }
    if (layer_is_spatial(L) && *rank == 2) {
        const int64_t shape[4] = { 0, L->in_shape[DIM_C], L->in_shape[DIM_H], L->in_shape[DIM_W] };
        char *image = text(b, "%s%s", who, ".image"), *dims = text(b, "%s%s", who, ".shape");
        int64_initializer(b, dims, 4, shape);
        node(b, "Reshape", text(b, "%s%s", who, "/Reshape"), image, value, dims, NULL);
        *rank = 3;
        return image;
    }
    return value;
}

/* A float32 tensor value of shape [batch, dims...]. */
static Onnx__ValueInfoProto *value_info(struct builder *b, char *name, int rank, const int *dims)
{
    Onnx__ValueInfoProto *v = alloc(b, sizeof *v);
    Onnx__TypeProto *type = alloc(b, sizeof *type);
    Onnx__TypeProto__Tensor *tensor = alloc(b, sizeof *tensor);
    Onnx__TensorShapeProto *shape = alloc(b, sizeof *shape);
    Onnx__TensorShapeProto__Dimension **d = alloc(b, (size_t)(rank + 1) * sizeof *d);
    if (!v || !type || !tensor || !shape || !d)
        return NULL;
    onnx__value_info_proto__init(v);
    onnx__type_proto__init(type);
    onnx__type_proto__tensor__init(tensor);
    onnx__tensor_shape_proto__init(shape);
    for (int i = 0; i <= rank; i++) {
        if (!(d[i] = alloc(b, sizeof *d[i])))
            return NULL;
        onnx__tensor_shape_proto__dimension__init(d[i]);
        if (i == 0) {
            d[i]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            d[i]->dim_param = "batch";
        } else {
            d[i]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            d[i]->dim_value = dims[i - 1];
        }
    }
    shape->dim = d;
    shape->n_dim = (size_t)rank + 1;
    tensor->has_elem_type = 1;
    tensor->elem_type = ONNX_FLOAT;
    tensor->shape = shape;
    type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    type->tensor_type = tensor;
    v->name = name;
    v->type = type;
    return v;
}

static Onnx__GraphProto *graph(struct builder *b, const struct network *net,
                               const struct export_weights *w)
{
    Onnx__GraphProto *g = alloc(b, sizeof *g);
    char *value = text(b, "%s%s", "input", "");
    Onnx__ValueInfoProto **in = alloc(b, sizeof *in), **out = alloc(b, sizeof *out);
    if (!g || !in || !out)
        return NULL;
    onnx__graph_proto__init(g);
    g->name = (char *)net->name;
    in[0] = value_info(b, value, net->input_rank, net->input_shape);
    if (w->n_scale)
        value = input_scaling(b, net, w, value);
    int rank = net->input_rank;
    for (int l = 0; l < net->nlayers; l++) {
        value = reshaped(b, net, l, &rank, value);
        value = layer(b, net, w, l, value);
        if (layer_is_spatial(&net->layers[l]))
            rank = 3;
    }
    out[0] = value_info(b, value, 1, &net->layers[net->nlayers - 1].out);
    g->input = in;
    g->n_input = 1;
    g->output = out;
    g->n_output = 1;
    g->node = b->nodes;
    g->n_node = b->n_node;
    g->initializer = b->inits;
    g->n_initializer = b->n_init;
    g->doc_string = text(b, "%s%s", "the forward pass of a netc network: a = f(W x + b) per "
                         "dense layer, f(K * x + b) per conv layer, then its pools", "");
    return g;
}

static Onnx__StringStringEntryProto *entry(struct builder *b, const char *key, const char *value)
{
    Onnx__StringStringEntryProto *e = alloc(b, sizeof *e);
    if (!e)
        return NULL;
    onnx__string_string_entry_proto__init(e);
    e->key = (char *)key;
    e->value = text(b, "%s%s", value, "");
    return e;
}

struct packed {
    uint8_t *bytes;
    size_t size;
};

static int write_bytes(FILE *out, const void *ctx)
{
    const struct packed *p = ctx;
    return fwrite(p->bytes, 1, p->size, out) == p->size ? 0 : -1;
}

int onnx_export(const struct network *net, const struct export_weights *w, const char *path,
                char *errbuf, size_t errlen)
{
    struct builder b = { 0 };
    Onnx__ModelProto model = ONNX__MODEL_PROTO__INIT;
    Onnx__OperatorSetIdProto opset = ONNX__OPERATOR_SET_ID_PROTO__INIT;
    char hash[17];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)net->source_hash);
    opset.domain = "";
    opset.has_version = 1;
    opset.version = ONNX_EXPORT_OPSET;
    Onnx__OperatorSetIdProto *opsets[] = { &opset };
    Onnx__StringStringEntryProto *meta[] = {
        entry(&b, "network", net->name), entry(&b, "netc_version", NETC_VERSION),
        entry(&b, "source", net->source_path ? net->source_path : ""),
        entry(&b, "source_hash", hash),
    };
    model.has_ir_version = 1;
    model.ir_version = ONNX_EXPORT_IR_VERSION;
    model.opset_import = opsets;
    model.n_opset_import = 1;
    model.producer_name = "netc";
    model.producer_version = NETC_VERSION;
    model.metadata_props = meta;
    model.n_metadata_props = sizeof meta / sizeof meta[0];
    model.graph = graph(&b, net, w);
    int rc = -1;
    netc_error err;
    if (b.failed) {
        snprintf(errbuf, errlen, "%s: out of memory", path);
    } else {
        struct packed p = { .size = onnx__model_proto__get_packed_size(&model) };
        p.bytes = malloc(p.size ? p.size : 1);
        if (!p.bytes) {
            snprintf(errbuf, errlen, "%s: out of memory (%zu bytes)", path, p.size);
        } else {
            onnx__model_proto__pack(&model, p.bytes);
            rc = netc_write_atomic(path, write_bytes, &p, &err);
            if (rc < 0)
                snprintf(errbuf, errlen, "%s", err.msg);
            free(p.bytes);
        }
    }
    for (size_t i = 0; i < b.n_owned; i++)
        free(b.owned[i]);
    free(b.owned);
    return rc;
}
