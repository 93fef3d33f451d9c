/* import_spatial.c - the ONNX operators on images: Conv into a conv layer, MaxPool and
 * AveragePool (and their Global forms, a window as large as the image) into pooling
 * layers.  Each checks its attributes against what netc's layers are (2-D, group 1, no
 * dilation, the same padding on every side, one stride for both dimensions) and its
 * shape arithmetic as the checker does it (check/shapes.c: the division exact, so that
 * every row and column is read), and carries the image's C x H x W on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx/import_internal.h"

/* The largest stride and padding a .net file takes (check.c's `stride N`, `padding N`). */
enum { MAX_STEP = 1 << 16 };

static const char *const dim_names[3] = { "channels", "height", "width" };

/* The value is one image per sample: [batch, C, H, W]. */
static int image_input(struct walk *w)
{
    if (w->batch && w->rank == 3)
        return 0;
    if (w->rank == 1)
        return walk_refuse(w, "its input is a vector of %lld values per sample, not an image "
                           "(C x H x W): netc's conv and pooling layers come before the dense "
                           "layers and the flatten", (long long)w->dims[0]);
    return walk_refuse(w, "its input has %d dimensions per sample%s; netc's conv and pooling "
                       "layers take images, [batch, C, H, W]", w->rank,
                       w->batch ? "" : " and no batch dimension");
}

/* auto_pad, dilations and pads, as netc's layers have them: not automatic, not dilated,
 * the same padding on every side (conv) or none (pools).  The padding into *pad. */
static int window_attributes(struct walk *w, int may_pad, int64_t *pad)
{
    char auto_pad[96];
    int64_t dilations[2], p[4];
    if (walk_attribute_text(w, "auto_pad", "NOTSET", auto_pad) < 0 ||
        walk_attribute_ints(w, "dilations", 2, 1, dilations) < 0 ||
        walk_attribute_ints(w, "pads", 4, 0, p) < 0)
        return -1;
    if (strcmp(auto_pad, "VALID") == 0)
        memset(p, 0, sizeof p);
    else if (strcmp(auto_pad, "NOTSET") != 0 && auto_pad[0])
        return walk_refuse(w, "attribute auto_pad = %s: netc pads by the number the .net file "
                           "gives\nhint: PyTorch writes explicit pads (padding=N)", auto_pad);
    if (dilations[0] != 1 || dilations[1] != 1)
        return walk_refuse(w, "attribute dilations = [%lld, %lld]: netc's %s are not dilated",
                           (long long)dilations[0], (long long)dilations[1],
                           may_pad ? "convolutions" : "pools");
    if (p[0] != p[1] || p[0] != p[2] || p[0] != p[3])
        return walk_refuse(w, "attribute pads = [%lld, %lld, %lld, %lld] (top, left, bottom, "
                           "right): netc pads every side alike (`padding N`)", (long long)p[0],
                           (long long)p[1], (long long)p[2], (long long)p[3]);
    if (p[0] < 0 || p[0] > MAX_STEP)
        return walk_refuse(w, "attribute pads = %lld: netc takes 0 to %d", (long long)p[0], MAX_STEP);
    if (p[0] && !may_pad)
        return walk_refuse(w, "attribute pads = %lld: netc's pooling layers do not pad (as "
                           "PyTorch's by default)", (long long)p[0]);
    *pad = p[0];
    return 0;
}

static int stride_attribute(struct walk *w, int64_t fallback, int64_t stride[2])
{
    if (walk_attribute_ints(w, "strides", 2, fallback, stride) < 0)
        return -1;
    for (int i = 0; i < 2; i++)
        if (stride[i] < 1 || stride[i] > MAX_STEP)
            return walk_refuse(w, "attribute strides = [%lld, %lld]: netc takes 1 to %d",
                               (long long)stride[0], (long long)stride[1], MAX_STEP);
    return 0;
}

/* The output's size along DIM_H or DIM_W: (in + 2·pad − k) / stride + 1, exact. */
static int output_size(struct walk *w, const char *what, int dim, int64_t k, int64_t stride,
                       int64_t pad, int64_t *out)
{
    const int64_t in = w->dims[dim], padded = in + 2 * pad;
    if (k > padded)
        return walk_refuse(w, "its %s's %s %lld is larger than the %sinput's %lld", what,
                           dim_names[dim], (long long)k, pad ? "padded " : "", (long long)padded);
    if ((padded - k) % stride != 0)
        return walk_refuse(w, "stride %lld does not fit the input's %s: %lld + 2 x %lld padding "
                           "- %lld = %lld is not a multiple of %lld: the last %lld %s fill no "
                           "whole window, and netc's layers read every one in whole windows",
                           (long long)stride, dim_names[dim], (long long)in, (long long)pad,
                           (long long)k, (long long)(padded - k), (long long)stride,
                           (long long)((padded - k) % stride),
                           dim == DIM_H ? "row(s)" : "column(s)");
    *out = (padded - k) / stride + 1;
    return 0;
}

/* The layer's output C x OH x OW for kernel k, and the chain's value becomes it. */
static int spatial_output(struct walk *w, struct onnx_layer *L, int64_t channels,
                          const int64_t k[2], const int64_t stride[2], int64_t pad)
{
    int64_t oh, ow;
    const char *what = L->kind == LAYER_CONV ? "kernel" : "window";
    if (output_size(w, what, DIM_H, k[0], stride[0], pad, &oh) < 0 ||
        output_size(w, what, DIM_W, k[1], stride[1], pad, &ow) < 0)
        return -1;
    if ((double)channels * (double)oh * (double)ow > NETC_MAX_WIDTH)
        return walk_refuse(w, "its output of %lld x %lld x %lld values is larger than netc's "
                           "limit of %d", (long long)channels, (long long)oh, (long long)ow,
                           NETC_MAX_WIDTH);
    for (int i = 0; i < 2; i++) {
        L->kernel[i] = (int)k[i];
        L->stride[i] = (int)stride[i];
    }
    L->padding = (int)pad;
    L->out = (int)(channels * oh * ow);
    w->dims[DIM_C] = channels;
    w->dims[DIM_H] = oh;
    w->dims[DIM_W] = ow;
    return 0;
}

/* The filters K [M, C, KH, KW] (torch.nn.Conv2d's layout, and netc's). */
static int conv_weights(struct walk *w, const Onnx__TensorProto *k, const char *k_name)
{
    char tmp[96];
    onnx_printable(k_name, tmp);
    if (!k)
        return walk_refuse(w, "its weights ('%s') are not a constant: netc imports trained weights "
                           "stored in the model", tmp);
    if (k->n_dims != 4)
        return walk_refuse(w, "its weights ('%s') have %zu dimensions: a %zu-D convolution; "
                           "netc's conv layers are 2-D ([out, in, kh, kw])", tmp, k->n_dims,
                           k->n_dims > 2 ? k->n_dims - 2 : 0);
    int64_t group, shape[2];
    if (walk_attribute_int(w, "group", 1, &group) < 0 ||
        walk_attribute_ints(w, "kernel_shape", 2, 0, shape) < 0)
        return -1;
    if (group != 1)
        return walk_refuse(w, "attribute group = %lld (a grouped or depthwise convolution): "
                           "netc's conv layers connect every input channel to every filter "
                           "(group 1)", (long long)group);
    if (k->dims[1] != w->dims[DIM_C])
        return walk_refuse(w, "its weights ('%s') take %lld input channels, the image has %lld",
                           tmp, (long long)k->dims[1], (long long)w->dims[DIM_C]);
    if (shape[0] && (shape[0] != k->dims[2] || shape[1] != k->dims[3]))
        return walk_refuse(w, "attribute kernel_shape = [%lld, %lld] disagrees with its weights' "
                           "%lld x %lld", (long long)shape[0], (long long)shape[1],
                           (long long)k->dims[2], (long long)k->dims[3]);
    return 0;
}

/* Conv: Y = K * X + B, cross-correlation over each filter's C x KH x KW window. */
int op_conv(struct walk *w)
{
    const Onnx__TensorProto *k = walk_input_constant(w, 1);
    const char *k_name = w->node->input[1];
    int64_t stride[2], pad;
    if (walk_chain_at(w, 0, "X (input 0)") < 0 || image_input(w) < 0 ||
        conv_weights(w, k, k_name) < 0 || window_attributes(w, 1, &pad) < 0 ||
        stride_attribute(w, 1, stride) < 0)
        return -1;
    if (w->pending_pad) {               /* the Pad before it pads this layer */
        pad += w->pending_pad;
        w->pending_pad = 0;
        if (pad > MAX_STEP)
            return walk_refuse(w, "padding %lld with the Pad before it: netc takes 0 to %d",
                               (long long)pad, MAX_STEP);
    }
    if (stride[0] != stride[1])
        return walk_refuse(w, "attribute strides = [%lld, %lld]: netc's conv layers take one "
                           "stride for both dimensions (`stride N`)", (long long)stride[0],
                           (long long)stride[1]);
    char what[160], tmp[96];
    snprintf(what, sizeof what, "weight tensor '%s'", onnx_printable(k_name, tmp));
    float *v;
    int64_t n;
    if (onnx_tensor_floats(w->m, k, what, &v, &n, w->err) < 0)
        return -1;
    struct onnx_layer *L = walk_new_layer(w, LAYER_CONV);
    if (!L) {
        free(v);
        return -1;
    }
    L->weight = v;
    L->units = (int)k->dims[0];
    L->fan_in = (int)(k->dims[1] * k->dims[2] * k->dims[3]);
    w->weight_name[w->out->nlayers - 1] = k_name;
    if (!(L->bias = calloc((size_t)L->units, sizeof *L->bias)))
        return netc_fail(w->err, "%s: out of memory", w->m->path);
    w->open = L;
    w->has_activation = w->bias_open = w->pooled = 0;
    if (walk_finite(w, v, n, k_name) < 0 ||
        spatial_output(w, L, k->dims[0], k->dims + 2, stride, pad) < 0)
        return -1;
    const Onnx__TensorProto *b = walk_input_constant(w, 2);
    if (w->node->n_input > 2 && w->node->input[2][0] && !b)
        return walk_refuse(w, "its bias (input B) is not a constant");
    return b ? walk_set_bias(w, b, w->node->input[2]) : 0;
}

/* A max or average pool of window k: the stride given by one number, or the window
 * (netc's default, PyTorch's too). */
static int pool(struct walk *w, enum layer_kind kind, const int64_t k[2], const int64_t stride[2])
{
    if ((stride[0] != k[0] || stride[1] != k[1]) && stride[0] != stride[1])
        return walk_refuse(w, "attribute strides = [%lld, %lld] for a %lld x %lld window: netc's "
                           "pools step by the window or by one stride for both dimensions",
                           (long long)stride[0], (long long)stride[1], (long long)k[0],
                           (long long)k[1]);
    struct onnx_layer *L = walk_new_layer(w, kind);
    if (!L || spatial_output(w, L, w->dims[DIM_C], k, stride, 0) < 0)
        return -1;
    if (!w->pooled || kind == LAYER_AVGPOOL)
        w->pooled = kind;
    return 0;
}

/* MaxPool, AveragePool: kernel_shape, strides (1 when left out, as ONNX says), no pads.
 * ceil_mode does not matter: the division is exact.  Neither does count_include_pad
 * without padding, nor storage_order (MaxPool's indices, which must go unused). */
static int window_pool(struct walk *w, enum layer_kind kind)
{
    int64_t k[2], stride[2], pad;
    if (walk_chain_at(w, 0, "X (input 0)") < 0 || image_input(w) < 0 ||
        walk_attribute_ints(w, "kernel_shape", 2, 0, k) < 0 || window_attributes(w, 0, &pad) < 0 ||
        stride_attribute(w, 1, stride) < 0)
        return -1;
    if (k[0] < 1 || k[1] < 1 || k[0] > NETC_MAX_WIDTH || k[1] > NETC_MAX_WIDTH)
        return walk_refuse(w, "attribute kernel_shape is %s: a 2-D window of 1 to %d",
                           onnx_attribute(w->node, "kernel_shape") ? "out of range" : "missing",
                           NETC_MAX_WIDTH);
    return pool(w, kind, k, stride);
}

/* GlobalMaxPool, GlobalAveragePool (torch.nn.AdaptiveAvgPool2d(1)): one window over the
 * whole image, 1 x 1 out. */
static int global_pool(struct walk *w, enum layer_kind kind)
{
    if (walk_chain_at(w, 0, "X (input 0)") < 0 || image_input(w) < 0)
        return -1;
    const int64_t k[2] = { w->dims[DIM_H], w->dims[DIM_W] };
    return pool(w, kind, k, k);
}

int op_max_pool(struct walk *w)
{
    return window_pool(w, LAYER_MAXPOOL);
}

int op_average_pool(struct walk *w)
{
    return window_pool(w, LAYER_AVGPOOL);
}

int op_global_max_pool(struct walk *w)
{
    return global_pool(w, LAYER_MAXPOOL);
}

int op_global_average_pool(struct walk *w)
{
    return global_pool(w, LAYER_AVGPOOL);
}

/* Pad's widths, from input 1 (since opset 11) or the attribute `pads`: all the value's
 * dimensions' begins, then their ends, at most 8 (p[8], zeros past *n). */
static int pad_widths(struct walk *w, int64_t p[8], int64_t *n)
{
    const Onnx__TensorProto *t = walk_input_constant(w, 1);
    int64_t *v = NULL;
    if (w->node->n_input > 1 && w->node->input[1][0] && !t)
        return walk_refuse(w, "its pads are not a constant");
    if (t) {
        if (onnx_tensor_int64s(w->m, t, "Pad's pads", &v, n, w->err) < 0)
            return -1;
    } else {
        const Onnx__AttributeProto *a = onnx_attribute(w->node, "pads");
        *n = a ? (int64_t)a->n_ints : 0;
        v = a ? a->ints : NULL;
    }
    memset(p, 0, 8 * sizeof *p);
    if (*n > 0 && *n <= 8)
        memcpy(p, v, (size_t)*n * sizeof *p);
    if (t)
        free(v);
    return *n <= 8 ? 0 : walk_refuse(w, "pads has %lld values, more than an image's 8",
                                     (long long)*n);
}

/* Pad's value: input 2 since opset 11, the attribute `value` before; 0 when left out. */
static int pad_value(struct walk *w, float *value)
{
    const Onnx__TensorProto *t = walk_input_constant(w, 2);
    if (walk_attribute_float(w, "value", 0.0f, value) < 0)
        return -1;
    if (w->node->n_input > 2 && w->node->input[2][0] && !t)
        return walk_refuse(w, "its value is not a constant");
    if (t) {
        float *v;
        int64_t n;
        if (onnx_tensor_floats(w->m, t, "Pad's value", &v, &n, w->err) < 0)
            return -1;
        *value = v[0];
        free(v);
    }
    return 0;
}

/* Pad: of zero widths, the identity (PyTorch 1.13 writes one before each AveragePool).
 * Zeros added on every side of the image alike (nn.ZeroPad2d(p) at opsets 9 and 10) are
 * the padding of the Conv that must come next.  Any other padding is refused: netc pads
 * inside its conv layers only. */
int op_pad(struct walk *w)
{
    char mode[96];
    int64_t p[8], n;
    float value;
    if (walk_chain_at(w, 0, "data (input 0)") < 0 ||
        walk_attribute_text(w, "mode", "constant", mode) < 0 || pad_widths(w, p, &n) < 0 ||
        pad_value(w, &value) < 0)
        return -1;
    int64_t wide = 0;
    for (int i = 0; i < 8; i++)
        wide |= p[i];
    if (!wide)
        return 0;
    if (image_input(w) < 0)
        return -1;
    /* [N, C, H, W] begins, then ends: only H and W, all alike, zeros */
    if (n != 8 || strcmp(mode, "constant") != 0 || value != 0.0f || p[0] || p[1] || p[4] || p[5] ||
        p[2] != p[3] || p[2] != p[6] || p[2] != p[7] || p[2] < 0 || p[2] > MAX_STEP)
        return walk_refuse(w, "padding in a node of its own (mode %s, value %g, pads [%lld, "
                           "%lld, %lld, %lld, %lld, %lld, %lld, %lld]): netc pads inside its "
                           "conv layers only, with zeros on every side alike", mode,
                           (double)value, (long long)p[0], (long long)p[1], (long long)p[2],
                           (long long)p[3], (long long)p[4], (long long)p[5], (long long)p[6],
                           (long long)p[7]);
    w->pending_pad = p[2];
    return 0;
}
