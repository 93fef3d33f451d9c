/* import_internal.h - the state of import.c's walk through an ONNX graph, shared with
 * the operators kept in their own file (import_spatial.c: Conv and the pools).  Every
 * helper reads the node being applied (w->node) and fails through walk_refuse, which
 * names the file, the node and its operator. */
#ifndef NETC_ONNX_IMPORT_INTERNAL_H
#define NETC_ONNX_IMPORT_INTERNAL_H

#include <stdint.h>

#include "onnx/import.h"
#include "onnx/model.h"

struct walk {
    const struct onnx_model *m;
    const Onnx__GraphProto *g;
    const struct onnx_import_options *opt;
    struct onnx_import *out;
    netc_error *err;
    char *visited;                  /* per node */

    /* The node being applied, and which of its inputs is the chain's value. */
    const Onnx__NodeProto *node;
    int node_index, at;

    /* The chain's value: its dimensions besides the batch (when it has one); an image
     * is rank 3, C x H x W. */
    int batch, rank;
    int64_t dims[4];

    /* The last dense or conv layer: its activation may still come. */
    struct onnx_layer *open;
    const char *weight_name[NETC_MAX_LAYERS], *bias_name[NETC_MAX_LAYERS];
    int has_activation;             /* open has its activation */
    int bias_open;                  /* open came from a MatMul: an Add may give its bias */
    int pooled;                     /* a pool came after open: LAYER_MAXPOOL, or LAYER_AVGPOOL
                                     * when any was an average (set_activation), else 0 */
    int final;                      /* the output layer's softmax is set: nothing may follow */
    int64_t pending_pad;            /* a Pad of zeros on every side of the image, for the
                                     * Conv that must come next (nn.ZeroPad2d), else 0 */
};

/* Fails with "FILE: node 'NAME' (OP): message". */
int walk_refuse(struct walk *w, const char *fmt, ...) NETC_PRINTF(2, 3);
/* The chain's values per sample (C·H·W); the constant named name (an initializer or a
 * Constant node's), or NULL. */
int64_t walk_features(const struct walk *w);
const Onnx__TensorProto *walk_constant(const struct walk *w, const char *name);
/* The chain's value is the node's input `at`, else a refusal saying it should be `what`. */
int walk_chain_at(struct walk *w, int at, const char *what);
/* The node's input i when it is given and a constant, else NULL. */
const Onnx__TensorProto *walk_input_constant(const struct walk *w, size_t i);
/* Attributes, fallback when absent; a refusal when of another type.  walk_attribute_ints
 * takes exactly n values (into v[n]); walk_attribute_text at most 95 characters. */
int walk_attribute_int(struct walk *w, const char *name, int64_t fallback, int64_t *v);
int walk_attribute_float(struct walk *w, const char *name, float fallback, float *v);
int walk_attribute_ints(struct walk *w, const char *name, int n, int64_t fallback, int64_t *v);
int walk_attribute_text(struct walk *w, const char *name, const char *fallback, char buf[96]);
/* A new layer of that kind after the others, its input the chain's value, its nodes the
 * node applied; or NULL after a refusal (netc's limit). */
struct onnx_layer *walk_new_layer(struct walk *w, enum layer_kind kind);
/* The open layer's bias from tensor c (one value per unit, or one for all). */
int walk_set_bias(struct walk *w, const Onnx__TensorProto *c, const char *c_name);
/* Adds the node applied to the open layer's list (the .net file's comment). */
int walk_append_node(struct walk *w);
/* Refuses a NaN or infinity in v[n] of tensor name. */
int walk_finite(struct walk *w, const float *v, int64_t n, const char *name);

/* import_spatial.c: the operators on images. */
int op_conv(struct walk *w);
int op_max_pool(struct walk *w);
int op_average_pool(struct walk *w);
int op_global_max_pool(struct walk *w);
int op_global_average_pool(struct walk *w);
int op_pad(struct walk *w);

#endif
