/* export.c - a checked network and its weights as an ONNX model, built as protobuf-c
 * messages and packed by protobuf-c.  One Gemm per dense layer (its tensors keep netc's
 * names, so that `netc import` gives the same file back) and one node per activation;
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
    Onnx__NodeProto *nodes[2 * NETC_MAX_LAYERS + 3];
    size_t n_node;
    Onnx__TensorProto *inits[2 * NETC_MAX_LAYERS + 2];
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
    memcpy(all, n->attribute, n->n_attribute * sizeof *all);   /* at most a few: no harm */
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

/* An initializer of float32 values (the packed float_data field: little-endian on the
 * wire whatever this machine is). */
static void initializer(struct builder *b, char *name, int rank, int64_t d0, int64_t d1,
                        float *data)
{
    Onnx__TensorProto *t = alloc(b, sizeof *t);
    int64_t *dims = alloc(b, 2 * sizeof *dims);
    if (!t || !dims || !name || !data)
        return;
    onnx__tensor_proto__init(t);
    t->name = name;
    dims[0] = d0, dims[1] = d1;
    t->dims = dims;
    t->n_dims = (size_t)rank;
    t->has_data_type = 1;
    t->data_type = ONNX_FLOAT;
    t->float_data = data;
    t->n_float_data = (size_t)(rank == 2 ? d0 * d1 : d0);
    b->inits[b->n_init++] = t;
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
    initializer(b, offset, 1, net->input_size, 0, copy_floats(b, w->scale_offset, (size_t)w->n_scale));
    initializer(b, range, 1, net->input_size, 0, copy_floats(b, w->scale_range, (size_t)w->n_scale));
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

/* Layer l on value: Gemm (W [out, in] with transB = 1, as torch.onnx.export writes
 * torch.nn.Linear) and its activation; returns the layer's output value. */
static char *layer(struct builder *b, const struct network *net, const struct export_weights *w,
                   int l, char *value)
{
    const struct layer *L = &net->layers[l];
    const char *act = activation_ops[L->act];
    const int last = l == net->nlayers - 1;
    char *weight = text(b, "%s%s", L->name, ".weight"), *bias = text(b, "%s%s", L->name, ".bias");
    float *W = alloc(b, (size_t)L->in * (size_t)L->out * sizeof *W);
    for (int o = 0; W && o < L->out; o++)       /* W[o][i] = W^T[i][o] */
        for (int i = 0; i < L->in; i++)
            W[(size_t)o * L->in + i] = w->wt[l][(size_t)i * L->out + o];
    initializer(b, weight, 2, L->out, L->in, W);
    initializer(b, bias, 1, L->out, 0, copy_floats(b, w->bias[l], (size_t)L->out));
    char *out = last ? text(b, "%s%s", "output", "") : text(b, "%s%s", L->name, "");
    char *z = act ? text(b, "%s%s", L->name, ".z") : out;
    Onnx__NodeProto *gemm = node(b, "Gemm", text(b, "%s%s", L->name, "/Gemm"), z, value, weight, bias);
    if (gemm)
        attribute_int(b, gemm, "transB", 1);
    if (!act)
        return out;
    Onnx__NodeProto *n = node(b, act, text(b, "%s/%s", L->name, act), out, z, NULL, NULL);
    if (n && L->act == ACT_LEAKY_RELU)
        attribute_float(b, n, "alpha", (float)L->alpha);
    if (n && L->act == ACT_SOFTMAX)
        attribute_int(b, n, "axis", 1);
    return out;
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
    if (net->input_rank > 1) {
        char *flat = text(b, "%s%s", "input.flat", "");
        Onnx__NodeProto *n = node(b, "Flatten", text(b, "%s%s", "input/Flatten", ""), flat, value,
                                  NULL, NULL);
        if (n)
            attribute_int(b, n, "axis", 1);
        value = flat;
    }
    for (int l = 0; l < net->nlayers; l++)
        value = layer(b, net, w, l, value);
    out[0] = value_info(b, value, 1, &net->layers[net->nlayers - 1].out);
    g->input = in;
    g->n_input = 1;
    g->output = out;
    g->n_output = 1;
    g->node = b->nodes;
    g->n_node = b->n_node;
    g->initializer = b->inits;
    g->n_initializer = b->n_init;
    g->doc_string = text(b, "%s%s", "the forward pass of a netc network: "
                         "a = f(W x + b) per dense layer", "");
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
