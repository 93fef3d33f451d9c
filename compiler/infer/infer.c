/* infer.c - `--emit infer`: the forward pass alone, with trained weights baked in.
 *
 * NAME.h and NAME.c for other programs: no allocation, no runtime library, only the C
 * standard headers.  The layers' forward functions and the kernels are the trainer's own
 * printers (emit/layer.c, emit/kernels.c), called on constant weight arrays instead of
 * the model struct, so on the same machine and flags the outputs are the trainer's, bit
 * for bit.  Weights are written as the shortest decimal that reads back as the same
 * float, in the trainer's transposed layout W^T[IN][OUT].
 *
 * With --quantize int8 (e->quant) the layers and their weights are int8.c's; NAME.h,
 * forward(), the entry points and the self-test are this file's for both.
 */
#include "infer/infer.h"
#include "infer/infer_internal.h"
#include "infer/weights.h"
#include "infer/quantize.h"
#include "infer/reference.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Scratch per sample in floats: z of the widest layer with weights, the hidden
 * activations by turns in h0 (layers 1, 3, ...) and h1 (layers 2, 4, ...), whatever their
 * kind (an image is C·H·W values), and the scaled input when the network scales its
 * inputs; for conv layers, the largest one's columns (cols: POS·FAN_IN; for int8
 * POS·KP bytes, KP = FAN_IN rounded up to a multiple of 4) and, for int8, position-major
 * z (zt: POS·OUT_C) and the widest input of a layer with weights, quantised (xq: bytes,
 * a dense layer's rounded up to a multiple of 4, a conv layer's image with its padding).  An unused array still takes one float. */
struct scratch {
    int max_out, h0, h1, scaled_in, xq;
    int cols, zt;           /* 0 without conv layers (zt: and in float) */
};

/* The largest of *max and v, into *max. */
static void widen(int *max, long long v)
{
    *max = v > *max ? (int)v : *max;
}

/* A conv layer's input image with its padding, the int8 export's quantised copy. */
static long long padded_image(const struct layer *L)
{
    return (long long)L->in_shape[DIM_C] * (L->in_shape[DIM_H] + 2 * L->padding[0]) *
           (L->in_shape[DIM_W] + 2 * L->padding[1]);
}

static struct scratch scratch_of(const struct emit *e)
{
    struct scratch s = { 1, 1, 1, 0, 0, 0, 0 };
    for (int l = 0; l < e->net->nlayers; l++) {
        const struct layer *L = &e->net->layers[l];
        const int out = L->out;
        if (layer_has_weights(L)) {
            widen(&s.max_out, out);
            if (e->quant)
                widen(&s.xq, L->kind == LAYER_CONV ? padded_image(L) : (L->in + 3) / 4 * 4);
        }
        if (L->kind == LAYER_CONV) {
            const long long pos = (long long)L->out_shape[DIM_H] * L->out_shape[DIM_W];
            widen(&s.cols, pos * (e->quant ? (L->fan_in + 3) / 4 * 4 : L->fan_in));
            if (e->quant)
                widen(&s.zt, pos * L->units);
        }
        if (l == e->net->nlayers - 1)
            continue;
        if (l % 2 == 0)
            s.h0 = out > s.h0 ? out : s.h0;
        else
            s.h1 = out > s.h1 ? out : s.h1;
    }
    s.scaled_in = e->weights->n_scale ? e->net->input_size : 0;
    return s;
}

static long long scratch_bytes(const struct scratch *s, const struct emit *e)
{
    return 4 * ((long long)s->max_out + s->h0 + s->h1 + s->scaled_in + s->zt) + s->xq +
           (e->quant ? 1LL : 4LL) * s->cols;
}

/* Samples per chunk of NAME_predict_batch: as many as fit 16 KiB of scratch, 1 to 64;
 * for int8 a multiple of 4 when that is 4 or more (whole blocks for dense_i8). */
static int chunk_of(const struct scratch *s, const struct emit *e)
{
    long long c = 16384 / scratch_bytes(s, e);
    if (s->xq && c >= 4)
        c -= c % 4;
    return c < 1 ? 1 : c > 64 ? 64 : (int)c;
}

/* The rows the matrix products' register blocks are made for: a chunk of samples, or
 * with conv layers their B·POS rows (POS: the fewest positions of a conv layer), which
 * the products run over most. */
static int block_rows(const struct emit *e, const struct scratch *s)
{
    int pos = 0;
    for (int l = 0; l < e->net->nlayers; l++) {
        const struct layer *L = &e->net->layers[l];
        const int p = L->out_shape[DIM_H] * L->out_shape[DIM_W];
        if (L->kind == LAYER_CONV && (pos == 0 || p < pos))
            pos = p;
    }
    return chunk_of(s, e) * (pos ? pos : 1);
}

/* The kernels' locals: register blocks of 384 bytes, which stay in registers with AVX
 * (32-byte frames) but are spilled, one set per inlined instance, where a vector is two
 * SSE registers or emulated: 2.3 KB with gcc -O2 on x86-64 (tests/e2e/export.sh). */
enum { LOCALS_BYTES = 3072 };

/* A dense first layer's skipping of zero inputs (sparse.h's input_product) adds its
 * lists of inputs, 544 bytes for each of its inlined row counts, and their register
 * blocks: 3.0 KB more with gcc -O2 and -Os on x86-64, 3.2 KB at -O1, 0.5 KB with AVX
 * (measured with -fstack-usage, tests/e2e/export.sh).  Not in the int8 export. */
enum { SPARSE_LOCALS_BYTES = 4096 };

/* The kernels' locals of this export. */
static long long locals_bytes(const struct emit *e)
{
    const struct network *net = e->net;
    const int sparse = !e->quant && net->nlayers > 0 && net->layers[0].kind == LAYER_DENSE;
    return LOCALS_BYTES + (sparse ? SPARSE_LOCALS_BYTES : 0);
}

/* What the stack figures allow for them: two instances, because an entry point may take
 * an inlined copy of layers besides the one it calls (gcc -O3 without -march inlines
 * mnist's first layer into NAME_predict_batch: a 22,528-byte frame, 10,240 of them
 * spilled locals, then 2,504 more in the layer it calls; a conv export's forward takes
 * 2,464 bytes there against 160 at -O2; tests/e2e/export.sh). */
static long long stack_locals_bytes(const struct emit *e)
{
    return 2 * locals_bytes(e);
}
enum { N_SELFTEST = 3 };        /* samples recorded for NAME_selftest */

/* Multiply-adds per sample: a dense layer's IN·OUT, a conv layer's FAN_IN·OUT_C at each
 * of its POS positions; pooling and dropout have none. */
static long long macs(const struct network *net)
{
    long long m = 0;
    for (int l = 0; l < net->nlayers; l++) {
        const struct layer *L = &net->layers[l];
        if (L->kind == LAYER_DENSE)
            m += (long long)L->in * L->out;
        else if (L->kind == LAYER_CONV)
            m += (long long)L->fan_in * L->units * L->out_shape[DIM_H] * L->out_shape[DIM_W];
    }
    return m;
}

static int has_conv(const struct network *net)
{
    for (int l = 0; l < net->nlayers; l++)
        if (net->layers[l].kind == LAYER_CONV)
            return 1;
    return 0;
}

static int all_dense(const struct network *net)
{
    for (int l = 0; l < net->nlayers; l++)
        if (net->layers[l].kind != LAYER_DENSE)
            return 0;
    return 1;
}

static int one_output(const struct network *net)
{
    return net->layers[net->nlayers - 1].out == 1;
}

/* Bytes of constant weights: floats, or the int8 export's quantised weights and scales. */
static long long weight_bytes(const struct emit *e)
{
    return e->quant ? quant_weight_bytes(e->net) : 4 * network_param_count(e->net);
}

/* ---- NAME.h ---- */

static void emit_infer_doc(const struct emit *e, const struct scratch *s, int chunk)
{
    const struct network *net = e->net;
    const struct layer *last = &net->layers[net->nlayers - 1];
    struct printer *p = e->p;
    const char *n = e->name;
    char what[256];
    const int *image = net->layers[0].in_shape;     /* C, H, W */
    if (net->input_rank > 1)
        pr_line(p, "/* The network \"%s\": %d inputs (an image of %d x %d x %d), %d layers.", n,
                net->input_size, image[DIM_C], image[DIM_H], image[DIM_W], net->nlayers);
    else
        pr_line(p, "/* The network \"%s\": %d inputs, %d %slayers.", n, net->input_size,
                net->nlayers, all_dense(net) ? "dense " : "");
    pr_line(p, " *");
    for (int l = 0; l < net->nlayers; l++) {
        const struct layer *L = &net->layers[l];
        emit_layer_description(L, what, sizeof what);
        pr_line(p, " *   layer %d, \"%s\": %s", l + 1, L->name, what);
    }
    pr_line(p, " *");
    if (e->weights->n_scale)
        pr_line(p, " * Input: %s_N_INPUT floats, raw features: the code scales them as the trainer "
                "did", e->up);
    else if (net->data.format == DATA_CSV)
        pr_line(p, " * Input: %s_N_INPUT floats, the features as in the training CSV.", e->up);
    else {
        pr_line(p, " * Input: %s_N_INPUT floats, as the trainer's forward pass gets them: each IDX"
                " image byte", e->up);
        pr_line(p, " * times (1.0f / 255.0f) (not / 255.0f, which rounds differently for some bytes).");
    }
    if (e->weights->n_scale)
        pr_line(p, " *   (x - %s) / %s, with the training set's statistics baked in).",
                e->weights->scale == SCALE_UNIT ? "min" : "mean",
                e->weights->scale == SCALE_UNIT ? "(max - min)" : "std");
    if (net->input_rank > 1)
        pr_line(p, " * An image's values in channels x height x width order, row-major (PyTorch's).");
    pr_line(p, " * Output: %s_N_OUTPUT floats, the %s activation of the last layer%s.", e->up,
            activation_name(last->act),
            one_output(net) ? "" : ", one per class");
    if (one_output(net))
        pr_line(p, " * %s_classify: 1 if the output is >= 0.5, else 0.", n);
    else
        pr_line(p, " * %s_classify: the index of the largest output (the first of equals).", n);
    pr_line(p, " *");
    if (e->quant) {
        pr_line(p, " * Memory: %lld bytes of constant weights (flash, %s_WEIGHT_BYTES): int8 weights,",
                weight_bytes(e), e->up);
        pr_line(p, " *   a float scale per output and per layer, float biases; %.1f%% of the %lld",
                100.0 * (double)weight_bytes(e) / (4.0 * (double)network_param_count(net)),
                4 * network_param_count(net));
        pr_line(p, " *   bytes of the float32 weights.  No static RAM.");
    } else {
        pr_line(p, " * Memory: %lld bytes of constant weights (flash: %lld floats); no static RAM.",
                weight_bytes(e), network_param_count(net));
    }
    pr_line(p, " *   %s_predict and %s_classify use at most %lld bytes of stack (%s_STACK_BYTES),",
            n, n, scratch_bytes(s, e) + stack_locals_bytes(e) + 4LL * last->out, e->up);
    pr_line(p, " *   %s_predict_batch at most %lld (%s_BATCH_STACK_BYTES): %d samples at a time;",
            n, chunk * scratch_bytes(s, e) + stack_locals_bytes(e), e->up, chunk);
    pr_line(p, " *   both counts include %lld bytes for the kernels' locals.", stack_locals_bytes(e));
    pr_line(p, " * Work: %lld multiply-adds per sample (%s_MACS).", macs(net), e->up);
    if (e->quant) {
        pr_line(p, " * Quantised to int8: the weights and each layer's input, with sums in int32 and");
        pr_line(p, " * biases and activations in float (%s.c says how).  Outputs approximate the", n);
        pr_line(p, " * float network's; netc printed the error of each layer when it exported this.");
        pr_line(p, " * x and out must not overlap.  Thread-safe: no state.");
    } else {
        pr_line(p, " * Outputs match the netc trainer's bit for bit when compiled with the same");
        pr_line(p, " * compiler and flags; x and out must not overlap.  Thread-safe: no state.");
    }
    pr_line(p, " *");
    pr_line(p, " * Usage:");
    pr_line(p, " *   #include \"%s.h\"", n);
    pr_line(p, " *   float x[%s_N_INPUT] = { ... }, y[%s_N_OUTPUT];", e->up, e->up);
    pr_line(p, " *   %s_predict(x, y);                   (y: the outputs)", n);
    pr_line(p, " *   int k = %s_classify(x);             (k: the class)", n);
    pr_line(p, " *   %s_predict_batch(xs, ys, n);        (n samples, row-major)", n);
    pr_line(p, " *   float err = %s_selftest();          (about 1e-6 on a correct port)", n);
    pr_line(p, " * and compile %s.c with your program (link with -lm). */", n);
    pr_blank(p);
}

/* "#define NAME_WHAT value   /+ comment +/", the comment formatted as printf would. */
static void define(const struct emit *e, const char *what, long long value, const char *fmt, ...)
    PR_PRINTF(4, 5);

static void define(const struct emit *e, const char *what, long long value, const char *fmt, ...)
{
    char text[160], comment[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(comment, sizeof comment, fmt, ap);
    va_end(ap);
    snprintf(text, sizeof text, "#define %s_%s %lld", e->up, what, value);
    pr_line(e->p, "%-44s /* %s */", text, comment);
}

static void emit_infer_header(const struct emit *e)
{
    const struct network *net = e->net;
    struct printer *p = e->p;
    const struct scratch s = scratch_of(e);
    const int chunk = chunk_of(&s, e);
    emit_header_open(e, ".h", "NETC_INFER", "a trained network for inference: sizes and entry points.");
    pr_line(p, "#ifdef __cplusplus");
    pr_line(p, "extern \"C\" {");
    pr_line(p, "#endif");
    pr_blank(p);
    emit_infer_doc(e, &s, chunk);
    pr_open(p, "enum");
    pr_line(p, "%s_N_INPUT = %d,       /* floats per input sample */", e->up, net->input_size);
    pr_line(p, "%s_N_OUTPUT = %d,      /* floats per output */", e->up,
            net->layers[net->nlayers - 1].out);
    pr_line(p, "%s_N_LAYER = %d,", e->up, net->nlayers);
    pr_line(p, "%s_CHUNK = %d          /* samples per step of %s_predict_batch */", e->up, chunk,
            e->name);
    pr_close_with(p, ";");
    define(e, "N_PARAM", network_param_count(net), "weights and biases");
    define(e, "WEIGHT_BYTES", weight_bytes(e), "constant data (flash)");
    define(e, "STACK_BYTES", scratch_bytes(&s, e) + stack_locals_bytes(e) +
           4LL * net->layers[net->nlayers - 1].out, "stack of %s_predict, %s_classify", e->name,
           e->name);
    define(e, "BATCH_STACK_BYTES", chunk * scratch_bytes(&s, e) + stack_locals_bytes(e),
           "stack of %s_predict_batch", e->name);
    define(e, "MACS", macs(net), "multiply-adds per sample");
    pr_blank(p);
    emit_layer_constants(e, 0);
    pr_line(p, "/* out[%s_N_OUTPUT] = the network's output for one sample x[%s_N_INPUT]. */",
            e->up, e->up);
    pr_line(p, "void %s_predict(const float *x, float *out);", e->name);
    pr_line(p, "/* The outputs of n samples (x: n rows of %s_N_INPUT, out: n rows of %s_N_OUTPUT). */",
            e->up, e->up);
    pr_line(p, "void %s_predict_batch(const float *x, float *out, int n);", e->name);
    pr_line(p, "/* The predicted class of one sample. */");
    pr_line(p, "int %s_classify(const float *x);", e->name);
    infer_class_names_declaration(e);
    pr_line(p, "/* The largest difference between %s_predict's outputs and those netc computed",
            e->name);
    pr_line(p, " * (%s) for %d inputs when it exported the network: about 1e-6",
            e->quant ? "with this int8 arithmetic" : "in double precision", N_SELFTEST);
    pr_line(p, " * from float rounding on a correct port; much more, or NaN, means a broken one. */");
    pr_line(p, "float %s_selftest(void);", e->name);
    pr_blank(p);
    pr_line(p, "#ifdef __cplusplus");
    pr_line(p, "}");
    pr_line(p, "#endif");
    pr_blank(p);
    pr_line(p, "#endif");
}

/* ---- NAME.c ---- */

static void emit_weights(const struct emit *e)
{
    const struct export_weights *w = e->weights;
    char size[200];
    char path[1024];
    comment_safe(path, sizeof path, w->path);
    pr_line(e->p, "/* The trained weights from %s, exactly: W^T[IN][OUT] (W transposed, as the",
            path);
    if (has_conv(e->net)) {
        pr_line(e->p, " * trainer keeps it) and bias[OUT] per dense layer; W^T[FAN_IN][OUT_C] and");
        pr_line(e->p, " * bias[OUT_C] per conv layer, W^T[k][o] = W[o][c][i][j] with k = (c·KH + i)·KW + j");
        pr_line(e->p, " * (torch's [out, in, kh, kw] flattened after out).  Pooling and dropout have none. */");
    } else {
        pr_line(e->p, " * trainer keeps it) and bias[OUT] per layer. */");
    }
    for (int l = 0; l < e->net->nlayers; l++) {
        const struct layer *L = &e->net->layers[l];
        const struct layer_names n = layer_names(e, l);
        if (!layer_has_weights(L))
            continue;
        snprintf(size, sizeof size, "%s * %s", n.fan_in, n.units);
        infer_float_array(e, n.weights, size, w->wt[l], (long long)L->fan_in * L->units);
        infer_float_array(e, n.bias, n.units, w->bias[l], L->units);
    }
    infer_input_scaling(e);
    pr_blank(e->p);
}

/* The exported forward pass: scratch buffers z, h0, h1 (hidden activations, by turns),
 * cols and zt (conv), the constant weights, and the caller's out for the last layer. */
static void infer_names(const struct emit *e, int layer, struct forward_names *n)
{
    const int last = layer == e->net->nlayers - 1;
    snprintf(n->z, sizeof n->z, "z");
    snprintf(n->a, sizeof n->a, "%s", last ? "out" : layer % 2 ? "h1" : "h0");
    if (layer == 0)
        snprintf(n->in, sizeof n->in, "%s", e->weights->n_scale ? "xs" : "x");
    else
        snprintf(n->in, sizeof n->in, "%s", (layer - 1) % 2 ? "h1" : "h0");
    const struct layer_names names = layer_names(e, layer);
    snprintf(n->wt, sizeof n->wt, "%s", names.weights);
    snprintf(n->bias, sizeof n->bias, "%s", names.bias);
    snprintf(n->cols, sizeof n->cols, "cols");
    snprintf(n->zt, sizeof n->zt, "zt");
}

/* dense: layerN_forward(z, a, in, xq, n); conv: (z, a, in, xq, cols, zt, n): the int8
 * layers name their own weights and take the scratch for their quantised input instead.
 * Pooling and dropout: (a, in, n) in float, as in the float export. */
static void emit_int8_forward_calls(const struct emit *e)
{
    for (int l = 0; l < e->net->nlayers; l++) {
        const struct layer_names n = layer_names(e, l);
        struct forward_names fn;
        infer_names(e, l, &fn);
        switch (e->net->layers[l].kind) {
        case LAYER_DENSE:
            pr_line(e->p, "%s(%s, %s, %s, xq, n);", n.forward, fn.z, fn.a, fn.in);
            break;
        case LAYER_CONV:
            pr_line(e->p, "%s(%s, %s, %s, xq, cols, zt, n);", n.forward, fn.z, fn.a, fn.in);
            break;
        default:
            pr_line(e->p, "%s(%s, %s, n);", n.forward, fn.a, fn.in);
            break;
        }
    }
}

/* The scratch arrays forward() takes after z, h0 and h1: ", cols" (conv; ", cols, zt" in
 * int8), ", xq" (int8), ", xs" (scaled inputs). */
static void more_scratch(const struct emit *e, char *buf, size_t n)
{
    const char *conv = !has_conv(e->net) ? "" : e->quant ? ", cols, zt" : ", cols";
    snprintf(buf, n, "%s%s%s", conv, e->quant ? ", xq" : "",
             e->weights->n_scale > 0 ? ", xs" : "");
}

static void emit_infer_forward(const struct emit *e)
{
    struct printer *p = e->p;
    const int L = e->net->nlayers;
    const int scaled = e->weights->n_scale > 0;
    const int conv = has_conv(e->net);
    pr_line(p, "/* out = the network's output for n samples of x, through the scratch arrays");
    pr_line(p, " * z (n rows of the widest layer), h0 and h1 (n rows of the widest hidden layer)%s%s%s. */",
            !conv ? "" : e->quant ? ", cols and zt (the largest conv layer's columns and position-major z)"
                                  : ", cols (the largest conv layer's columns)",
            e->quant ? ", xq (n rows of the widest layer's input, quantised)" : "",
            scaled ? " and xs (the scaled inputs)" : "");
    pr_line(p, "static void forward(const float *restrict x, float *restrict out, int n,");
    pr_line(p, "                    float *restrict z, float *restrict h0, float *restrict h1%s",
            conv || e->quant || scaled ? "," : ")");
    if (conv && e->quant)
        pr_line(p, "                    int8_t *restrict cols, float *restrict zt,");
    else if (conv)
        pr_line(p, "                    float *restrict cols%s", scaled ? "," : ")");
    if (e->quant)
        pr_line(p, "                    int8_t *restrict xq%s", scaled ? "," : ")");
    if (scaled)
        pr_line(p, "                    float *restrict xs)");
    pr_block(p);
    if (L < 2)
        pr_line(p, "(void)h0;");
    if (L < 3)
        pr_line(p, "(void)h1;");
    if (scaled) {
        pr_line(p, "/* the trainer's input scaling */");
        pr_line(p, "for (int k = 0; k < n * %s_N_INPUT; k++)", e->up);
        pr_line(p, "    xs[k] = (x[k] - %s_in_offset[k %% %s_N_INPUT]) / %s_in_range[k %% %s_N_INPUT];",
                e->name, e->up, e->name, e->up);
    }
    if (e->quant)
        emit_int8_forward_calls(e);
    else
        emit_forward_calls(e, infer_names, "n");
    pr_close(p);
    pr_blank(p);
}

/* The scratch arrays for rows samples, as local variables. */
static void emit_scratch(const struct emit *e, const char *rows)
{
    const struct scratch s = scratch_of(e);
    pr_line(e->p, "float z[%s * %d], h0[%s * %d], h1[%s * %d];", rows, s.max_out, rows, s.h0,
            rows, s.h1);
    if (s.cols && e->quant)
        pr_line(e->p, "int8_t cols[%s * %d];", rows, s.cols);
    if (s.cols && e->quant)
        pr_line(e->p, "float zt[%s * %d];", rows, s.zt);
    else if (s.cols)
        pr_line(e->p, "float cols[%s * %d];", rows, s.cols);
    if (s.xq)
        pr_line(e->p, "int8_t xq[%s * %d];", rows, s.xq);
    if (s.scaled_in)
        pr_line(e->p, "float xs[%s * %s_N_INPUT];", rows, e->up);
}

static void emit_entry_points(const struct emit *e)
{
    struct printer *p = e->p;
    const char *n = e->name;
    char xs[64];
    more_scratch(e, xs, sizeof xs);
    char chunk[NETC_MAX_NAME + 16];
    snprintf(chunk, sizeof chunk, "%s_CHUNK", e->up);
    pr_line(p, "void %s_predict(const float *x, float *out)", n);
    pr_block(p);
    emit_scratch(e, "1");
    pr_line(p, "forward(x, out, 1, z, h0, h1%s);", xs);
    pr_close(p);
    pr_blank(p);
    pr_line(p, "void %s_predict_batch(const float *x, float *out, int n)", n);
    pr_block(p);
    emit_scratch(e, chunk);
    pr_open(p, "for (int i = 0; i < n; i += %s)", chunk);
    pr_line(p, "const int m = n - i < %s ? n - i : %s;", chunk, chunk);
    pr_line(p, "forward(x + (size_t)i * %s_N_INPUT, out + (size_t)i * %s_N_OUTPUT, m, z, h0, h1%s);",
            e->up, e->up, xs);
    pr_close(p);
    pr_close(p);
    pr_blank(p);
    pr_line(p, "int %s_classify(const float *x)", n);
    pr_block(p);
    pr_line(p, "float out[%s_N_OUTPUT];", e->up);
    pr_line(p, "%s_predict(x, out);", n);
    if (one_output(e->net)) {
        pr_line(p, "return out[0] >= 0.5f;");
    } else {
        pr_line(p, "int best = 0;");
        pr_line(p, "for (int k = 1; k < %s_N_OUTPUT; k++)", e->up);
        pr_line(p, "    best = out[k] > out[best] ? k : best;");
        pr_line(p, "return best;");
    }
    pr_close(p);
}

/* ---- NAME_selftest ---- */

/* Sample s's input: pseudo-random floats in [0, 1), exact in 24 bits. */
static void selftest_input(const struct network *net, int s, float *x)
{
    uint64_t state = 0x9E3779B97F4A7C15ull * (uint64_t)(s + 1);
    for (int j = 0; j < net->input_size; j++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        x[j] = (float)((state >> 40) & 0xffffff) / 16777216.0f;
    }
}

static void emit_selftest(const struct emit *e)
{
    const struct network *net = e->net;
    const int n_out = net->layers[net->nlayers - 1].out;
    float *x = malloc((size_t)N_SELFTEST * net->input_size * sizeof *x);
    float *y = malloc((size_t)N_SELFTEST * n_out * sizeof *y);
    double **acts = ref_alloc(net);
    struct printer *p = e->p;
    char size[200], name[NETC_MAX_NAME + 16];
    if (!x || !y || !acts) {
        free(x), free(y), free(acts);
        pr_line(p, "#error netc ran out of memory writing the self-test");
        return;
    }
    for (int s = 0; s < N_SELFTEST; s++) {
        float *xs = x + (size_t)s * net->input_size;
        selftest_input(net, s, xs);
        if (e->quant)
            quant_forward(net, e->weights, e->quant, xs, acts);
        else
            ref_forward(net, e->weights, xs, acts);
        for (int k = 0; k < n_out; k++)
            y[(size_t)s * n_out + k] = (float)acts[net->nlayers][k];
    }
    pr_line(p, "/* The self-test: %d pseudo-random inputs and their outputs, computed by netc %s",
            N_SELFTEST, e->quant ? "with" : "in");
    pr_line(p, " * %s when it wrote this file. */", e->quant ?
            "this file's int8 arithmetic (quantize.c does it as this code does)" :
            "double precision from the same weights");
    snprintf(size, sizeof size, "%d * %s_N_INPUT", N_SELFTEST, e->up);
    snprintf(name, sizeof name, "%s_selftest_x", e->name);
    infer_float_array(e, name, size, x, (long long)N_SELFTEST * net->input_size);
    snprintf(size, sizeof size, "%d * %s_N_OUTPUT", N_SELFTEST, e->up);
    snprintf(name, sizeof name, "%s_selftest_y", e->name);
    infer_float_array(e, name, size, y, (long long)N_SELFTEST * n_out);
    pr_blank(p);
    pr_line(p, "float %s_selftest(void)", e->name);
    pr_block(p);
    pr_line(p, "float out[%s_N_OUTPUT], worst = 0.0f;", e->up);
    pr_open(p, "for (int s = 0; s < %d; s++)", N_SELFTEST);
    pr_line(p, "%s_predict(%s_selftest_x + s * %s_N_INPUT, out);", e->name, e->name, e->up);
    pr_open(p, "for (int k = 0; k < %s_N_OUTPUT; k++)", e->up);
    pr_line(p, "const float d = fabsf(out[k] - %s_selftest_y[s * %s_N_OUTPUT + k]);", e->name,
            e->up);
    pr_line(p, "worst = d <= worst ? worst : d;     /* a NaN is the worst */");
    pr_close(p);
    pr_close(p);
    pr_line(p, "return worst;");
    pr_close(p);
    free(x);
    free(y);
    free(acts);
}

static void emit_infer_source(const struct emit *e)
{
    struct printer *p = e->p;
    const struct scratch s = scratch_of(e);
    char chunk[NETC_MAX_NAME + 16], conv_rows[NETC_MAX_NAME + 64];
    snprintf(chunk, sizeof chunk, "%s_CHUNK", e->up);
    snprintf(conv_rows, sizeof conv_rows, "%s_CHUNK samples or their positions in a conv layer",
             e->up);
    if (e->quant) {
        emit_int8_layers(e);
    } else {
        emit_source_prelude(e, "a trained network's forward pass, weights included.",
                            has_conv(e->net) ? conv_rows : chunk, block_rows(e, &s));
        emit_weights(e);
        for (int l = 0; l < e->net->nlayers; l++) {
            emit_layer_forward(e, l);
            pr_blank(p);
        }
    }
    emit_infer_forward(e);
    emit_entry_points(e);
    pr_blank(p);
    infer_class_names_definition(e);
    emit_selftest(e);
}

/* The export's scratch is on the stack, and a conv layer's columns take POS·FAN_IN values
 * per sample: refuse a layer whose columns alone would pass COLUMNS_MAX (64 MiB of floats),
 * which no stack holds (and which keeps every size an int). */
enum { COLUMNS_MAX = 1 << 24 };

static int check_columns(const struct network *net, char *errbuf, size_t errlen)
{
    for (int l = 0; l < net->nlayers; l++) {
        const struct layer *L = &net->layers[l];
        const long long pos = (long long)L->out_shape[DIM_H] * L->out_shape[DIM_W];
        if (L->kind == LAYER_CONV && pos * L->fan_in > COLUMNS_MAX)
            return emit_fail(errbuf, errlen, "layer '%s' (line %d): its columns take %lld x %d = "
                             "%lld values per sample (output positions x C·KH·KW), more than "
                             "--emit infer's limit of %d (64 MiB of stack)\nhint: the exported "
                             "code keeps a conv layer's input under the kernel at every position "
                             "on the stack; a stride, fewer channels or a smaller kernel make it "
                             "smaller", L->name, L->line, pos, L->fan_in, pos * L->fan_in,
                             COLUMNS_MAX);
    }
    return 0;
}

int emit_infer(const struct network *net, const struct export_weights *w,
               const struct quantized *q, const char *outdir, const char *command_line,
               char *errbuf, size_t errlen)
{
    static const struct emit_file files[] = {
        { ".h", emit_infer_header },
        { ".c", emit_infer_source },
    };
    struct emit e;
    if (emit_validate(net, errbuf, errlen) != 0 || check_columns(net, errbuf, errlen) != 0)
        return -1;
    emit_start(&e, net, command_line);
    e.weights = w;
    e.quant = q;
    return emit_write_files(&e, outdir, files, (int)(sizeof files / sizeof files[0]), errbuf,
                            errlen);
}
