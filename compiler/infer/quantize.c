/* quantize.c - int8 weights and calibrated input scales, the int8 arithmetic on the
 * host, and the error table (see quantize.h for the scheme). */
#include "infer/quantize.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "emit/emit.h"
#include "emit/printer.h"
#include "infer/reference.h"
#include "describe/summary.h"

long long quant_layer_bytes(const struct layer *L)
{
    if (!layer_has_weights(L))
        return 0;                           /* pooling, dropout */
    return (long long)(L->fan_in + 3) / 4 * 4 * L->units  /* Wq, int8, in groups of 4 inputs */
           + 4LL * L->units + 4LL * L->units    /* s_w and the bias, float */
           + 2 * 4;                         /* s_x and 1 / s_x */
}

long long quant_weight_bytes(const struct network *net)
{
    long long bytes = 0;
    for (int l = 0; l < net->nlayers; l++)
        bytes += quant_layer_bytes(&net->layers[l]);
    return bytes;
}

/* Row o of W (from W^T[fan_in][units]: a dense layer's output o, a conv layer's filter o)
 * to int8 with its own scale; returns Σ_i |Wq[o][i]|. */
static long long quantize_row(const struct layer *L, const float *wt, int o, int8_t *wq,
                              float *scale)
{
    double max = 0;
    long long sum = 0;
    for (int i = 0; i < L->fan_in; i++)
        max = fmax(max, fabs(wt[(size_t)i * L->units + o]));
    const float s = (float)(max / 127);
    *scale = s > 0 ? s : 1.0f;      /* an all-zero (or all but) row quantises to 0 */
    for (int i = 0; i < L->fan_in; i++) {
        double v = round(wt[(size_t)i * L->units + o] / (double)*scale);
        wq[i] = (int8_t)(v > 127 ? 127 : v < -127 ? -127 : v);
        sum += abs(wq[i]);
    }
    return sum;
}

/* Layer l's weights; -1 when its int32 sums could overflow: |xq| <= 127, so a row's sum
 * is at most 127·Σ_i |Wq[o][i]|. */
static int quantize_weights(const struct network *net, const struct export_weights *w, int l,
                            struct quant_layer *ql, char *errbuf, size_t errlen)
{
    const struct layer *L = &net->layers[l];
    if (!layer_has_weights(L))
        return 0;
    ql->wq = malloc((size_t)L->fan_in * (size_t)L->units);
    ql->w_scale = malloc((size_t)L->units * sizeof *ql->w_scale);
    if (!ql->wq || !ql->w_scale)
        return emit_fail(errbuf, errlen, "out of memory quantising layer '%s'", L->name);
    for (int o = 0; o < L->units; o++) {
        long long bound = 127 * quantize_row(L, w->wt[l], o, ql->wq + (size_t)o * L->fan_in,
                                             &ql->w_scale[o]);
        if (bound > INT32_MAX)
            return emit_fail(errbuf, errlen, "layer '%s' (line %d): its int8 sums could reach %lld, "
                        "beyond int32\nhint: int8 export supports layers of up to 133,144 "
                        "inputs (and wider ones with small weights)", L->name, L->line, bound);
    }
    return 0;
}

/* s_x from the largest |x| of each layer's input over the samples, the float network's
 * (a conv layer's columns hold its input's values and zeros: the same largest |x|).
 * Pooling and dropout run in float: their s_x is unused. */
static int calibrate(const struct network *net, const struct export_weights *w,
                     const struct calibration_set *c, struct quantized *q, char *errbuf,
                     size_t errlen)
{
    double **acts = ref_alloc(net);
    if (!acts)
        return emit_fail(errbuf, errlen, "out of memory calibrating");
    for (int s = 0; s < c->n; s++) {
        ref_forward(net, w, c->x + (size_t)s * net->input_size, acts);
        for (int l = 0; l < net->nlayers; l++)
            for (int i = 0; i < net->layers[l].in; i++)
                q->layers[l].x_max = fmax(q->layers[l].x_max, fabs(acts[l][i]));
    }
    free(acts);
    for (int l = 0; l < net->nlayers; l++) {
        struct quant_layer *ql = &q->layers[l];
        /* an input that is always 0 (or too small for a float scale) quantises to 0 anyway */
        const double scale = ql->x_max > 1e-30 ? ql->x_max / 127 : 1.0;
        ql->x_scale = (float)scale;
        ql->x_inv_scale = (float)(1 / scale);
    }
    return 0;
}

int quantize_int8(const struct network *net, const struct export_weights *w,
                  const struct calibration_set *c, struct quantized *q, char *errbuf,
                  size_t errlen)
{
    memset(q, 0, sizeof *q);
    q->calibration = c->source;
    q->n_calibration = c->n;
    q->layers = calloc((size_t)net->nlayers, sizeof *q->layers);
    if (!q->layers)
        return emit_fail(errbuf, errlen, "out of memory quantising");
    for (int l = 0; l < net->nlayers; l++)
        if (quantize_weights(net, w, l, &q->layers[l], errbuf, errlen) < 0)
            return -1;
    return calibrate(net, w, c, q, errbuf, errlen);
}

void quantize_free(const struct network *net, struct quantized *q)
{
    for (int l = 0; q->layers && l < net->nlayers; l++) {
        free(q->layers[l].wq);
        free(q->layers[l].w_scale);
    }
    free(q->layers);
    memset(q, 0, sizeof *q);
}

/* ---- the int8 arithmetic, as NAME.c does it ---- */

/* NAME.c's quantize(): float operations in the same order, so the same roundings.  The
 * clamps come first (a NaN becomes -127) and round half away from zero. */
static int8_t quantize_value(float x, float inv_scale)
{
    float v = x * inv_scale;
    v = v > -127.0f ? v : -127.0f;
    v = v < 127.0f ? v : 127.0f;
    return (int8_t)(v + (v >= 0.0f ? 0.5f : -0.5f));
}

/* Output o back in float from its int32 sum: s_x·s_w[o]·acc + b[o], as NAME.c's
 * dequantize(). */
static float dequantize_value(int32_t acc, const struct quant_layer *ql, int o, float bias)
{
    const float scale = ql->x_scale * ql->w_scale[o];
    return (float)acc * scale + bias;
}

/* A dense layer: z = s_x·s_w[o]·Σ_i Wq[o][i]·xq[i] + b[o]. */
static void quant_dense(const struct layer *L, const struct quant_layer *ql, const float *bias,
                        const int8_t *xq, double *z)
{
    for (int o = 0; o < L->out; o++) {
        const int8_t *row = ql->wq + (size_t)o * L->in;
        int32_t acc = 0;        /* quantize_weights checked that it cannot overflow */
        for (int i = 0; i < L->in; i++)
            acc += (int32_t)row[i] * xq[i];
        z[o] = dequantize_value(acc, ql, o, bias[o]);
    }
}

/* A conv layer: at every output position the dense sum over the quantised input under
 * the kernel there (0 in the padding), k = (c·KH + i)·KW + j as Wq's rows run. */
static void quant_conv(const struct layer *L, const struct quant_layer *ql, const float *bias,
                       const int8_t *xq, double *z)
{
    const int C = L->in_shape[DIM_C], IH = L->in_shape[DIM_H], IW = L->in_shape[DIM_W];
    const int OH = L->out_shape[DIM_H], OW = L->out_shape[DIM_W];
    for (int o = 0; o < L->units; o++)
        for (int y = 0; y < OH; y++)
            for (int x = 0; x < OW; x++) {
                const int8_t *row = ql->wq + (size_t)o * L->fan_in;
                int32_t acc = 0;
                for (int c = 0, k = 0; c < C; c++)
                    for (int i = 0; i < L->kernel[0]; i++)
                        for (int j = 0; j < L->kernel[1]; j++, k++) {
                            const int iy = y * L->stride[0] - L->padding[0] + i;
                            const int ix = x * L->stride[1] - L->padding[1] + j;
                            if (iy >= 0 && iy < IH && ix >= 0 && ix < IW)
                                acc += (int32_t)row[k] *
                                       xq[((size_t)c * IH + (size_t)iy) * IW + (size_t)ix];
                        }
                z[((size_t)o * OH + (size_t)y) * OW + (size_t)x] =
                    dequantize_value(acc, ql, o, bias[o]);
            }
}

/* Layer L from the float values in: dense and conv in int8 (the input quantised into
 * xq), then the activation (in double, rounded to float as NAME.c stores it); pooling
 * and dropout in float, as NAME.c runs them. */
static void quant_layer(const struct layer *L, const struct quant_layer *ql, const float *bias,
                        const double *in, int8_t *xq, double *a)
{
    if (layer_has_weights(L))
        for (int i = 0; i < L->in; i++)
            xq[i] = quantize_value((float)in[i], ql->x_inv_scale);
    switch (L->kind) {
    case LAYER_DENSE: quant_dense(L, ql, bias, xq, a); break;
    case LAYER_CONV: quant_conv(L, ql, bias, xq, a); break;
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL: ref_pool(L, in, a, 1); break;
    case LAYER_DROPOUT: memcpy(a, in, (size_t)L->out * sizeof *a); break;
    }
    ref_activate(L, a);
    for (int o = 0; o < L->out; o++)
        a[o] = (float)a[o];
}

void quant_forward(const struct network *net, const struct export_weights *w,
                   const struct quantized *q, const float *x, double **acts)
{
    int widest = 1;
    for (int l = 0; l < net->nlayers; l++)
        widest = net->layers[l].in > widest ? net->layers[l].in : widest;
    int8_t *xq = malloc((size_t)widest);
    if (!xq) {                          /* out of memory: NaN, which no check lets pass */
        for (int l = 0; l < net->nlayers; l++)
            for (int o = 0; o < net->layers[l].out; o++)
                acts[l + 1][o] = NAN;
        return;
    }
    for (int j = 0; j < net->input_size; j++) {
        float v = x[j];
        if (w->n_scale)                 /* NAME.c's xs[k] = (x[k] - offset) / range, in float */
            v = (v - w->scale_offset[j]) / w->scale_range[j];
        acts[0][j] = v;
    }
    for (int l = 0; l < net->nlayers; l++)
        quant_layer(&net->layers[l], &q->layers[l], w->bias[l], acts[l], xq, acts[l + 1]);
    free(xq);
}

/* ---- the error table ---- */

/* The class of an output row, as the trainer's netc_predicted_class. */
static int class_of(const double *out, int n)
{
    int best = 0;
    if (n == 1)
        return out[0] >= 0.5;
    for (int k = 1; k < n; k++)
        best = out[k] > out[best] ? k : best;
    return best;
}

struct layer_error {
    double max, sum;
};

struct agreement {
    int same, float_right, int8_right;
};

/* Runs every sample through both networks, accumulating err[l] and the classes. */
static void compare(const struct network *net, const struct export_weights *w,
                    const struct quantized *q, const struct calibration_set *c,
                    double **ref, double **got, struct layer_error *err, struct agreement *agree)
{
    const int L = net->nlayers, n_out = net->layers[L - 1].out;
    for (int s = 0; s < c->n; s++) {
        const float *x = c->x + (size_t)s * net->input_size;
        ref_forward(net, w, x, ref);
        quant_forward(net, w, q, x, got);
        for (int l = 0; l < L; l++)
            for (int o = 0; o < net->layers[l].out; o++) {
                const double d = fabs(got[l + 1][o] - ref[l + 1][o]);
                err[l].max = d > err[l].max || isnan(d) ? d : err[l].max;
                err[l].sum += d;
            }
        const int want = class_of(ref[L], n_out), have = class_of(got[L], n_out);
        agree->same += want == have;
        agree->float_right += c->labels && want == c->labels[s];
        agree->int8_right += c->labels && have == c->labels[s];
    }
}

/* "784 -> 16"; an image layer's "6x28x28 -> 6x14x14". */
static void shape_text(const struct layer *L, char *buf, size_t n)
{
    const int *i = L->in_shape, *o = L->out_shape;
    if (layer_is_spatial(L))
        snprintf(buf, n, "%dx%dx%d -> %dx%dx%d", i[DIM_C], i[DIM_H], i[DIM_W], o[DIM_C], o[DIM_H],
                 o[DIM_W]);
    else
        snprintf(buf, n, "%d -> %d", L->in, L->out);
}

/* The shape column's width: 14, or the longest shape's. */
static int shape_width(const struct network *net)
{
    char shape[64];
    int width = 14;
    for (int l = 0; l < net->nlayers; l++) {
        shape_text(&net->layers[l], shape, sizeof shape);
        width = (int)strlen(shape) > width ? (int)strlen(shape) : width;
    }
    return width;
}

static void print_table(FILE *out, const struct network *net, const struct quantized *q,
                        const struct layer_error *err, int n)
{
    char shape[64], fb[32], qb[32], scale[48];
    long long float_total = 0, int8_total = 0;
    const int sw = shape_width(net);
    fprintf(out, "%-12s %-*s %13s %11s  %-22s %10s %10s\n", "layer", sw, "shape", "float32 bytes",
            "int8 bytes", "input scale (max |x|)", "max error", "mean error");
    for (int l = 0; l < net->nlayers; l++) {
        const struct layer *L = &net->layers[l];
        const long long fbytes = 4 * layer_param_count(L);
        float_total += fbytes;
        int8_total += quant_layer_bytes(L);
        shape_text(L, shape, sizeof shape);
        if (layer_has_weights(L))
            snprintf(scale, sizeof scale, "%.4g (%.4g)", (double)q->layers[l].x_scale,
                     q->layers[l].x_max);
        else
            snprintf(scale, sizeof scale, "- (runs in float)");
        fprintf(out, "%-12s %-*s %13s %11s  %-22s %10.3g %10.3g\n", L->name, sw, shape,
                summary_grouped(fbytes, fb, sizeof fb),
                summary_grouped(quant_layer_bytes(L), qb, sizeof qb), scale, err[l].max,
                err[l].sum / ((double)n * L->out));
    }
    snprintf(scale, sizeof scale, "(%.1f%% of float32)",
             100.0 * (double)int8_total / (double)float_total);
    fprintf(out, "%-12s %-*s %13s %11s  %s\n", "total", sw, "",
            summary_grouped(float_total, fb, sizeof fb), summary_grouped(int8_total, qb, sizeof qb),
            scale);
}

void quantize_report(FILE *out, const struct network *net, const struct export_weights *w,
                     const struct quantized *q, const struct calibration_set *c)
{
    double **ref = ref_alloc(net), **got = ref_alloc(net);
    struct layer_error *err = calloc((size_t)net->nlayers, sizeof *err);
    struct agreement agree = { 0, 0, 0 };
    if (!ref || !got || !err || c->n < 1) {
        fprintf(out, "netc: no error table (%s)\n", c->n < 1 ? "no samples" : "out of memory");
        free(ref), free(got), free(err);
        return;
    }
    compare(net, w, q, c, ref, got, err, &agree);
    fprintf(out, "int8 quantisation of %s, calibrated on %d sample%s of %s;\n"
            "errors: |int8 - float| of each layer's activation on those samples\n", net->name,
            c->n, c->n == 1 ? "" : "s", c->source);
    print_table(out, net, q, err, c->n);
    if (network_is_regression(net)) {   /* values, not classes: the last row says it all */
        fprintf(out, "values: a regression network's outputs differ by the %s row's errors\n",
                net->layers[net->nlayers - 1].name);
        free(ref);
        free(got);
        free(err);
        return;
    }
    fprintf(out, "classes: int8 agrees with float on %d of %d samples (%.2f%%)", agree.same, c->n,
            100.0 * agree.same / c->n);
    if (c->labels)
        fprintf(out, "; accuracy on them: float %.2f%%, int8 %.2f%%",
                100.0 * agree.float_right / c->n, 100.0 * agree.int8_right / c->n);
    fprintf(out, "\n");
    free(ref);
    free(got);
    free(err);
}
