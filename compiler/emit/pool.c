/* pool.c - one max or average pooling layer's forward and backward, side by side.
 *
 * As torch.nn.MaxPool2d and AvgPool2d without padding: each output is the largest (the
 * mean) of a KH x KW window of its channel, windows STRIDE apart.  A pooling layer has
 * no weights; its activation is the pooled value itself, so its error δ = ∂C/∂a.  The
 * gradient of a maximum goes to the window's first maximal element in row-major order,
 * as PyTorch's does; an average's is shared equally by its window.  Overlapping windows
 * (stride < window) add their shares.
 */
#include "emit/emit.h"

#include <stdio.h>
#include <string.h>

/* The loops over every output (b, ch, y, x) of B samples, with `in` the first input of
 * its window and `out` its index in the layer's rows; closed by close_windows. */
static void open_windows(const struct emit *e, int layer, const struct image_names *n)
{
    const struct layer_names ln = layer_names(e, layer);
    struct printer *p = e->p;
    pr_open(p, "for (int b = 0; b < B; b++)");
    pr_open(p, "for (int ch = 0; ch < %s; ch++)", n->out_c);
    pr_open(p, "for (int oy = 0; oy < %s; oy++)", n->out_h);
    pr_open(p, "for (int ox = 0; ox < %s; ox++)", n->out_w);
    pr_line(p, "const size_t in = (size_t)b * %s + (size_t)(ch * %s + oy * %s) * %s + (size_t)(ox * %s);",
            ln.in, n->in_h, n->sh, n->in_w, n->sw);
    pr_line(p, "const size_t out = (size_t)b * %s + (size_t)((ch * %s + oy) * %s + ox);", ln.out,
            n->out_h, n->out_w);
}

static void close_windows(struct printer *p)
{
    for (int i = 0; i < 4; i++)
        pr_close(p);
}

/* The loops over a window's KH x KW elements, x[in + w] (w its offset). */
static void open_window(struct printer *p, const struct image_names *n)
{
    pr_open(p, "for (int i = 0; i < %s; i++)", n->kh);
    pr_open(p, "for (int j = 0; j < %s; j++)", n->kw);
    pr_line(p, "const size_t w = (size_t)i * %s + (size_t)j;", n->in_w);
}

void emit_pool_forward(const struct emit *e, int layer)
{
    const struct layer *L = &e->net->layers[layer];
    const struct layer_names ln = layer_names(e, layer);
    const struct image_names n = image_names(e, layer);
    const int max = L->kind == LAYER_MAXPOOL;
    struct printer *p = e->p;
    emit_layer_title(e, layer, "forward");
    if (max)
        pr_line(p, " *   a[c][y][x] = max_(i,j) x[c][y·S + i][x·S + j]");
    else
        pr_line(p, " *   a[c][y][x] = (1 / (KH·KW)) Σ_(i,j) x[c][y·S + i][x·S + j]");
    pr_line(p, " * over the KH x KW window, S = stride; B = batch. */");
    pr_line(p, "static void %s(float *restrict a, const float *restrict x, int B)", ln.forward);
    pr_block(p);
    open_windows(e, layer, &n);
    pr_line(p, "float v = %s;", max ? "x[in]" : "0.0f");
    open_window(p, &n);
    if (max)
        pr_line(p, "v = x[in + w] > v ? x[in + w] : v;");
    else
        pr_line(p, "v += x[in + w];");
    pr_close(p);
    pr_close(p);
    if (max)
        pr_line(p, "a[out] = v;");
    else
        pr_line(p, "a[out] = v * (1.0f / (float)(%s * %s));", n.kh, n.kw);
    close_windows(p);
    pr_close(p);
}

/* Whether the windows tile the input: stride = window and no row or column left over,
 * so that every input element is in exactly one window (LeNet's 2x2 pools). */
static int windows_tile(const struct layer *L)
{
    return L->stride[0] == L->kernel[0] && L->stride[1] == L->kernel[1] &&
           L->out_shape[DIM_H] * L->kernel[0] == L->in_shape[DIM_H] &&
           L->out_shape[DIM_W] * L->kernel[1] == L->in_shape[DIM_W];
}

/* The window's first maximum, row-major, into `first`: compared by value (best), not
 * by reading x[first] again, which would chain each load on the one before. */
static void emit_first_max(struct printer *p, const struct image_names *n)
{
    pr_line(p, "size_t first = in;   /* the first maximum, row-major */");
    pr_line(p, "float best = x[in];");
    open_window(p, n);
    pr_line(p, "first = x[in + w] > best ? in + w : first;");
    pr_line(p, "best = x[in + w] > best ? x[in + w] : best;");
    pr_close(p);
    pr_close(p);
}

void emit_pool_backward(const struct emit *e, int layer, const char *derivative)
{
    const struct layer *L = &e->net->layers[layer];
    const struct layer *prev = &e->net->layers[layer - 1];
    const struct layer_names ln = layer_names(e, layer);
    const struct image_names n = image_names(e, layer);
    const int max = L->kind == LAYER_MAXPOOL;
    const int needs_z = layer_backward_reads_z(e, layer);
    struct printer *p = e->p;
    emit_layer_title(e, layer, "backward");
    if (max)
        pr_line(p, " *   δ_prev[c][iy][ix] = Σ δ[c][y][x] over the windows whose first maximum it is,");
    else
        pr_line(p, " *   δ_prev[c][iy][ix] = Σ δ[c][y][x] / (KH·KW) over the windows that hold it,");
    pr_line(p, " * ⊙ f'(z_prev): the error of layer %d (\"%s\"), with %s.", layer, prev->name,
            act_derivative_equation(prev->act));
    pr_line(p, " * x = a_prev.  Each sample's rows are independent of the others'. */");
    pr_line(p, "static void %s(float *restrict delta_prev, const float *restrict delta,", ln.backward);
    pr_line(p, "%*sconst float *restrict x, %sint B)",
            (int)(sizeof "static void (" - 1 + strlen(ln.backward)), "",
            needs_z ? "const float *restrict z_prev, " : "");
    pr_block(p);
    if (!max)
        pr_line(p, "(void)x;");
    const int tiles = windows_tile(L);
    /* f'(z_prev) of the element written, when each is written once */
    char times[300] = "";
    if (tiles && derivative[0]) {
        char d[256];
        act_derivative_expr(e, layer - 1, "x[in + w]", "z_prev[in + w]", d, sizeof d);
        snprintf(times, sizeof times, " * (%s)", d);
    }
    if (tiles) {
        pr_line(p, "/* the windows tile the input: each element is written once%s */",
                derivative[0] ? ", ⊙ f'(z_prev)" : "");
    } else {
        pr_line(p, "for (int k = 0; k < B * %s; k++)", ln.in);
        pr_line(p, "    delta_prev[k] = 0.0f;");
    }
    open_windows(e, layer, &n);
    if (max && tiles) {
        emit_first_max(p, &n);
        open_window(p, &n);
        pr_line(p, "delta_prev[in + w] = (in + w == first ? delta[out] : 0.0f)%s;", times);
        pr_close(p);
        pr_close(p);
    } else if (max) {
        emit_first_max(p, &n);
        pr_line(p, "delta_prev[first] += delta[out];");
    } else if (tiles) {
        pr_line(p, "const float share = delta[out] * (1.0f / (float)(%s * %s));", n.kh, n.kw);
        open_window(p, &n);
        pr_line(p, "delta_prev[in + w] = share%s;", times);
        pr_close(p);
        pr_close(p);
    } else {
        pr_line(p, "const float share = delta[out] * (1.0f / (float)(%s * %s));", n.kh, n.kw);
        open_window(p, &n);
        pr_line(p, "delta_prev[in + w] += share;");
        pr_close(p);
        pr_close(p);
    }
    close_windows(p);
    if (derivative[0] && !tiles) {
        pr_line(p, "/* ⊙ f'(z_prev) */");
        pr_line(p, "for (int k = 0; k < B * %s; k++)", ln.in);
        pr_line(p, "    delta_prev[k] *= %s;", derivative);
    }
    pr_close(p);
}
