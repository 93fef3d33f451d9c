/* int8_integer.c - the fully integer network's constants from --quantize int8's weights
 * and scales, its arithmetic on the host, and how its classes compare with float's (see
 * int8_integer.h for the scheme). */
#include "infer/int8_integer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "emit/emit.h"
#include "describe/summary.h"
#include "infer/reference.h"

#include "kernels/int8_integer.h"      /* the very kernels NAME.c runs */

struct fixed_multiplier fixed_multiplier(double r)
{
    struct fixed_multiplier f = { 0, 0 };
    int e;
    if (!(r > 0))
        return f;
    long long m = llround(ldexp(frexp(r, &e), 31));    /* r = m / 2^(31 - e) */
    int shift = 31 - e;
    if (m == 1LL << 31) {
        m /= 2;
        shift--;
    }
    if (shift > 62) {                   /* tiny: fewer significant bits */
        m = llround(ldexp(r, 62));
        shift = 62;
    } else if (shift < 0) {             /* 2^31 or more: as large as it goes */
        m = INT32_MAX;
        shift = 0;
    }
    f.m = (int32_t)m;
    f.shift = shift;
    return f;
}

static int check_layers(const struct network *net, char *errbuf, size_t errlen)
{
    for (int l = 0; l < net->nlayers; l++) {
        const struct layer *L = &net->layers[l];
        if (l == net->nlayers - 1 && L->kind != LAYER_DENSE)
            return emit_fail(errbuf, errlen, "layer '%s' (line %d): --quantize int8-integer "
                             "needs a dense last layer (its sums give the class)", L->name,
                             L->line);
        if (L->act == ACT_SOFTMAX && l != net->nlayers - 1)
            return emit_fail(errbuf, errlen, "layer '%s' (line %d): --quantize int8-integer "
                             "computes softmax on the last layer only", L->name, L->line);
        if (!layer_has_weights(L) && L->act != ACT_LINEAR)
            return emit_fail(errbuf, errlen, "layer '%s' (line %d): --quantize int8-integer "
                             "runs no activation on a layer without weights", L->name, L->line);
    }
    return 0;
}

/* Whether layer l's z range matters: a table's input, or the last layer's logits. */
static int needs_z(const struct network *net, int l)
{
    const enum activation act = net->layers[l].act;
    return layer_has_weights(&net->layers[l]) &&
           (l == net->nlayers - 1 || act == ACT_SIGMOID || act == ACT_TANH ||
            act == ACT_LEAKY_RELU);
}

/* The largest |z| of each layer that needs it and the largest |a| of the output over c,
 * the float network's (z as reference.c computes it, from the layer's input). */
static int calibrate_ranges(const struct network *net, const struct export_weights *w,
                            const struct calibration_set *c, struct integer_net *iq,
                            double *a_max)
{
    double **acts = ref_alloc(net);
    int widest = 1;
    for (int l = 0; l < net->nlayers; l++)
        widest = net->layers[l].out > widest ? net->layers[l].out : widest;
    double *z = malloc((size_t)widest * sizeof *z);
    if (!acts || !z) {
        free(acts), free(z);
        return -1;
    }
    *a_max = 0;
    for (int s = 0; s < c->n; s++) {
        ref_forward(net, w, c->x + (size_t)s * net->input_size, acts);
        for (int l = 0; l < net->nlayers; l++) {
            const struct layer *L = &net->layers[l];
            if (!needs_z(net, l))
                continue;
            ref_weighted_sum(L, w->wt[l], w->bias[l], acts[l], z);
            for (int o = 0; o < L->out; o++)
                iq->layers[l].z_max = fmax(iq->layers[l].z_max, fabs(z[o]));
        }
        for (int o = 0; o < net->layers[net->nlayers - 1].out; o++)
            *a_max = fmax(*a_max, fabs(acts[net->nlayers][o]));
    }
    free(acts);
    free(z);
    return 0;
}

static double scale_of(double max)
{
    return max > 1e-30 ? max / 127 : 1.0;
}

/* s_a of layer l's activation: the next layer's s_x; for the output 1/127 where the
 * activation is within [-1, 1], else its largest |a| / 127. */
static double out_scale(const struct network *net, const struct quantized *q, int l,
                        double a_max)
{
    const enum activation act = net->layers[l].act;
    if (l < net->nlayers - 1)
        return q->layers[l + 1].x_scale;
    if (act == ACT_SIGMOID || act == ACT_TANH || act == ACT_SOFTMAX)
        return 1.0 / 127;
    return scale_of(a_max);
}

/* The z beyond which f(z) is within half a step s_a of its limit (sigmoid, tanh), so
 * that the table spends its 256 entries where f changes; HUGE_VAL for leaky_relu. */
static double z_saturation(enum activation act, double s_a)
{
    if (s_a >= 1)
        return HUGE_VAL;
    if (act == ACT_SIGMOID)
        return log(2 / s_a - 1);
    if (act == ACT_TANH)
        return atanh(1 - s_a / 2);
    return HUGE_VAL;
}

/* table[j] = round(f((j - 128)·s_z) / s_a), saturated to [-127, 127]. */
static void fill_table(const struct layer *L, struct integer_layer *il)
{
    double v[256];
    struct layer one = *L;
    one.out = 256;
    for (int j = 0; j < 256; j++)
        v[j] = (j - 128) * il->z_scale;
    ref_activate(&one, v);
    for (int j = 0; j < 256; j++) {
        const double r = round(v[j] / il->out_scale);
        il->table[j] = (int8_t)(r > 127 ? 127 : r < -127 ? -127 : r);
    }
}

/* m[o], shift[o] = s_x·s_w[o] / to, and bq[o]; -1 if acc could overflow. */
static int fill_rows(const struct layer *L, const struct quant_layer *ql, const float *bias,
                     double in_scale, double to, int32_t *m, uint8_t *shift, int32_t *bq)
{
    for (int o = 0; o < L->units; o++) {
        const double unit = in_scale * ql->w_scale[o];
        const struct fixed_multiplier f = fixed_multiplier(unit / to);
        const double b = round(bias[o] / unit);
        long long bound = fabs(b);
        for (int i = 0; i < L->fan_in; i++)
            bound += 127LL * abs(ql->wq[(size_t)o * L->fan_in + i]);
        if (bound > INT32_MAX)
            return -1;
        m[o] = f.m;
        shift[o] = (uint8_t)f.shift;
        bq[o] = (int32_t)b;
    }
    return 0;
}

static int alloc_rows(int n, int32_t **m, uint8_t **shift, int32_t **bias)
{
    *m = malloc((size_t)n * sizeof **m);
    *shift = malloc((size_t)n);
    if (bias)
        *bias = malloc((size_t)n * sizeof **bias);
    return *m && *shift && (!bias || *bias) ? 0 : -1;
}

static int weighted_layer(const struct network *net, const struct export_weights *w,
                       const struct quantized *q, int l, double a_max, struct integer_layer *il,
                       char *errbuf, size_t errlen)
{
    const struct layer *L = &net->layers[l];
    const enum activation act = L->act;
    il->out_scale = out_scale(net, q, l, a_max);
    il->how = act == ACT_RELU || act == ACT_LINEAR ? OUT_REQUANTIZE
              : act == ACT_SOFTMAX ? OUT_SOFTMAX : OUT_LOOKUP;
    il->lo = act == ACT_RELU ? 0 : -127;
    il->z_scale = scale_of(fmin(il->z_max, z_saturation(act, il->out_scale)));
    if (alloc_rows(L->units, &il->m, &il->shift, &il->bias) < 0)
        return emit_fail(errbuf, errlen, "out of memory quantising layer '%s'", L->name);
    if (il->how == OUT_LOOKUP)
        fill_table(L, il);
    if (fill_rows(L, &q->layers[l], w->bias[l], il->in_scale,
                  il->how == OUT_LOOKUP ? il->z_scale : il->out_scale, il->m, il->shift,
                  il->bias) < 0)
        return emit_fail(errbuf, errlen, "layer '%s' (line %d): its int32 sums with the "
                         "bias in their unit could pass 2^31 - 1\nhint: --quantize int8 keeps "
                         "the bias in float", L->name, L->line);
    return 0;
}

void integer_pow2_table(int32_t pow2[256])
{
    for (int f = 0; f < 256; f++)
        pow2[f] = (int32_t)llround(ldexp(exp2(-f / 256.0), 30));
}

/* The last layer's z in int32 at s_l, and what the classes and softmax read from it. */
static int output_layer(const struct network *net, const struct export_weights *w,
                        const struct quantized *q, struct integer_net *iq)
{
    const int l = net->nlayers - 1;
    const struct layer *L = &net->layers[l];
    const struct integer_layer *il = &iq->layers[l];
    int32_t *unused = malloc((size_t)L->units * sizeof *unused);
    if (!unused || alloc_rows(L->units, &iq->logit_m, &iq->logit_shift, NULL) < 0) {
        free(unused);
        return -1;
    }
    iq->logit_scale = scale_of(il->z_max) / 256;
    fill_rows(L, &q->layers[l], w->bias[l], il->in_scale, iq->logit_scale, iq->logit_m,
              iq->logit_shift, unused);       /* the bound: checked by weighted_layer */
    free(unused);
    iq->softmax_exp = fixed_multiplier(iq->logit_scale * 256 / log(2));
    integer_pow2_table(iq->pow2);
    iq->class_floor = L->act == ACT_RELU ? 0 : INT32_MIN;
    /* one output: class 1 when f(z) >= 0.5 */
    const double half = L->act == ACT_SIGMOID ? 0 : L->act == ACT_TANH ? atanh(0.5) : 0.5;
    iq->threshold = L->act == ACT_SOFTMAX ? INT32_MIN
                    : (int32_t)fmin(fmax(ceil(half / iq->logit_scale), -INT32_MAX), INT32_MAX);
    iq->output_scale = fixed_multiplier(il->out_scale);
    return 0;
}

/* IDX bytes as the trainer scales them (bytes / 255 unless the data block says scale
 * none), when no input statistics apply: NAME_quantize_image's multiplier. */
static void pixels(const struct network *net, const struct export_weights *w,
                   struct integer_net *iq)
{
    const int unit = net->data.format == DATA_NONE || net->data.scale == SCALE_UNIT;
    iq->pixels = net->data.format != DATA_CSV && !w->n_scale;
    iq->pixel = fixed_multiplier((unit ? 1.0 / 255 : 1.0) / iq->layers[0].in_scale);
    iq->input_scale = fixed_multiplier(iq->layers[0].in_scale);
}

int integer_quantize(const struct network *net, const struct export_weights *w,
                     const struct quantized *q, const struct calibration_set *c,
                     struct integer_net *iq, char *errbuf, size_t errlen)
{
    double a_max;
    memset(iq, 0, sizeof *iq);
    if (check_layers(net, errbuf, errlen) < 0)
        return -1;
    iq->layers = calloc((size_t)net->nlayers, sizeof *iq->layers);
    if (!iq->layers || calibrate_ranges(net, w, c, iq, &a_max) < 0)
        return emit_fail(errbuf, errlen, "out of memory quantising");
    double s = q->layers[0].x_scale;
    for (int l = 0; l < net->nlayers; l++) {
        struct integer_layer *il = &iq->layers[l];
        il->in_scale = s;
        il->out_scale = s;              /* pooling, dropout: the input's scale */
        if (layer_has_weights(&net->layers[l]) &&
            weighted_layer(net, w, q, l, a_max, il, errbuf, errlen) < 0)
            return -1;
        s = il->out_scale;
    }
    if (output_layer(net, w, q, iq) < 0)
        return emit_fail(errbuf, errlen, "out of memory quantising");
    pixels(net, w, iq);
    return 0;
}

void integer_free(const struct network *net, struct integer_net *iq)
{
    for (int l = 0; iq->layers && l < net->nlayers; l++) {
        free(iq->layers[l].bias);
        free(iq->layers[l].m);
        free(iq->layers[l].shift);
    }
    free(iq->layers);
    free(iq->logit_m);
    free(iq->logit_shift);
    memset(iq, 0, sizeof *iq);
}

long long integer_layer_bytes(const struct network *net, const struct integer_net *iq, int l)
{
    const struct layer *L = &net->layers[l];
    const enum integer_output how = iq->layers[l].how;
    if (!layer_has_weights(L))
        return 0;
    long long bytes = (long long)L->fan_in * L->units + 4LL * L->units;  /* Wq, bq */
    bytes += how == OUT_SOFTMAX ? 0 : (4 + 1) * (long long)L->units;    /* m, shift */
    bytes += how == OUT_LOOKUP ? 256 : 0;                               /* table */
    if (l == net->nlayers - 1)
        bytes += (4 + 1) * (long long)L->units + (how == OUT_SOFTMAX ? 4 * 256 : 0);
    return bytes;
}

long long integer_weight_bytes(const struct network *net, const struct integer_net *iq)
{
    long long bytes = 0;
    for (int l = 0; l < net->nlayers; l++)
        bytes += integer_layer_bytes(net, iq, l);
    return bytes;
}

/* ---- the arithmetic, as NAME.c does it ---- */

/* The widest of the input and every layer's output (values), of a layer's units (acc)
 * and of a conv layer's columns (col). */
struct widths {
    int values, units, fan_in;
};

static struct widths widths_of(const struct network *net)
{
    struct widths w = { net->input_size, 1, 1 };
    for (int l = 0; l < net->nlayers; l++) {
        const struct layer *L = &net->layers[l];
        w.values = L->out > w.values ? L->out : w.values;
        if (layer_has_weights(L)) {
            w.units = L->units > w.units ? L->units : w.units;
            w.fan_in = L->fan_in > w.fan_in ? L->fan_in : w.fan_in;
        }
    }
    return w;
}

/* a[o·stride] = f of the sums acc[o] of one position, o < N (not softmax). */
static void activate(const struct integer_layer *il, int8_t *a, const int32_t *acc, int N,
                     int stride)
{
    if (il->how == OUT_LOOKUP)
        lookup(a, acc, il->m, il->shift, il->table, N, stride);
    else
        requantize(a, acc, il->m, il->shift, N, stride, il->lo);
}

/* A conv layer, one output position at a time: its column, the sums, the activation. */
static void integer_conv(const struct layer *L, const struct quantized *q,
                         const struct integer_layer *il, int l, const int8_t *x, int8_t *a,
                         int32_t *acc, int8_t *col)
{
    const int *in = L->in_shape, OH = L->out_shape[DIM_H], OW = L->out_shape[DIM_W];
    for (int y = 0; y < OH; y++)
        for (int xo = 0; xo < OW; xo++) {
            column_int(col, x, in[DIM_C], in[DIM_H], in[DIM_W], L->kernel[0], L->kernel[1],
                       y * L->stride[0] - L->padding[0], xo * L->stride[1] - L->padding[1]);
            dense_int(acc, q->layers[l].wq, col, il->bias, L->units, L->fan_in);
            activate(il, a + (size_t)y * OW + xo, acc, L->units, OH * OW);
        }
}

/* Layer l from its int8 input x to its int8 activation a (acc, col: scratch; z: the last
 * layer's logits). */
static void integer_layer(const struct network *net, const struct quantized *q,
                          const struct integer_net *iq, int l, const int8_t *x, int8_t *a,
                          int32_t *acc, int8_t *col, int32_t *z)
{
    const struct layer *L = &net->layers[l];
    const struct integer_layer *il = &iq->layers[l];
    const int *in = L->in_shape, *out = L->out_shape;
    switch (L->kind) {
    case LAYER_DROPOUT:
        memcpy(a, x, (size_t)L->out);
        return;
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:
        pool_int(a, x, in[DIM_C], in[DIM_H], in[DIM_W], out[DIM_H], out[DIM_W], L->kernel[0],
                 L->kernel[1], L->stride[0], L->stride[1], L->kind == LAYER_MAXPOOL);
        return;
    case LAYER_CONV:
        integer_conv(L, q, il, l, x, a, acc, col);
        return;
    case LAYER_DENSE:
        break;
    }
    dense_int(acc, q->layers[l].wq, x, il->bias, L->out, L->in);
    if (l == net->nlayers - 1)
        logits(z, acc, iq->logit_m, iq->logit_shift, L->out);
    if (il->how == OUT_SOFTMAX)
        softmax_int(a, z, L->out, iq->softmax_exp.m, iq->softmax_exp.shift, iq->pow2);
    else
        activate(il, a, acc, L->out, 1);
}

int integer_forward(const struct network *net, const struct quantized *q,
                    const struct integer_net *iq, const int8_t *x, int8_t *out)
{
    const struct widths w = widths_of(net);
    int8_t *h = malloc(2 * (size_t)w.values), *col = malloc((size_t)w.fan_in);
    int32_t *acc = malloc((size_t)w.units * sizeof *acc), *z = malloc((size_t)w.units * sizeof *z);
    const int n_out = net->layers[net->nlayers - 1].out;
    int k = -1;                         /* out of memory: no class */
    if (h && col && acc && z) {
        const int8_t *in = x;
        for (int l = 0; l < net->nlayers; l++) {
            int8_t *a = l == net->nlayers - 1 ? out : h + (size_t)(l % 2) * w.values;
            integer_layer(net, q, iq, l, in, a, acc, col, z);
            in = a;
        }
        k = n_out == 1 ? z[0] >= iq->threshold : argmax_int(z, n_out, iq->class_floor);
    }
    free(h);
    free(col);
    free(acc);
    free(z);
    return k;
}

void integer_input(const struct network *net, const struct export_weights *w,
                   const struct integer_net *iq, const float *x, int8_t *xq)
{
    for (int j = 0; j < net->input_size; j++) {
        float v = x[j];
        if (w->n_scale)                 /* the float export's xs[k] = (x[k] - offset) / range */
            v = (v - w->scale_offset[j]) / w->scale_range[j];
        const double r = round(v / iq->layers[0].in_scale);
        xq[j] = (int8_t)(r > 127 ? 127 : r < -127 ? -127 : r);
    }
}

/* ---- the comparison with float ---- */

static int class_of(const double *out, int n)
{
    int best = 0;
    if (n == 1)
        return out[0] >= 0.5;
    for (int k = 1; k < n; k++)
        best = out[k] > out[best] ? k : best;
    return best;
}

/* "relu (rescale)", "sigmoid (table)", "maxpool (max)", ... */
static void how_text(const struct layer *L, const struct integer_layer *il, char *buf, size_t n)
{
    switch (L->kind) {
    case LAYER_DROPOUT: snprintf(buf, n, "dropout (a copy)"); return;
    case LAYER_MAXPOOL: snprintf(buf, n, "maxpool (int8 max)"); return;
    case LAYER_AVGPOOL: snprintf(buf, n, "avgpool (rounded mean)"); return;
    case LAYER_DENSE:
    case LAYER_CONV: break;
    }
    snprintf(buf, n, "%s (%s)", activation_name(L->act), il->how == OUT_SOFTMAX ? "fixed point"
             : il->how == OUT_LOOKUP ? "table" : "rescale");
}

/* "784 -> 16"; an image layer's "6x28x28 -> 6x14x14". */
static int shape_text(const struct layer *L, char *buf, size_t n)
{
    const int *i = L->in_shape, *o = L->out_shape;
    if (layer_is_spatial(L))
        return snprintf(buf, n, "%dx%dx%d -> %dx%dx%d", i[DIM_C], i[DIM_H], i[DIM_W], o[DIM_C],
                        o[DIM_H], o[DIM_W]);
    return snprintf(buf, n, "%d -> %d", L->in, L->out);
}

/* A row per layer: bytes, the input's and the activation's scale, how f is computed. */
static void print_table(FILE *out, const struct network *net, const struct integer_net *iq)
{
    char shape[64], bytes[32], how[64];
    int width = 14;
    for (int l = 0; l < net->nlayers; l++) {
        const int n = shape_text(&net->layers[l], shape, sizeof shape);
        width = n > width ? n : width;
    }
    fprintf(out, "%-12s %-*s %11s  %-12s %-12s %s\n", "layer", width, "shape", "bytes",
            "input scale", "output scale", "activation");
    for (int l = 0; l < net->nlayers; l++) {
        const struct layer *L = &net->layers[l];
        const struct integer_layer *il = &iq->layers[l];
        shape_text(L, shape, sizeof shape);
        how_text(L, il, how, sizeof how);
        fprintf(out, "%-12s %-*s %11s  %-12.4g %-12.4g %s\n", L->name, width, shape,
                summary_grouped(integer_layer_bytes(net, iq, l), bytes, sizeof bytes),
                il->in_scale, il->out_scale, how);
    }
    fprintf(out, "%-12s %-*s %11s  (%.1f%% of float32)\n", "total", width, "",
            summary_grouped(integer_weight_bytes(net, iq), bytes, sizeof bytes),
            100.0 * (double)integer_weight_bytes(net, iq) / (4.0 * (double)network_param_count(net)));
}

struct comparison {
    int same, float_right, int_right;   /* classes */
    double max, sum;                    /* |integer - float| of the outputs */
};

/* Every sample of c through both networks. */
static void compare(const struct network *net, const struct export_weights *w,
                    const struct quantized *q, const struct integer_net *iq,
                    const struct calibration_set *c, double **ref, int8_t *xq, int8_t *y,
                    struct comparison *cmp)
{
    const int n_out = net->layers[net->nlayers - 1].out;
    const double s_a = iq->layers[net->nlayers - 1].out_scale;
    for (int s = 0; s < c->n; s++) {
        const float *x = c->x + (size_t)s * net->input_size;
        ref_forward(net, w, x, ref);
        integer_input(net, w, iq, x, xq);
        const int want = class_of(ref[net->nlayers], n_out);
        const int have = integer_forward(net, q, iq, xq, y);
        for (int k = 0; k < n_out; k++) {
            const double d = fabs(y[k] * s_a - ref[net->nlayers][k]);
            cmp->max = fmax(cmp->max, d);
            cmp->sum += d;
        }
        cmp->same += want == have;
        cmp->float_right += c->labels && want == c->labels[s];
        cmp->int_right += c->labels && have == c->labels[s];
    }
}

void integer_report(FILE *out, const struct network *net, const struct export_weights *w,
                    const struct quantized *q, const struct integer_net *iq,
                    const struct calibration_set *c)
{
    const int n_out = net->layers[net->nlayers - 1].out;
    double **ref = ref_alloc(net);
    int8_t *xq = malloc((size_t)net->input_size), *y = malloc((size_t)n_out);
    struct comparison cmp = { 0, 0, 0, 0, 0 };
    if (!ref || !xq || !y || c->n < 1) {
        fprintf(out, "netc: no comparison (%s)\n", c->n < 1 ? "no samples" : "out of memory");
        free(ref), free(xq), free(y);
        return;
    }
    compare(net, w, q, iq, c, ref, xq, y, &cmp);
    fprintf(out, "int8-integer quantisation of %s (integers only), calibrated on %d sample%s "
            "of %s\n", net->name, c->n, c->n == 1 ? "" : "s", c->source);
    print_table(out, net, iq);
    fprintf(out, "outputs: |integer - float| max %.3g, mean %.3g on those samples\n", cmp.max,
            cmp.sum / ((double)c->n * n_out));
    if (!network_is_regression(net)) {
        fprintf(out, "classes: integer agrees with float on %d of %d samples (%.2f%%)", cmp.same,
                c->n, 100.0 * cmp.same / c->n);
        if (c->labels)
            fprintf(out, "; accuracy on them: float %.2f%%, integer %.2f%%",
                    100.0 * cmp.float_right / c->n, 100.0 * cmp.int_right / c->n);
        fprintf(out, "\n");
    }
    free(ref);
    free(xq);
    free(y);
}
