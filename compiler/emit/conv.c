/* conv.c - one convolutional layer's forward, backward and gradients, side by side.
 *
 * A convolution is a dense layer applied at every output position p = (y, x) to the
 * input under the kernel there.  layerN_columns copies those inputs into cols, one row
 * per kernel element k = (c·KH + i)·KW + j holding it at every position, cols[k][p]
 * ("im2col", filters × positions; zeros where the kernel hangs over the padding), so
 * that every sum is a matrix product over one sample's positions:
 *     z[o][p] = bias[o] + Σ_k W[o][k] cols[k][p]           (conv_product)
 *     dcols[k][p] = Σ_o W[o][k] δ[o][p]                      (matmul, then back to the image)
 *     dWT[k][o] = Σ_b Σ_p cols[k][p] δt[p][o]                (matmul per sample, added up;
 *     dbias[o] = Σ_b Σ_p 1 · δt[p][o]                          dbias as row FAN_IN, of ones)
 * with the weights kept transposed, WT[k][o] = W[o][k], as the dense layers keep theirs,
 * and δt[p][o] = δ[o][p], its rows OUT_C_VEC floats, whole vectors (LeNet's 6 filters
 * padded to 8: the product's outputs are then whole vectors, not a tail copied into a
 * padded panel for every chunk of positions).  z and δ come out channels x height x width (PyTorch's order,
 * what the pooling and dense layers after it read, as torch.flatten(x, 1) does), and the
 * products' vectors run across positions, of which there are many, not across filters,
 * of which there are few.  A row of cols is a shifted row of the input, copied whole.
 * Measured on LeNet-5 (make bench's W4, batch 64, SGD, one thread, gcc -O3 -march=native;
 * the machine shared and loaded): 100 training steps took 0.46 s of CPU against 0.65 s
 * with the position-major im2col it replaced (cols[p][k], the dense layers' matmul over
 * B·POS rows, vectors across the filters: conv1's 6 were one vector's tail, copied into
 * a padded panel for every chunk), the same loss to the last digit; that one in turn took
 * 0.75x (conv1) and 0.22x (conv2) the time of direct loops over a zero-padded copy.
 * Each sample's columns are made just before they are used, into one sample's room
 * (the first of the call's): the forward pass's before its product, the gradients'
 * again from the layer's input (copying them is cheaper than reading a whole batch's
 * back from memory: LeNet's batch of 64 has 5 MB of conv1 columns), and the backward
 * pass's dcols one sample at a time too.  Measured on W4 side by side: 13.4 k -> 17.8 k
 * training samples/s (medians of 3), the same bits.
 */
#include "emit/emit.h"

#include <stdio.h>
#include <string.h>

/* The loops over one sample's kernel elements k = (ch, i, j) and output rows oy, with
 * `row` the row of cols for k (its positions oy·OUT_W .. + OUT_W at row + oy·OUT_W), `in`
 * the input row under it (at = its index in the sample's input, when 0 <= iy < IN_H),
 * and lo <= ox < hi the output columns whose input column ox·S − P + j lies inside the
 * input; with some_rows, only the rows k0 <= k < k1.  Closed by close_kernel_elements. */
static void open_kernel_elements(const struct emit *e, const struct image_names *c,
                                 const char *row_type, const char *cols, int some_rows)
{
    struct printer *p = e->p;
    pr_open(p, "for (int ch = 0; ch < %s; ch++)", c->in_c);
    pr_open(p, "for (int i = 0; i < %s; i++)", c->kh);
    pr_open(p, "for (int j = 0; j < %s; j++)", c->kw);
    pr_line(p, "const int k = (ch * %s + i) * %s + j;", c->kh, c->kw);
    if (some_rows) {
        pr_line(p, "if (k < k0 || k >= k1)");
        pr_line(p, "    continue;");
    }
    pr_line(p, "%s *row = %s + (size_t)k * %s;", row_type, cols, c->pos);
    pr_line(p, "int lo = 0, hi = %s;   /* the columns ox inside the input */", c->out_w);
    pr_line(p, "while (lo < hi && lo * %s - %s + j < 0)", c->sw, c->pw);
    pr_line(p, "    lo++;");
    pr_line(p, "while (hi > lo && (hi - 1) * %s - %s + j >= %s)", c->sw, c->pw, c->in_w);
    pr_line(p, "    hi--;");
    pr_open(p, "for (int oy = 0; oy < %s; oy++, row += %s)", c->out_h, c->out_w);
    pr_line(p, "const int iy = oy * %s - %s + i;", c->sh, c->ph);
    pr_line(p, "const int at = (ch * %s + iy) * %s - %s + j;   /* + ox·S: column ox's input */",
            c->in_h, c->in_w, c->pw);
}

static void close_kernel_elements(struct printer *p)
{
    for (int i = 0; i < 4; i++)
        pr_close(p);
}

/* cols[b][k][p] = x[b][c][y·S − P + i][x·S − P + j], 0 in the padding. */
static void emit_columns(const struct emit *e, int layer)
{
    const struct layer_names n = layer_names(e, layer);
    const struct image_names c = image_names(e, layer);
    struct printer *p = e->p;
    pr_line(p, "/* Layer %d's input under the kernel at each output position (\"im2col\"):", layer + 1);
    pr_line(p, " *   cols[b][k][p] = x[b][c][y·STRIDE − PAD + i][x·STRIDE − PAD + j]   (0 outside)");
    pr_line(p, " * k = (c·KH + i)·KW + j: W[o][k]'s order, torch's [out, in, kh, kw]; p = y·OUT_W + x.");
    pr_line(p, " * Row k of cols is the input shifted by (i, j): copied an output row at a time.");
    pr_line(p, " * One sample's rows k0 <= k < k1, xb = x[b]. */");
    pr_line(p, "static void %s(float *restrict cols, const float *restrict xb, int k0, int k1)",
            n.columns);
    pr_block(p);
    open_kernel_elements(e, &c, "float", "cols", 1);
    pr_line(p, "if (iy < 0 || iy >= %s) {", c.in_h);
    pr_line(p, "    for (int ox = 0; ox < %s; ox++)", c.out_w);
    pr_line(p, "        row[ox] = 0.0f;");
    pr_line(p, "    continue;");
    pr_line(p, "}");
    pr_line(p, "for (int ox = 0; ox < lo; ox++)");
    pr_line(p, "    row[ox] = 0.0f;");
    if (e->plain || e->net->layers[layer].stride[1] != 1) {
        pr_line(p, "for (int ox = lo; ox < hi; ox++)");
        pr_line(p, "    row[ox] = xb[at + ox * %s];", c.sw);
    } else {
        pr_line(p, "copy_floats(row + lo, xb + at + lo, hi - lo);   /* row[ox] = xb[at + ox] */");
    }
    pr_line(p, "for (int ox = hi; ox < %s; ox++)", c.out_w);
    pr_line(p, "    row[ox] = 0.0f;");
    close_kernel_elements(p);
    pr_close(p);
    pr_blank(p);
}

/* δ_prev[b][c][iy][ix] = Σ over the positions whose kernel covers it of dcols[b][k][p]. */
static void emit_columns_back(const struct emit *e, int layer)
{
    const struct layer_names n = layer_names(e, layer);
    const struct image_names c = image_names(e, layer);
    struct printer *p = e->p;
    pr_line(p, "/* The reverse of %s: each input pixel's error is the sum of the errors of", n.columns);
    pr_line(p, " * the column entries it was copied into (\"col2im\"), added in the order of k and p.");
    pr_line(p, " * One sample: db = δ_prev[b], dcols = dcols[b]. */");
    pr_line(p, "static void %s(float *restrict db, const float *restrict dcols)", n.columns_back);
    pr_block(p);
    pr_line(p, "for (int k = 0; k < %s; k++)", n.in);
    pr_line(p, "    db[k] = 0.0f;");
    open_kernel_elements(e, &c, "const float", "dcols", 0);
    pr_line(p, "if (iy < 0 || iy >= %s)", c.in_h);
    pr_line(p, "    continue;");
    pr_line(p, "for (int ox = lo; ox < hi; ox++)");
    pr_line(p, "    db[at + ox * %s] += row[ox];", c.sw);
    close_kernel_elements(p);
    pr_close(p);
    pr_blank(p);
}

/* layerN_product: the filters at every position of each sample, z = W·cols + b. */
static void emit_product(const struct emit *e, int layer)
{
    const struct layer_names n = layer_names(e, layer);
    const struct image_names c = image_names(e, layer);
    const struct layer *L = &e->net->layers[layer];
    struct printer *p = e->p;
    pr_line(p, "/* Layer %d's filters at every position: z[o][p] = bias[o] + Σ_k W[o][k] cols[k][p]",
            layer + 1);
    pr_line(p, " * for one sample (zb = z[b], cb = cols[b]), W[o][k] = WT[k][o]. */");
    pr_line(p, "static void %s(float *restrict zb, const float *restrict cb,", n.product);
    pr_line(p, "%*sconst float *restrict WT, const float *restrict bias)",
            (int)(sizeof "static void (" - 1 + strlen(n.product)), "");
    pr_block(p);
    if (e->plain) {
        pr_open(p, "for (int o = 0; o < %s; o++)", c.out_c);
        pr_open(p, "for (int q = 0; q < %s; q++)", c.pos);
        pr_line(p, "float sum = 0.0f;   /* Σ_k W[o][k] cols[k][q] */");
        pr_line(p, "for (int k = 0; k < %s; k++)", c.fan_in);
        pr_line(p, "    sum += WT[k * %s + o] * cb[k * %s + q];", c.out_c, c.pos);
        pr_line(p, "zb[o * %s + q] = bias[o] + sum;", c.pos);
        pr_close(p);
        pr_close(p);
    } else {
        pr_line(p, "conv_product(zb, WT, cb, bias, %s, %s, %s, %d);", c.out_c, c.fan_in, c.pos,
                kernel_block_rows(L->units));
    }
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
    pr_line(p, " * computed as cols = the input under the kernel at each position, z = W·cols + b");
    pr_line(p, " * (a dense layer at every position).  B = batch, S = stride, P = padding. */");
    pr_line(p, "static void %s(float *restrict z, float *restrict a, float *restrict cols,", n.forward);
    pr_line(p, "%*sconst float *restrict x, const float *restrict WT, const float *restrict bias,",
            (int)(sizeof "static void (" - 1 + strlen(n.forward)), "");
    pr_line(p, "%*sint B)", (int)(sizeof "static void (" - 1 + strlen(n.forward)), "");
    pr_block(p);
    pr_line(p, "/* sample by sample, each one's columns in the first sample's place: still in the");
    pr_line(p, " * cache for the product */");
    pr_open(p, "for (int b = 0; b < B; b++)");
    pr_line(p, "%s(cols, x + (size_t)b * %s, 0, %s);", n.columns, n.in, c.fan_in);
    pr_line(p, "%s(z + (size_t)b * %s, cols, WT, bias);", n.product, n.out);
    pr_close(p);
    emit_activation_forward(e, layer);
    pr_close(p);
}

/* δt[b][p][o] = δ[b][o][p]: the error in the weight gradient's order (part_errors), rows
 * of OUT_C_VEC floats.  Their last OUT_C_VEC - OUT_C are never written (0, as the state
 * is allocated): they only reach the lanes of the gradient's product that are not kept. */
void emit_conv_delta_positions(const struct emit *e, int layer)
{
    const struct layer_names n = layer_names(e, layer);
    const struct image_names c = image_names(e, layer);
    struct printer *p = e->p;
    char vec[SYMBOL_MAX];
    layer_constant(vec, e, layer, "OUT_C_VEC");
    pr_line(p, "/* Layer %d's error position by position, for its gradients: δt[b][p][o] = δ[b][o][p]", layer + 1);
    pr_line(p, " * in rows of OUT_C_VEC, whole vectors (OUT_C <= o < OUT_C_VEC: not written, 0 as");
    pr_line(p, " * allocated; only the product's lanes that are not kept read them).  δ is read");
    pr_line(p, " * in its order. */");
    pr_line(p, "static void layer%d_delta_positions(float *restrict dt, const float *restrict delta, int B)",
            layer + 1);
    pr_block(p);
    pr_line(p, "for (int b = 0; b < B; b++)");
    pr_line(p, "    for (int o = 0; o < %s; o++)", c.out_c);
    pr_line(p, "        for (int q = 0; q < %s; q++)", c.pos);
    pr_line(p, "            dt[((size_t)b * %s + q) * %s + o] = delta[(size_t)b * %s + o * %s + q];",
            c.pos, vec, n.out, c.pos);
    pr_close(p);
    pr_blank(p);
}

/* layerN_product_back: dcols[b][k][p] = Σ_o W[o][k] δ[b][o][p], sample by sample. */
static void emit_product_back(const struct emit *e, int layer)
{
    const struct layer_names n = layer_names(e, layer);
    const struct image_names c = image_names(e, layer);
    const struct layer *L = &e->net->layers[layer];
    struct printer *p = e->p;
    pr_line(p, "/* dcols[k][p] = Σ_o W[o][k] δ[o][p], W[o][k] = WT[k][o]: the error of each");
    pr_line(p, " * column entry, for one sample (deltab = δ[b]). */");
    pr_line(p, "static void %s(float *restrict db, const float *restrict deltab,", n.product_back);
    pr_line(p, "%*sconst float *restrict WT)",
            (int)(sizeof "static void (" - 1 + strlen(n.product_back)), "");
    pr_block(p);
    if (e->plain) {
        pr_open(p, "for (int k = 0; k < %s; k++)", c.fan_in);
        pr_open(p, "for (int q = 0; q < %s; q++)", c.pos);
        pr_line(p, "float sum = 0.0f;   /* Σ_o W[o][k] δ[o][q] */");
        pr_line(p, "for (int o = 0; o < %s; o++)", c.out_c);
        pr_line(p, "    sum += WT[k * %s + o] * deltab[o * %s + q];", c.out_c, c.pos);
        pr_line(p, "db[k * %s + q] = sum;", c.pos);
        pr_close(p);
        pr_close(p);
    } else {
        pr_line(p, "matmul(db, WT, deltab, NULL, %s, %s, %s, %d);", c.fan_in, c.out_c, c.pos,
                kernel_block_rows(L->fan_in));
    }
    pr_close(p);
    pr_blank(p);
}

void emit_conv_backward(const struct emit *e, int layer, const char *derivative)
{
    const struct layer_names n = layer_names(e, layer);
    const struct layer *prev = &e->net->layers[layer - 1];
    const int needs_a = layer_backward_reads_a(e, layer);
    const int needs_z = layer_backward_reads_z(e, layer);
    struct printer *p = e->p;
    const int indent = (int)(sizeof "static void (" - 1 + strlen(n.backward));

    emit_product_back(e, layer);
    emit_columns_back(e, layer);
    emit_layer_title(e, layer, "backward");
    pr_line(p, " *   δ_prev[c][iy][ix] = Σ_o Σ_(y,x,i,j covering it) δ[o][y][x] W[o][c][i][j] ⊙ f'(z_prev),");
    pr_line(p, " * the error of layer %d (\"%s\"), with %s:", layer, prev->name,
            act_derivative_equation(prev->act));
    pr_line(p, " * dcols = W^T·δ, then each column entry's error added back into the pixel it was");
    pr_line(p, " * copied from.  Each sample is independent of the others'. */");
    pr_line(p, "static void %s(float *restrict delta_prev, float *restrict dcols,", n.backward);
    pr_line(p, "%*sconst float *restrict delta, %s%sconst float *restrict WT, int B)", indent, "",
            needs_a ? "const float *restrict x, " : "", needs_z ? "const float *restrict z_prev, " : "");
    pr_block(p);
    pr_line(p, "/* sample by sample, each one's dcols in the first sample's place (in the cache) */");
    pr_open(p, "for (int b = 0; b < B; b++)");
    pr_line(p, "%s(dcols, delta + (size_t)b * %s, WT);", n.product_back, n.out);
    pr_line(p, "%s(delta_prev + (size_t)b * %s, dcols);", n.columns_back, n.in);
    pr_close(p);
    if (derivative[0]) {
        pr_line(p, "/* ⊙ f'(z_prev) */");
        pr_line(p, "for (int k = 0; k < B * %s; k++)", n.in);
        pr_line(p, "    delta_prev[k] *= %s;", derivative);
    }
    pr_close(p);
}

/* The body of layerN_gradients for a conv layer: dWT sample by sample, then dbias. */
void emit_conv_gradients(const struct emit *e, int layer)
{
    const struct layer_names n = layer_names(e, layer);
    const struct image_names c = image_names(e, layer);
    const struct layer *L = &e->net->layers[layer];
    /* rows of dWT per block; each sample's sums run over its positions */
    const int rows = kernel_gradient_rows(L->fan_in, L->out_shape[DIM_H] * L->out_shape[DIM_W]);
    struct printer *p = e->p;
    char vec[SYMBOL_MAX];
    layer_constant(vec, e, layer, "OUT_C_VEC");
    pr_line(p, "/* dbias as row FAN_IN of dWT: the weight of an input that is 1 at every position */");
    pr_line(p, "float *const ones = cols + %s * %s;", c.fan_in, c.pos);
    pr_line(p, "int lo, hi;");
    pr_line(p, "share(%s + 1, %d, t, T, &lo, &hi);   /* rows of dWT and dbias, in blocks of %d */",
            c.fan_in, e->plain ? 1 : rows, e->plain ? 1 : rows);
    pr_line(p, "for (int q = 0; lo <= %s && %s < hi && q < %s; q++)   /* this thread's row */",
            c.fan_in, c.fan_in, c.pos);
    pr_line(p, "    ones[q] = 1.0f;");
    pr_open(p, "for (int b = 0; b < B; b++)");
    pr_line(p, "const float *xb = cols;   /* this sample's rows lo .. hi - 1 of its columns */");
    pr_line(p, "const float *db = delta + (size_t)b * %s * %s;", c.pos, vec);
    pr_line(p, "%s(cols, x + (size_t)b * %s, lo, hi);", n.columns, n.in);
    if (e->plain) {
        pr_open(p, "for (int k = lo; k < hi; k++)");
        pr_line(p, "float *const g = k < %s ? dWT + k * %s : dbias;", c.fan_in, c.out_c);
        pr_open(p, "for (int o = 0; o < %s; o++)", c.out_c);
        pr_line(p, "float sum = 0.0f;   /* Σ_p cols[b][k][p] δt[b][p][o] */");
        pr_line(p, "for (int q = 0; q < %s; q++)", c.pos);
        pr_line(p, "    sum += xb[k * %s + q] * db[q * %s + o];", c.pos, vec);
        pr_line(p, "g[o] = b == 0 ? sum : g[o] + sum;");
        pr_close(p);
        pr_close(p);
    } else {
        pr_line(p, "/* this sample's share of dWT and dbias, rows of OUT_C_VEC; MAX_R rows more, as");
        pr_line(p, " * room for a whole register block: gcc's -Warray-bounds cannot see that");
        pr_line(p, " * hi - lo <= FAN_IN + 1 */");
        pr_line(p, "float sample[(%s + 1 + MAX_R) * %s];", c.fan_in, vec);
        pr_line(p, "if (lo < hi)");
        pr_line(p, "    matmul(sample + lo * %s, xb + lo * %s, db, NULL, hi - lo, %s, %s, %d);", vec,
                c.pos, c.pos, vec, rows);
        pr_open(p, "for (int k = lo; k < hi; k++)");
        pr_line(p, "float *const g = k < %s ? dWT + k * %s : dbias;", c.fan_in, c.out_c);
        pr_line(p, "for (int o = 0; o < %s; o++)", c.out_c);
        pr_line(p, "    g[o] = (b == 0 ? 0.0f : g[o]) + sample[k * %s + o];", vec);
        pr_close(p);
    }
    pr_close(p);
}
