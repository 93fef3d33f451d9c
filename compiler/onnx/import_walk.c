/* import_walk.c - what the ONNX importer's operators share (import_internal.h): refusing
 * a node with a located message, reading its attributes and constant inputs, opening a
 * layer and giving it its bias.  import.c (the walk, dense layers, activations, shapes)
 * and import_spatial.c (conv and pools) both call here; nothing here calls them. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx/import_internal.h"
#include "onnx/model.h"

static const char *str(const char *s)
{
    return s ? s : "";
}

int walk_refuse(struct walk *w, const char *fmt, ...)
{
    char label[96], op[96], msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return netc_fail(w->err, "%s: node '%s' (%s): %s", w->m->path,
                     onnx_node_label(w->node, w->node_index, label),
                     onnx_printable(w->node->op_type, op), msg);
}

int64_t walk_features(const struct walk *w)
{
    int64_t n = 1;
    for (int i = 0; i < w->rank; i++)
        n *= w->dims[i];
    return n;
}

/* ---- constants ---- */

/* The initializer or Constant node output called name, or NULL. */
const Onnx__TensorProto *walk_constant(const struct walk *w, const char *name)
{
    for (size_t i = 0; i < w->g->n_initializer; i++)
        if (strcmp(str(w->g->initializer[i]->name), name) == 0)
            return w->g->initializer[i];
    for (size_t i = 0; i < w->g->n_node; i++) {
        const Onnx__NodeProto *n = w->g->node[i];
        if (strcmp(str(n->op_type), "Constant") != 0 || n->n_output != 1 ||
            strcmp(n->output[0], name) != 0)
            continue;
        const Onnx__AttributeProto *a = onnx_attribute(n, "value");
        return a ? a->t : NULL;
    }
    return NULL;
}

/* The node's input i when given, else NULL (an optional input left out). */
const Onnx__TensorProto *walk_input_constant(const struct walk *w, size_t i)
{
    return i < w->node->n_input && w->node->input[i][0] ? walk_constant(w, w->node->input[i]) : NULL;
}

int walk_attribute_int(struct walk *w, const char *name, int64_t fallback, int64_t *v)
{
    const Onnx__AttributeProto *a = onnx_attribute(w->node, name);
    *v = fallback;
    if (!a)
        return 0;
    if (!a->has_i)
        return walk_refuse(w, "attribute '%s' is not an integer", name);
    *v = a->i;
    return 0;
}

int walk_attribute_float(struct walk *w, const char *name, float fallback, float *v)
{
    const Onnx__AttributeProto *a = onnx_attribute(w->node, name);
    *v = fallback;
    if (!a)
        return 0;
    if (!a->has_f || !isfinite(a->f))
        return walk_refuse(w, "attribute '%s' is not a finite number", name);
    *v = a->f;
    return 0;
}

/* A list of n integers (kernel_shape, pads, strides, dilations), each fallback when the
 * node leaves the attribute out. */
int walk_attribute_ints(struct walk *w, const char *name, int n, int64_t fallback, int64_t *v)
{
    const Onnx__AttributeProto *a = onnx_attribute(w->node, name);
    for (int i = 0; i < n; i++)
        v[i] = fallback;
    if (!a)
        return 0;
    if (a->n_ints != (size_t)n)
        return walk_refuse(w, "attribute '%s' has %zu values, netc expects %d (a 2-D image's)",
                           name, a->n_ints, n);
    for (int i = 0; i < n; i++)
        v[i] = a->ints[i];
    return 0;
}

int walk_attribute_text(struct walk *w, const char *name, const char *fallback, char buf[96])
{
    const Onnx__AttributeProto *a = onnx_attribute(w->node, name);
    snprintf(buf, 96, "%s", fallback);
    if (!a)
        return 0;
    if (!a->has_s)
        return walk_refuse(w, "attribute '%s' is not a string", name);
    const size_t n = a->s.len < 95 ? a->s.len : 95;
    for (size_t i = 0; i < n; i++)
        buf[i] = a->s.data[i] >= 0x20 && a->s.data[i] < 0x7f ? (char)a->s.data[i] : '?';
    buf[n] = '\0';
    return 0;
}

/* The chain's value at input `at`, the only place handlers take it from. */
int walk_chain_at(struct walk *w, int at, const char *what)
{
    return w->at == at ? 0 : walk_refuse(w, "the network's value is its input %d, netc expects it as %s",
                                     w->at, what);
}

int walk_finite(struct walk *w, const float *v, int64_t n, const char *name)
{
    for (int64_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return walk_refuse(w, "tensor '%s' holds a non-finite value (at %lld)", name, (long long)i);
    return 0;
}

struct onnx_layer *walk_new_layer(struct walk *w, enum layer_kind kind)
{
    struct onnx_import *m = w->out;
    char tmp[96], label[96];
    if (m->nlayers == NETC_MAX_LAYERS) {
        walk_refuse(w, "more than %d layers, netc's limit", NETC_MAX_LAYERS);
        return NULL;
    }
    struct onnx_layer *L = &m->layers[m->nlayers];
    memset(L, 0, sizeof *L);
    L->kind = kind;
    L->act = ACT_LINEAR;
    L->in = (int)walk_features(w);
    for (int i = 0; i < 3; i++)     /* a vector of n values is n x 1 x 1 */
        L->in_shape[i] = w->rank == 3 ? (int)w->dims[i] : i == 0 ? L->in : 1;
    w->weight_name[m->nlayers] = w->bias_name[m->nlayers] = NULL;
    m->nlayers++;
    snprintf(L->nodes, sizeof L->nodes, "%s %s", onnx_printable(w->node->op_type, tmp),
             onnx_node_label(w->node, w->node_index, label));
    return L;
}

int walk_set_bias(struct walk *w, const Onnx__TensorProto *c, const char *c_name)
{
    struct onnx_layer *L = w->open;
    char what[160], tmp[96];
    snprintf(what, sizeof what, "bias tensor '%s'", onnx_printable(c_name, tmp));
    float *v;
    int64_t n;
    if (onnx_tensor_floats(w->m, c, what, &v, &n, w->err) < 0)
        return -1;
    if (n != L->units && n != 1) {
        free(v);
        return walk_refuse(w, "its bias ('%s') has %lld values, the layer has %d %s", tmp,
                           (long long)n, L->units, L->kind == LAYER_CONV ? "filters" : "outputs");
    }
    for (int o = 0; o < L->units; o++)
        L->bias[o] = v[n == 1 ? 0 : o];
    free(v);
    w->bias_name[L - w->out->layers] = c_name;
    return walk_finite(w, L->bias, L->units, c_name);
}

int walk_append_node(struct walk *w)
{
    char tmp[96], label[96];
    size_t k = strlen(w->open->nodes);
    snprintf(w->open->nodes + k, sizeof w->open->nodes - k, ", %s %s",
             onnx_printable(w->node->op_type, tmp), onnx_node_label(w->node, w->node_index, label));
    return 0;
}
