/* shapes.c - the shape arithmetic of conv and pooling layers, as torch.nn.Conv2d and
 * MaxPool2d do it:  out = (in + 2·padding − kernel) / stride + 1  along each of the
 * height and the width.  netc asks the division to be exact, so that every input row
 * and column is read: where PyTorch would silently drop the last ones, the checker
 * says so and shows the arithmetic. */
#include "check/shapes.h"

#include <string.h>

static const char *const dim_names[3] = { "channels", "height", "width" };

void shape_of_input(const struct network *n, int shape[3])
{
    shape[DIM_C] = shape[DIM_H] = shape[DIM_W] = 1;
    if (n->input_rank == 1)
        shape[DIM_C] = n->input_shape[0];
    else if (n->input_rank == 2) {
        shape[DIM_H] = n->input_shape[0];
        shape[DIM_W] = n->input_shape[1];
    } else if (n->input_rank == 3)
        memcpy(shape, n->input_shape, 3 * sizeof *shape);
}

/* Where option `name` (stride, padding) was written, or fallback when it was not. */
static struct loc option_loc(const struct statement *s, const char *name, struct loc fallback)
{
    for (const struct arg *a = s->options; a; a = a->next)
        if (strcmp(a->key, name) == 0)
            return a->value.loc;
    return fallback;
}

/* The output size along one dimension (DIM_H or DIM_W), or -1 after reporting. */
static int output_size(struct diag *d, const struct statement *s, const struct layer *l,
                       const int in[3], int dim)
{
    const char *what = l->kind == LAYER_CONV ? "kernel" : "window";
    int k = l->kernel[dim - DIM_H], stride = l->stride[dim - DIM_H], pad = l->padding[dim - DIM_H];
    int padded = in[dim] + 2 * pad;
    if (k > padded) {
        if (pad)
            diag_error(d, s->dims_loc, "the %s's %s %d is larger than the padded input's %d "
                       "(%d + 2 × %d padding)", what, dim_names[dim], k, padded, in[dim], pad);
        else
            diag_error(d, s->dims_loc, "the %s's %s %d is larger than the input's %d", what,
                       dim_names[dim], k, in[dim]);
        diag_hint(d, "the input to this layer is %d x %d x %d (channels x height x width)",
                  in[DIM_C], in[DIM_H], in[DIM_W]);
        return -1;
    }
    if ((padded - k) % stride != 0) {
        diag_error(d, option_loc(s, "stride", s->dims_loc),
                   "stride %d does not fit the input's %s: %d + 2 × %d padding − %d = %d is not a "
                   "multiple of %d", stride, dim_names[dim], in[dim], pad, k, padded - k, stride);
        int unread = (padded - k) % stride;
        const char *what_unread = dim == DIM_H ? (unread == 1 ? "row" : "rows")
                                               : (unread == 1 ? "column" : "columns");
        if (unread == 1)
            diag_hint(d, "the last %s of the input would never be read; change the stride, the %s%s",
                      what_unread, what, l->kind == LAYER_CONV ? " or the padding" : " or the layer before");
        else
            diag_hint(d, "the last %d %s of the input would never be read; change the stride, the %s%s",
                      unread, what_unread, what, l->kind == LAYER_CONV ? " or the padding" : " or the layer before");
        return -1;
    }
    return (padded - k) / stride + 1;
}

/* A conv or pool layer needs an image: not `input 784`, nor a dense layer's output. */
static int needs_image(struct diag *d, const struct statement *s, const struct layer *l,
                       const int prev_shape[3], const struct layer *prev)
{
    const char *kind = layer_kind_name(l->kind);
    if (!prev) {
        diag_error(d, s->loc, "'%s' needs an image, but the input is a vector of %d values",
                   kind, prev_shape[DIM_C]);
        diag_hint(d, "give the input its shape, e.g. 'input 28x28' or 'input 1x28x28' "
                  "(channels x height x width)");
    } else {
        diag_error(d, s->loc, "a %s layer cannot follow a dense layer (\"%s\", line %d)", kind,
                   prev->name, prev->line);
        diag_hint(d, "a dense layer's output has no height and width: put the conv and pooling "
                  "layers before the dense ones");
    }
    return -1;
}

static int shape_spatial(struct diag *d, const struct statement *s, struct layer *l,
                         const int in[3], int prev_flat, const struct layer *prev)
{
    if (prev_flat)
        return needs_image(d, s, l, in, prev);
    if (l->kernel[0] < 1 || l->kernel[1] < 1)
        return -1;      /* the kernel or window was reported */
    int oh = output_size(d, s, l, in, DIM_H);
    int ow = output_size(d, s, l, in, DIM_W);
    if (oh < 0 || ow < 0)
        return -1;
    l->out_shape[DIM_C] = l->kind == LAYER_CONV ? l->units : in[DIM_C];
    l->out_shape[DIM_H] = oh;
    l->out_shape[DIM_W] = ow;
    if (l->kind == LAYER_CONV) {
        double fan_in = (double)in[DIM_C] * l->kernel[0] * l->kernel[1];
        if (fan_in > NETC_MAX_WIDTH) {
            diag_error(d, s->dims_loc, "a filter of %d x %d x %d = %.0f weights is larger than "
                       "netc's limit of %d", in[DIM_C], l->kernel[0], l->kernel[1], fan_in,
                       NETC_MAX_WIDTH);
            diag_hint(d, "a filter covers every input channel under the kernel (channels x kernel "
                      "height x kernel width); use a smaller kernel or fewer channels");
            return -1;
        }
        l->fan_in = (int)fan_in;
    } else
        l->units = 0;
    return 0;
}

int shape_layer(struct diag *d, const struct statement *s, struct layer *l,
                const int prev_shape[3], int prev_flat, const struct layer *prev)
{
    memcpy(l->in_shape, prev_shape, sizeof l->in_shape);
    l->in = prev_shape[DIM_C] * prev_shape[DIM_H] * prev_shape[DIM_W];
    switch (l->kind) {
    case LAYER_DENSE:
        l->units = l->out;
        l->fan_in = l->in;
        l->out_shape[DIM_C] = l->out;
        l->out_shape[DIM_H] = l->out_shape[DIM_W] = 1;
        return 0;
    case LAYER_DROPOUT:
        memcpy(l->out_shape, prev_shape, sizeof l->out_shape);
        l->out = l->in;
        return 0;
    case LAYER_CONV:
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:
        break;
    }
    if (shape_spatial(d, s, l, prev_shape, prev_flat, prev) < 0)
        return -1;
    double out = (double)l->out_shape[DIM_C] * l->out_shape[DIM_H] * l->out_shape[DIM_W];
    if (out > NETC_MAX_WIDTH) {
        diag_error(d, s->loc, "the layer's output of %d x %d x %d = %.0f values is larger than "
                   "netc's limit of %d", l->out_shape[DIM_C], l->out_shape[DIM_H],
                   l->out_shape[DIM_W], out, NETC_MAX_WIDTH);
        return -1;
    }
    l->out = (int)out;
    return 0;
}
