/* model.c - the trainer back end's driver: its four files, NAME.h, and the
 * whole-network functions of NAME.c.  The per-construct printers live next door
 * (loss.c, optimizer.c, init.c, trainer_main.c) and in emit/ (layers, activations,
 * kernels, and the files both back ends write the same way; see emit/emit.h).
 */
#include "trainer/trainer.h"
#include "trainer/trainer_internal.h"

#include <stdio.h>
#include <string.h>

/* ---- NAME.h ---- */

static void emit_constants(const struct emit *e)
{
    const struct network *net = e->net;
    struct printer *p = e->p;
    char text[256];
    pr_line(p, "/* The network's sizes: every dimension is a compile-time constant. */");
    pr_open(p, "enum");
    snprintf(text, sizeof text, "%s_N_INPUT = %d,", e->up, net->input_size);
    pr_commented(p, text, "floats per input sample");
    snprintf(text, sizeof text, "%s_N_OUTPUT = %d,", e->up, net->layers[net->nlayers - 1].out);
    pr_commented(p, text, "floats per output (and target)");
    snprintf(text, sizeof text, "%s_BATCH = %d,", e->up, net->batch);
    pr_commented(p, text, "samples per mini-batch: entry points take n <= this");
    snprintf(text, sizeof text, "%s_N_PARAM = %lld,", e->up, network_param_count(net));
    pr_commented(p, text, "weights and biases, in one block");
    snprintf(text, sizeof text, "%s_N_LAYER = %d", e->up, net->nlayers);
    pr_commented(p, text, "layers");
    pr_close_with(p, ";");
    emit_layer_constants(e, 1);
}

/* One array of the state struct: "float NAME[SIZE] ALIGN;  /+ comment +/". */
static void member(const struct emit *e, const char *name, const char *size, const char *comment)
{
    char text[640];
    snprintf(text, sizeof text, "float %s[%s] %s_ALIGN;", name, size, e->up);
    pr_commented(e->p, text, comment);
}

/* "MNIST_BATCH * MNIST_L1_POS * MNIST_L1_FAN_IN": rows of a layer's per-sample arrays. */
static void batch_of(const struct emit *e, char *buf, size_t n, const char *a, const char *b)
{
    if (b)
        snprintf(buf, n, "%s_BATCH * %s * %s", e->up, a, b);
    else
        snprintf(buf, n, "%s_BATCH * %s", e->up, a);
}

/* Whether layer l keeps W = WT transposed, for carrying δ back: a dense layer's product
 * runs along W's rows; a conv layer's (dcols = W^T·δ) reads WT itself. */
static int keeps_w(const struct network *net, int l)
{
    return net->layers[l].kind == LAYER_DENSE && layer_sends_error_back(net, l);
}

/* A layer's arrays: z, a and δ per sample (pools and dropout: a, δ), and what its kind keeps. */
static void emit_layer_members(const struct emit *e, int l)
{
    const struct layer *L = &e->net->layers[l];
    const struct layer_names n = layer_names(e, l);
    char rows[400], comment[128], pos[SYMBOL_MAX];
    layer_constant(pos, e, l, "POS");
    pr_line(e->p, "/* layer %d, \"%s\": one row of OUT per sample of the batch */", l + 1, L->name);
    batch_of(e, rows, sizeof rows, n.out, NULL);
    if (layer_has_weights(L))
        member(e, n.z, rows, L->kind == LAYER_CONV ? "z = W∗x + b (channels x height x width)"
                                                  : "z = W·x + b");
    snprintf(comment, sizeof comment, "a = %s(z)", activation_name(L->act));
    member(e, n.a, rows, L->kind == LAYER_DENSE || L->kind == LAYER_CONV ? comment
                         : L->kind == LAYER_DROPOUT ? "a = x ⊙ mask" : "a = the pooled x");
    member(e, n.delta, rows, layer_has_weights(L) ? "δ = ∂C/∂z" : "δ = ∂C/∂a");
    if (L->kind == LAYER_DROPOUT)
        member(e, n.mask, rows, "0 or 1 / (1 − p), per activation; 1 when not training");
    if (L->kind == LAYER_CONV) {
        batch_of(e, rows, sizeof rows, pos, n.fan_in);
        snprintf(rows + strlen(rows), sizeof rows - strlen(rows), " + %s", pos);
        member(e, n.cols, rows, "the input under the kernel at each position; a row of ones");
        char vec[SYMBOL_MAX];
        layer_constant(vec, e, l, "OUT_C_VEC");
        batch_of(e, rows, sizeof rows, pos, vec);
        member(e, n.zt, rows, "δ position by position, for the gradients");
        if (layer_sends_error_back(e->net, l)) {
            batch_of(e, rows, sizeof rows, pos, n.fan_in);
            member(e, n.dcols, rows, "∂C/∂cols");
        }
    }
    if (!keeps_w(e->net, l))
        return;
    snprintf(rows, sizeof rows, "%s * %s", n.units, n.fan_in);
    member(e, n.w, rows, "W[OUT][IN]: WT transposed, for δ_prev");
}

static void emit_state_struct(const struct emit *e)
{
    struct printer *p = e->p;
    char n_param[96], rows[200];
    snprintf(n_param, sizeof n_param, "%s_N_PARAM", e->up);
    pr_line(p, "/* 64-byte aligned arrays where the compiler can be told so; plain C99 elsewhere. */");
    pr_line(p, "#if defined(__GNUC__)");
    pr_line(p, "#define %s_ALIGN __attribute__((aligned(64)))", e->up);
    pr_line(p, "#else");
    pr_line(p, "#define %s_ALIGN", e->up);
    pr_line(p, "#endif");
    pr_blank(p);
    pr_line(p, "/* All of the model's state, in fixed-size arrays: no allocation anywhere. */");
    pr_open(p, "typedef struct %s_model", e->name);
    member(e, "param", n_param, "all weights and biases (offsets above)");
    member(e, "grad", n_param, "∂C/∂param, mean over the last batch");
    emit_optimizer_members(e);
    snprintf(rows, sizeof rows, "double row_loss[%s_BATCH];", e->up);
    pr_commented(p, rows, "each sample's loss, last batch");
    if (network_has_dropout(e->net)) {
        pr_commented(p, "uint64_t dropout_key;", "the masks' key (NAME_dropout)");
        pr_commented(p, "int training;", "1: dropout on");
    }
    for (int l = 0; l < e->net->nlayers; l++)
        emit_layer_members(e, l);
    pr_close_with(p, " %s_model;", e->name);
    pr_blank(p);
}

static void emit_prototypes(const struct emit *e)
{
    struct printer *p = e->p;
    const char *n = e->name;
    pr_line(p, "/* Fresh weights from seed (same seed, same bytes); zero optimizer state. */");
    pr_line(p, "void %s_init(%s_model *m, uint64_t seed);", n, n);
    pr_line(p, "/* out = the network's output for n <= %s_BATCH samples x (row-major). */", e->up);
    pr_line(p, "void %s_forward(%s_model *m, const float *x, float *out, int n);", n, n);
    pr_line(p, "/* The loss for targets y, averaged over the n samples (runs forward). */");
    pr_line(p, "float %s_loss(%s_model *m, const float *x, const float *y, int n);", n, n);
    pr_line(p, "/* Forward and backward: sets m->grad to the batch mean gradient, returns the loss. */");
    pr_line(p, "float %s_forward_backward(%s_model *m, const float *x, const float *y, int n);", n, n);
    pr_line(p, "/* One optimizer step from m->grad with learning rate lr. */");
    pr_line(p, "void %s_update(%s_model *m, float lr);", n, n);
    if (network_has_dropout(e->net)) {
        pr_line(p, "/* Dropout on (training = 1: the next calls drop activations, their masks drawn");
        pr_line(p, " * from key) or off (0: activations pass through).  Off after init. */");
        pr_line(p, "void %s_dropout(%s_model *m, int training, uint64_t key);", n, n);
    }
    pr_blank(p);
    pr_line(p, "/* The same work split between T threads, for a caller with a thread pool (netc's");
    pr_line(p, " * trainer: --threads).  Threads t = 0 .. T-1 each call a part with the same other");
    pr_line(p, " * arguments, and all finish one part before any starts the next.  Each thread");
    pr_line(p, " * writes only its share and no sum changes order, so the results are those of the");
    pr_line(p, " * calls above, bit for bit, whatever T.  Per call above:");
    pr_line(p, " *   forward:          part_forward(m, x, NULL, out, n)");
    pr_line(p, " *   loss:             part_forward(m, x, y, NULL, n); batch_loss(m, n)");
    pr_line(p, " *   forward_backward: part_prepare(m); part_errors(m, x, y, n);");
    pr_line(p, " *                     part_gradients(m, x, n); batch_loss(m, n)");
    pr_line(p, " *   update:           part_update(m, lr); update_end(m) */");
    pr_line(p, "void %s_part_forward(%s_model *m, const float *x, const float *y, float *out, int n,",
            n, n);
    pr_line(p, "%*sint t, int T);", (int)strlen(n) + 19, "");
    pr_line(p, "void %s_part_prepare(%s_model *m, int t, int T);", n, n);
    pr_line(p, "void %s_part_errors(%s_model *m, const float *x, const float *y, int n, int t, int T);",
            n, n);
    pr_line(p, "void %s_part_gradients(%s_model *m, const float *x, int n, int t, int T);", n, n);
    pr_line(p, "float %s_batch_loss(const %s_model *m, int n);", n, n);
    pr_line(p, "void %s_part_update(%s_model *m, float lr, int t, int T);", n, n);
    pr_line(p, "void %s_update_end(%s_model *m);", n, n);
}

static void emit_header(const struct emit *e)
{
    struct printer *p = e->p;
    emit_header_open(e, ".h", "NETC_MODEL", "the model's sizes, state and entry points.");
    pr_line(p, "#include <stdint.h>");
    pr_blank(p);
    emit_constants(e);
    emit_state_struct(e);
    emit_prototypes(e);
    pr_blank(p);
    pr_line(p, "#endif");
}

/* ---- NAME.c ---- */

/* A layer's arrays in the model struct, one row of OUT per sample. */
enum row_array { ROW_Z, ROW_A, ROW_DELTA };

/* "m->l3_a + b0 * MNIST_L3_OUT": a layer's array from row b0. */
static void at_row(const struct emit *e, char *buf, size_t n, int layer, enum row_array array)
{
    const struct layer_names names = layer_names(e, layer);
    const char *member = array == ROW_Z ? names.z : array == ROW_A ? names.a : names.delta;
    snprintf(buf, n, "m->%s + b0 * %s", member, names.out);
}

/* Where the trainer's forward pass finds its buffers and weights: the model struct,
 * from row b0 of the batch. */
static void trainer_names(const struct emit *e, int layer, struct forward_names *n)
{
    const struct layer_names cur = layer_names(e, layer);
    at_row(e, n->z, sizeof n->z, layer, ROW_Z);
    at_row(e, n->a, sizeof n->a, layer, ROW_A);
    if (layer == 0)
        snprintf(n->in, sizeof n->in, "x + b0 * %s_N_INPUT", e->up);
    else
        at_row(e, n->in, sizeof n->in, layer - 1, ROW_A);
    snprintf(n->wt, sizeof n->wt, "m->param + %s", cur.wt);
    snprintf(n->bias, sizeof n->bias, "m->param + %s", cur.b);
    char pos[SYMBOL_MAX];
    layer_constant(pos, e, layer, "POS");
    snprintf(n->cols, sizeof n->cols, "m->%s + (size_t)b0 * %s * %s", cur.cols, pos, cur.fan_in);
    char vec[SYMBOL_MAX];
    layer_constant(vec, e, layer, "OUT_C_VEC");
    snprintf(n->zt, sizeof n->zt, "m->%s + (size_t)b0 * %s * %s", cur.zt, pos, vec);
    snprintf(n->mask, sizeof n->mask, "m->%s + b0 * %s", cur.mask, cur.out);
    snprintf(n->row0, sizeof n->row0, "b0");
}

/* Inside a part: b0 .. b1 - 1, the samples of thread t's share of the n (none: return). */
static void emit_thread_rows(struct printer *p)
{
    pr_line(p, "int b0, b1;");
    pr_line(p, "share(n, BATCH_ROWS, t, T, &b0, &b1);");
    pr_line(p, "if (b0 == b1)");
    pr_line(p, "    return;");
}

static void emit_forward_rows(const struct emit *e)
{
    struct printer *p = e->p;
    pr_line(p, "/* The forward pass of samples b0 .. b0 + B - 1: every layer's z and a. */");
    pr_line(p, "static void forward_rows(%s_model *m, const float *x, int b0, int B)", e->name);
    pr_block(p);
    emit_forward_calls(e, trainer_names, "B");
    pr_close(p);
    pr_blank(p);
}

static void emit_part_forward(const struct emit *e)
{
    struct printer *p = e->p;
    const int L = e->net->nlayers - 1;
    char a[EXPR_MAX], scores[EXPR_MAX];
    at_row(e, a, sizeof a, L, ROW_A);
    at_row(e, scores, sizeof scores, L, loss_reads_logits(e->net) ? ROW_Z : ROW_A);
    pr_line(p, "/* Thread t of T: the forward pass of its share of the n samples x; their outputs");
    pr_line(p, " * into out, and with targets y their losses into m->row_loss (each if not NULL). */");
    pr_line(p, "void %s_part_forward(%s_model *m, const float *x, const float *y, float *out, int n,",
            e->name, e->name);
    pr_line(p, "%*sint t, int T)", (int)strlen(e->name) + 19, "");
    pr_block(p);
    emit_thread_rows(p);
    pr_line(p, "forward_rows(m, x, b0, b1 - b0);");
    pr_line(p, "if (out)");
    pr_line(p, "    memcpy(out + b0 * %s_N_OUTPUT, %s,", e->up, a);
    pr_line(p, "           (size_t)(b1 - b0) * %s_N_OUTPUT * sizeof(float));", e->up);
    pr_line(p, "if (y)");
    pr_line(p, "    row_losses(m->row_loss + b0, %s, y + b0 * %s_N_OUTPUT, b1 - b0);", scores, e->up);
    pr_close(p);
    pr_blank(p);
    pr_line(p, "/* The mean loss of the last n samples: their losses added in order. */");
    pr_line(p, "float %s_batch_loss(const %s_model *m, int n)", e->name, e->name);
    pr_block(p);
    pr_line(p, "double sum = 0.0;");
    pr_line(p, "for (int b = 0; b < n; b++)");
    pr_line(p, "    sum += m->row_loss[b];");
    pr_line(p, "return (float)(sum / n);");
    pr_close(p);
    pr_blank(p);
}

static void emit_public_forward_loss(const struct emit *e)
{
    struct printer *p = e->p;
    pr_line(p, "/* out = the output layer's a for n samples of x. */");
    pr_line(p, "void %s_forward(%s_model *m, const float *x, float *out, int n)", e->name, e->name);
    pr_block(p);
    pr_line(p, "%s_part_forward(m, x, NULL, out, n, 0, 1);", e->name);
    pr_close(p);
    pr_blank(p);
    pr_line(p, "/* The mean loss of n samples x against targets y. */");
    pr_line(p, "float %s_loss(%s_model *m, const float *x, const float *y, int n)", e->name, e->name);
    pr_block(p);
    pr_line(p, "%s_part_forward(m, x, y, NULL, n, 0, 1);", e->name);
    pr_line(p, "return %s_batch_loss(m, n);", e->name);
    pr_close(p);
    pr_blank(p);
}

static void emit_part_prepare(const struct emit *e)
{
    struct printer *p = e->p;
    pr_line(p, "/* Thread t of T: its share of the rows of each W = WT transposed, which layers 2 on");
    pr_line(p, " * read to carry δ back (the parameters change every step). */");
    pr_line(p, "void %s_part_prepare(%s_model *m, int t, int T)", e->name, e->name);
    pr_block(p);
    int any = 0;
    for (int l = 1; l < e->net->nlayers; l++)
        any |= keeps_w(e->net, l);
    if (any)
        pr_line(p, "int lo, hi;");
    else
        pr_line(p, "(void)m, (void)t, (void)T;   /* no weights to carry δ back through */");
    for (int l = 1; l < e->net->nlayers; l++) {
        const struct layer_names n = layer_names(e, l);
        if (!keeps_w(e->net, l))
            continue;
        pr_line(p, "share(%s, 1, t, T, &lo, &hi);", n.units);
        pr_line(p, "transpose(m->%s, m->param + %s, %s, %s, lo, hi);", n.w, n.wt, n.fan_in, n.units);
    }
    pr_close(p);
    pr_blank(p);
}

/* layerN_delta_positions(m->lN_zt + ..., m->lN_delta + ..., B): a conv layer's δ by position. */
static void emit_delta_positions_call(const struct emit *e, int l)
{
    struct forward_names fn;
    char delta[EXPR_MAX];
    trainer_names(e, l, &fn);
    at_row(e, delta, sizeof delta, l, ROW_DELTA);
    pr_line(e->p, "layer%d_delta_positions(%s, %s, B);", l + 1, fn.zt, delta);
}

/* layerN_backward(δ_prev, ..., B): layer l's error carried back to layer l - 1, with the
 * arguments its kind takes (emit_layer_backward). */
static void emit_backward_call(const struct emit *e, int l)
{
    const struct layer *L = &e->net->layers[l];
    const struct layer_names cur = layer_names(e, l);
    struct forward_names fn;
    char delta[EXPR_MAX], prev_delta[EXPR_MAX], prev_a[EXPR_MAX] = "", prev_z[EXPR_MAX] = "";
    char head[SYMBOL_MAX + 1], last[EXPR_MAX + 16];
    trainer_names(e, l, &fn);
    at_row(e, delta, sizeof delta, l, ROW_DELTA);
    at_row(e, prev_delta, sizeof prev_delta, l - 1, ROW_DELTA);
    if (layer_backward_reads_a(e, l) || L->kind == LAYER_MAXPOOL || L->kind == LAYER_AVGPOOL) {
        at_row(e, prev_a, sizeof prev_a - 2, l - 1, ROW_A);
        strcat(prev_a, ", ");
    }
    if (layer_backward_reads_z(e, l)) {
        at_row(e, prev_z, sizeof prev_z - 2, l - 1, ROW_Z);
        strcat(prev_z, ", ");
    }
    const int indent = snprintf(head, sizeof head, "%s(", cur.backward);
    if (L->kind == LAYER_CONV)
        snprintf(last, sizeof last, "m->param + %s, B);", cur.wt);
    else if (layer_has_weights(L))
        snprintf(last, sizeof last, "m->%s, B);", cur.w);
    else if (L->kind == LAYER_DROPOUT)
        snprintf(last, sizeof last, "%s, B);", fn.mask);
    else
        snprintf(last, sizeof last, "B);");
    if (L->kind == LAYER_CONV) {       /* (δ_prev, dcols, δ, ...): conv.c's layerN_backward */
        char pos[SYMBOL_MAX];
        layer_constant(pos, e, l, "POS");
        pr_line(e->p, "%s%s, m->%s + (size_t)b0 * %s * %s,", head, prev_delta, cur.dcols, pos,
                cur.fan_in);
        pr_line(e->p, "%*s%s, %s%s%s", indent, "", delta, prev_a, prev_z, last);
    } else {
        pr_line(e->p, "%s%s, %s,", head, prev_delta, delta);
        pr_line(e->p, "%*s%s%s%s", indent, "", prev_a, prev_z, last);
    }
}

static void emit_part_errors(const struct emit *e)
{
    struct printer *p = e->p;
    const struct network *net = e->net;
    const int L = net->nlayers;
    char delta[EXPR_MAX], a[EXPR_MAX], z[EXPR_MAX];
    at_row(e, delta, sizeof delta, L - 1, ROW_DELTA);
    at_row(e, a, sizeof a, L - 1, ROW_A);
    at_row(e, z, sizeof z, L - 1, ROW_Z);
    pr_line(p, "/* Thread t of T, for its share of the n samples: the forward pass, the losses,");
    pr_line(p, " * the output error δ (BP1), then layer by layer back to the input the previous");
    pr_line(p, " * layer's δ (BP2).  Each sample's row is independent of the others'. */");
    pr_line(p, "void %s_part_errors(%s_model *m, const float *x, const float *y, int n, int t, int T)",
            e->name, e->name);
    pr_block(p);
    emit_thread_rows(p);
    pr_line(p, "const int B = b1 - b0;");
    pr_line(p, "forward_rows(m, x, b0, B);");
    pr_line(p, "y += b0 * %s_N_OUTPUT;", e->up);
    pr_line(p, "row_losses(m->row_loss + b0, %s, y, B);", loss_reads_logits(net) ? z : a);
    if (output_delta_needs_z(net))
        pr_line(p, "output_delta(%s, %s, %s, y, B, 1.0f / (float)n);", delta, a, z);
    else
        pr_line(p, "output_delta(%s, %s, y, B, 1.0f / (float)n);", delta, a);
    for (int l = L - 1; l >= 0; l--) {
        if (net->layers[l].kind == LAYER_CONV)
            emit_delta_positions_call(e, l);
        if (layer_sends_error_back(net, l))
            emit_backward_call(e, l);
    }
    pr_close(p);
    pr_blank(p);
}

static void emit_part_gradients(const struct emit *e)
{
    struct printer *p = e->p;
    pr_line(p, "/* Thread t of T: its share of ∂C/∂W and ∂C/∂b of every layer (BP3, BP4), summed");
    pr_line(p, " * over all n samples' errors. */");
    pr_line(p, "void %s_part_gradients(%s_model *m, const float *x, int n, int t, int T)", e->name,
            e->name);
    pr_block(p);
    if (!layer_has_weights(&e->net->layers[0]))
        pr_line(p, "(void)x;   /* read by the first layer alone */");
    for (int l = e->net->nlayers - 1; l >= 0; l--) {
        const struct layer_names n = layer_names(e, l);
        char in[SYMBOL_MAX + 4] = "x", head[SYMBOL_MAX + 1];
        if (!layer_has_weights(&e->net->layers[l]))
            continue;
        if (l > 0) {
            const struct layer_names prev = layer_names(e, l - 1);
            snprintf(in, sizeof in, "m->%s", prev.a);
        }
        const int indent = snprintf(head, sizeof head, "%s(", n.gradients);
        pr_line(p, "%sm->grad + %s, m->grad + %s,", head, n.wt, n.b);
        if (e->net->layers[l].kind == LAYER_CONV)
            pr_line(p, "%*sm->%s, %s, m->%s, n, t, T);", indent, "", n.zt, in, n.cols);
        else
            pr_line(p, "%*sm->%s, %s, n, t, T);", indent, "", n.delta, in);
    }
    pr_close(p);
    pr_blank(p);
}

static void emit_forward_backward(const struct emit *e)
{
    struct printer *p = e->p;
    pr_line(p, "/* Backpropagation: the forward pass, the output error δ (BP1), then layer by");
    pr_line(p, " * layer back to the input, the previous layer's δ (BP2) and ∂C/∂W and ∂C/∂b");
    pr_line(p, " * (BP3, BP4).  Sets m->grad to the batch mean gradient; returns the mean loss. */");
    pr_line(p, "float %s_forward_backward(%s_model *m, const float *x, const float *y, int n)",
            e->name, e->name);
    pr_block(p);
    pr_line(p, "%s_part_prepare(m, 0, 1);", e->name);
    pr_line(p, "%s_part_errors(m, x, y, n, 0, 1);", e->name);
    pr_line(p, "%s_part_gradients(m, x, n, 0, 1);", e->name);
    pr_line(p, "return %s_batch_loss(m, n);", e->name);
    pr_close(p);
    pr_blank(p);
}

static void emit_dropout_switch(const struct emit *e)
{
    struct printer *p = e->p;
    pr_blank(p);
    pr_line(p, "void %s_dropout(%s_model *m, int training, uint64_t key)", e->name, e->name);
    pr_block(p);
    pr_line(p, "m->training = training;");
    pr_line(p, "m->dropout_key = key;");
    pr_close(p);
}

static void emit_source(const struct emit *e)
{
    struct printer *p = e->p;
    char batch[NETC_MAX_NAME + 16];
    snprintf(batch, sizeof batch, "%s_BATCH", e->up);
    emit_source_prelude(e, "the network as specialised C: init, forward, backward, update.",
                        batch, e->net->batch);
    emit_optimizer_constants(e);
    emit_rng(e);
    emit_init(e);
    pr_blank(p);
    if (network_has_dropout(e->net))
        emit_dropout_keeps(e);
    for (int l = 0; l < e->net->nlayers; l++) {
        const struct layer *L = &e->net->layers[l];
        emit_layer_forward(e, l);
        pr_blank(p);
        if (L->kind == LAYER_CONV)
            emit_conv_delta_positions(e, l);
        if (layer_sends_error_back(e->net, l)) {
            emit_layer_backward(e, l);
            pr_blank(p);
        }
        if (layer_has_weights(L)) {
            emit_layer_gradients(e, l);
            pr_blank(p);
        }
    }
    emit_row_losses(e);
    pr_blank(p);
    emit_output_delta(e);
    pr_blank(p);
    emit_forward_rows(e);
    emit_part_forward(e);
    emit_part_prepare(e);
    emit_part_errors(e);
    emit_part_gradients(e);
    emit_public_forward_loss(e);
    emit_forward_backward(e);
    emit_optimizer_step(e);
    pr_blank(p);
    emit_update(e);
    if (network_has_dropout(e->net))
        emit_dropout_switch(e);
}

static void emit_main_file(const struct emit *e)
{
    emit_provenance(e, "_main.c", "the trainer: the model's description for the runtime, and main.");
    emit_main(e);
}

int emit_model(const struct network *net, const char *outdir, const char *command_line,
               int plain, char *errbuf, size_t errlen)
{
    static const struct emit_file files[] = {
        { ".h", emit_header },
        { "_kernels.h", emit_kernels_header },
        { ".c", emit_source },
        { "_main.c", emit_main_file },
    };
    struct emit e;
    if (emit_validate(net, errbuf, errlen) != 0)
        return -1;
    emit_start(&e, net, command_line);
    e.plain = plain;
    return emit_write_files(&e, outdir, files, (int)(sizeof files / sizeof files[0]), errbuf,
                            errlen);
}
