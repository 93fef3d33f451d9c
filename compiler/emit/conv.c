/* conv.c - one convolutional layer's forward, backward and gradients, side by side.
 *
 * A convolution is a dense layer applied at every output position p = (y, x) to the
 * input under the kernel there.  layerN_columns copies those inputs into the rows of
 * cols[p][k] (k = (c·KH + i)·KW + j; zeros where the kernel hangs over the padding,
 * "im2col"), so that every sum is the dense layer's, over B·POS rows instead of B:
 *     zt[p][o] = bias[o] + Σ_k cols[p][k] WT[k][o]       (matmul)
 *     dcols[p][k] = Σ_o δt[p][o] W[o][k]                  (matmul, then back to the image)
 *     dWT[k][o] = Σ_b Σ_p cols[p][k] δt[p][o]              (outer_sum)
 * with the weights kept transposed, WT[k][o] = W[o][k], as the dense layers keep theirs.
 * The products run over contiguous outputs o of rows that hold a whole receptive field:
 * the same vectorised kernels as the dense layers, no kernel of its own to tune.
 * Activations stay channels x height x width (PyTorch's order), so that the dense layer
 * after the last conv or pool layer reads them as torch.flatten(x, 1) does; zt is the
 * position-major copy the products want.  Measured on LeNet-5's two convolutions (forward,
 * batch 64, gcc -O2 -march=native, side by side in one run): im2col + matmul took 0.75x
 * (conv1, 6 filters of 1x5x5) and 0.22x (conv2, 16 of 6x5x5) the time of direct loops
 * over a zero-padded copy, vectorised along each output row.
 */
#include "emit/emit.h"

#include <stdio.h>
#include <string.h>


/* The loops over one sample's output positions and the kernel rows under each: `col`
 * is the position's row of cols (or dcols), advanced by KW per kernel row; x0 the
 * kernel's first input column, `whole` whether all its columns lie inside the input,
 * and `at` the index in the sample's input of the kernel row's first element.  The
 * shared head of layerN_columns and layerN_columns_back; then one of three loops over
 * the row's KW elements (copy_row): in the padding, wholly inside, or at an edge. */
static void open_kernel_rows(const struct emit *e, const struct image_names *c,
                             const char *col_type, const char *cols)
{
    struct printer *p = e->p;
    pr_open(p, "for (int oy = 0; oy < %s; oy++)", c->out_h);
    pr_open(p, "for (int ox = 0; ox < %s; ox++)", c->out_w);
    pr_line(p, "%s *col = %s + (size_t)((b * %s + oy) * %s + ox) * %s;", col_type, cols, c->out_h,
            c->out_w, c->fan_in);
    pr_line(p, "const int x0 = ox * %s - %s;", c->sw, c->pw);
    pr_line(p, "const int whole = x0 >= 0 && x0 + %s <= %s;", c->kw, c->in_w);
    pr_open(p, "for (int ch = 0; ch < %s; ch++)", c->in_c);
    pr_open(p, "for (int i = 0; i < %s; i++, col += %s)", c->kh, c->kw);
    pr_line(p, "const int iy = oy * %s - %s + i;", c->sh, c->ph);
    pr_line(p, "const int at = (ch * %s + iy) * %s + x0;", c->in_h, c->in_w);
}

static void close_kernel_rows(struct printer *p)
{
    for (int i = 0; i < 4; i++)
        pr_close(p);
}

/* The three cases of one kernel row: STORE(j) for the elements inside the input (the
 * row wholly inside, or at an edge), and in_padding for a row above or below it. */
static void copy_row(const struct emit *e, const struct image_names *c, const char *in_padding,
                     const char *store)
{
    struct printer *p = e->p;
    pr_line(p, "if (iy < 0 || iy >= %s) {", c->in_h);
    if (in_padding) {
        pr_line(p, "    for (int j = 0; j < %s; j++)", c->kw);
        pr_line(p, "        %s", in_padding);
    }
    pr_line(p, "} else if (whole) {");
    pr_line(p, "    for (int j = 0; j < %s; j++)", c->kw);
    pr_line(p, "        %s", store);
    pr_line(p, "} else {");
    pr_line(p, "    for (int j = 0; j < %s; j++)", c->kw);
    pr_line(p, "        if (x0 + j >= 0 && x0 + j < %s)", c->in_w);
    pr_line(p, "            %s", store);
    if (in_padding) {
        pr_line(p, "        else");
        pr_line(p, "            %s", in_padding);
    }
    pr_line(p, "}");
}

/* cols[b][p][k] = x[b][c][y·S − P + i][x·S − P + j], 0 in the padding. */
static void emit_columns(const struct emit *e, int layer)
{
    const struct layer_names n = layer_names(e, layer);
    const struct image_names c = image_names(e, layer);
    struct printer *p = e->p;
    pr_line(p, "/* Layer %d's input under the kernel at each output position (\"im2col\"):", layer + 1);
    pr_line(p, " *   cols[b][p][k] = x[b][c][y·STRIDE − PAD + i][x·STRIDE − PAD + j]   (0 outside)");
    pr_line(p, " * p = y·OUT_W + x, k = (c·KH + i)·KW + j: W[o][k]'s order, torch's [out, in, kh, kw].");
    pr_line(p, " * A kernel row is KW neighbours of one input row: copied whole where it lies inside. */");
    pr_line(p, "static void %s(float *restrict cols, const float *restrict x, int B)", n.columns);
    pr_block(p);
    pr_open(p, "for (int b = 0; b < B; b++)");
    pr_line(p, "const float *xb = x + (size_t)b * %s;", n.in);
    open_kernel_rows(e, &c, "float", "cols");
    copy_row(e, &c, "col[j] = 0.0f;", "col[j] = xb[at + j];");
    close_kernel_rows(p);
    pr_close(p);
    pr_close(p);
    pr_blank(p);
}

/* δ_prev[b][c][iy][ix] = Σ over the positions whose kernel covers it of dcols[b][p][k]. */
static void emit_columns_back(const struct emit *e, int layer)
{
    const struct layer_names n = layer_names(e, layer);
    const struct image_names c = image_names(e, layer);
    struct printer *p = e->p;
    pr_line(p, "/* The reverse of %s: each input pixel's error is the sum of the errors of", n.columns);
    pr_line(p, " * the column entries it was copied into (\"col2im\"), added in the order of p and k. */");
    pr_line(p, "static void %s(float *restrict delta_prev, const float *restrict dcols, int B)",
            n.columns_back);
    pr_block(p);
    pr_line(p, "for (int k = 0; k < B * %s; k++)", n.in);
    pr_line(p, "    delta_prev[k] = 0.0f;");
    pr_open(p, "for (int b = 0; b < B; b++)");
    pr_line(p, "float *db = delta_prev + (size_t)b * %s;", n.in);
    open_kernel_rows(e, &c, "const float", "dcols");
    copy_row(e, &c, NULL, "db[at + j] += col[j];");
    close_kernel_rows(p);
    pr_close(p);
    pr_close(p);
    pr_blank(p);
}

/* layerN_product: the dense layer inside the conv, over R = B·POS rows. */
static void emit_product(const struct emit *e, int layer)
{
    const struct layer_names n = layer_names(e, layer);
    struct printer *p = e->p;
    pr_line(p, "/* Layer %d at every position: z[r][o] = bias[o] + Σ_k x[r][k] WT[k][o] for R rows", layer + 1);
    pr_line(p, " * r = b·POS + p (x: the columns, z: zt). */");
    pr_line(p, "static void %s(float *restrict z, const float *restrict x,", n.product);
    pr_line(p, "%*sconst float *restrict WT, const float *restrict bias, int B)",
            (int)(sizeof "static void (" - 1 + strlen(n.product)), "");
    pr_block(p);
    if (e->plain)
        emit_plain_forward(e, &n);
    else
        pr_line(p, "matmul(z, x, WT, bias, B, %s, %s, BATCH_ROWS);", n.fan_in, n.units);
    pr_close(p);
    pr_blank(p);
}

void emit_conv_forward(const struct emit *e, int layer)
{
    const struct layer *L = &e->net->layers[layer];
    const struct layer_names n = layer_names(e, layer);
    const struct image_names c = image_names(e, layer);
    struct printer *p = e->p;
    emit_columns(e, layer);
    emit_product(e, layer);
    emit_layer_title(e, layer, "forward");
    pr_line(p, " *   z[o][y][x] = bias[o] + Σ_c Σ_i Σ_j W[o][c][i][j] x[c][y·S − P + i][x·S − P + j]");
    pr_line(p, " *   a = %s", act_equation(L->act));
    pr_line(p, " * computed as cols = the input under the kernel at each position, zt = cols·WT + b");
    pr_line(p, " * (a dense layer at every position), z = zt transposed to channels x height x width.");
    pr_line(p, " * B = batch, S = stride, P = padding. */");
    pr_line(p, "static void %s(float *restrict z, float *restrict a, float *restrict cols,", n.forward);
    pr_line(p, "%*sfloat *restrict zt, const float *restrict x, const float *restrict WT,",
            (int)(sizeof "static void (" - 1 + strlen(n.forward)), "");
    pr_line(p, "%*sconst float *restrict bias, int B)",
            (int)(sizeof "static void (" - 1 + strlen(n.forward)), "");
    pr_block(p);
    pr_line(p, "%s(cols, x, B);", n.columns);
    pr_line(p, "%s(zt, cols, WT, bias, B * %s);", n.product, c.pos);
    pr_line(p, "/* z[b][o][p] = zt[b][p][o] */");
    pr_line(p, "for (int b = 0; b < B; b++)");
    pr_line(p, "    for (int o = 0; o < %s; o++)", c.out_c);
    pr_line(p, "        for (int q = 0; q < %s; q++)", c.pos);
    pr_line(p, "            z[(size_t)b * %s + o * %s + q] = zt[((size_t)b * %s + q) * %s + o];",
            n.out, c.pos, c.pos, c.out_c);
    emit_activation_forward(e, layer);
    pr_close(p);
}

/* δt[b][p][o] = δ[b][o][p]: the error in the products' order (part_errors, every conv). */
void emit_conv_delta_positions(const struct emit *e, int layer)
{
    const struct layer_names n = layer_names(e, layer);
    const struct image_names c = image_names(e, layer);
    struct printer *p = e->p;
    pr_line(p, "/* Layer %d's error position by position, for the products: δt[b][p][o] = δ[b][o][p]. */",
            layer + 1);
    pr_line(p, "static void layer%d_delta_positions(float *restrict dt, const float *restrict delta, int B)",
            layer + 1);
    pr_block(p);
    pr_line(p, "for (int b = 0; b < B; b++)");
    pr_line(p, "    for (int q = 0; q < %s; q++)", c.pos);
    pr_line(p, "        for (int o = 0; o < %s; o++)", c.out_c);
    pr_line(p, "            dt[((size_t)b * %s + q) * %s + o] = delta[(size_t)b * %s + o * %s + q];",
            c.pos, c.out_c, n.out, c.pos);
    pr_close(p);
    pr_blank(p);
}

void emit_conv_backward(const struct emit *e, int layer, const char *derivative)
{
    const struct layer_names n = layer_names(e, layer);
    const struct layer *prev = &e->net->layers[layer - 1];
    const struct image_names c = image_names(e, layer);
    const int needs_a = layer_backward_reads_a(e, layer);
    const int needs_z = layer_backward_reads_z(e, layer);
    struct printer *p = e->p;
    const int indent = (int)(sizeof "static void (" - 1 + strlen(n.backward));

    pr_line(p, "/* dcols[r][k] = Σ_o δt[r][o] W[o][k]: the error of each column entry. */");
    pr_line(p, "static void %s(float *restrict delta_prev, const float *restrict delta,", n.product_back);
    pr_line(p, "%*sconst float *restrict W, int B)",
            (int)(sizeof "static void (" - 1 + strlen(n.product_back)), "");
    pr_block(p);
    if (e->plain)
        emit_plain_backward(e, &n);
    else
        pr_line(p, "matmul(delta_prev, delta, W, NULL, B, %s, %s, BATCH_ROWS);", n.units, n.fan_in);
    pr_close(p);
    pr_blank(p);
    emit_columns_back(e, layer);
    emit_layer_title(e, layer, "backward");
    pr_line(p, " *   δ_prev[c][iy][ix] = Σ_o Σ_(y,x,i,j covering it) δ[o][y][x] W[o][c][i][j] ⊙ f'(z_prev),");
    pr_line(p, " * the error of layer %d (\"%s\"), with %s:", layer, prev->name,
            act_derivative_equation(prev->act));
    pr_line(p, " * dcols = δt·W (W = WT transposed by NAME_part_prepare), then each column entry's error");
    pr_line(p, " * added back into the pixel it was copied from.  Each sample is independent of the others'. */");
    pr_line(p, "static void %s(float *restrict delta_prev, float *restrict dcols,", n.backward);
    pr_line(p, "%*sconst float *restrict dt, %s%sconst float *restrict W, int B)", indent, "",
            needs_a ? "const float *restrict x, " : "", needs_z ? "const float *restrict z_prev, " : "");
    pr_block(p);
    pr_line(p, "%s(dcols, dt, W, B * %s);", n.product_back, c.pos);
    pr_line(p, "%s(delta_prev, dcols, B);", n.columns_back);
    if (derivative[0]) {
        pr_line(p, "/* ⊙ f'(z_prev) */");
        pr_line(p, "for (int k = 0; k < B * %s; k++)", n.in);
        pr_line(p, "    delta_prev[k] *= %s;", derivative);
    }
    pr_close(p);
}
