/* dataset.c - samples as float[n][n_input] with integer labels; targets; scaling. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/atomic.h"
#include "io/dataset.h"
#include "io/idx.h"

void netc_dataset_free(netc_dataset *ds)
{
    free(ds->source);
    free(ds->label_source);
    free(ds->x);
    free(ds->labels);
    free(ds->targets);
    memset(ds, 0, sizeof *ds);
}

void netc_dataset_limit(netc_dataset *ds, int n)
{
    if (n > 0 && n < ds->n)
        ds->n = n;
}

int netc_dataset_split(netc_dataset *ds, const unsigned char *held, netc_dataset *out,
                       netc_error *err)
{
    size_t row = (size_t)ds->n_input;
    int i, kept = 0, n_out = 0;

    memset(out, 0, sizeof *out);
    for (i = 0; i < ds->n; i++)
        n_out += held[i] != 0;
    out->n = n_out;
    out->n_input = ds->n_input;
    out->rank = ds->rank;
    memcpy(out->shape, ds->shape, sizeof out->shape);
    out->x = malloc((size_t)(n_out ? n_out : 1) * row * sizeof *out->x);
    out->labels = ds->labels ? malloc((size_t)(n_out ? n_out : 1) * sizeof *out->labels) : NULL;
    out->n_target = ds->n_target;
    out->targets = ds->targets ? malloc((size_t)(n_out ? n_out : 1) * (size_t)ds->n_target *
                                        sizeof *out->targets) : NULL;
    out->source = ds->source ? strdup(ds->source) : NULL;
    out->label_source = ds->label_source ? strdup(ds->label_source) : NULL;
    if (!out->x || (ds->labels && !out->labels) || (ds->targets && !out->targets) ||
        (ds->source && !out->source) ||
        (ds->label_source && !out->label_source)) {
        netc_dataset_free(out);
        return netc_fail(err, "out of memory holding out %d samples", n_out);
    }
    for (i = 0, n_out = 0; i < ds->n; i++) {
        netc_dataset *to = held[i] ? out : ds;
        int at = held[i] ? n_out++ : kept++;
        memmove(to->x + (size_t)at * row, ds->x + (size_t)i * row, row * sizeof *ds->x);
        if (ds->labels)
            to->labels[at] = ds->labels[i];
        if (ds->targets)
            memmove(to->targets + (size_t)at * (size_t)ds->n_target,
                    ds->targets + (size_t)i * (size_t)ds->n_target,
                    (size_t)ds->n_target * sizeof *ds->targets);
    }
    ds->n = kept;
    return 0;
}

/* Bytes (or scaled bytes) of an IDX image file become the float samples. */
static int idx_to_samples(netc_dataset *ds, const netc_idx *img, int unit_scale,
                          netc_error *err)
{
    size_t i, total = img->n * img->item_size;
    float scale = unit_scale ? 1.0f / 255.0f : 1.0f;
    int d;

    if (img->item_size > (size_t)INT32_MAX)
        return netc_fail(err, "%s: %zu bytes per image is too many", ds->source,
                         img->item_size);
    if (netc_check_memory((double)total * sizeof *ds->x, err, "%s: %zu images x %zu pixels "
                          "x %zu bytes", ds->source, img->n, img->item_size, sizeof *ds->x) < 0)
        return -1;
    ds->x = netc_alloc(total, sizeof *ds->x, ds->source, err);
    if (!ds->x)
        return -1;
    for (i = 0; i < total; i++)
        ds->x[i] = (float)img->data[i] * scale;
    ds->n = (int)img->n;
    ds->n_input = (int)img->item_size;
    ds->rank = img->rank - 1;
    for (d = 1; d < img->rank; d++)
        ds->shape[d - 1] = img->dims[d];
    return 0;
}

static int idx_labels(netc_dataset *ds, const char *path, size_t n_images, netc_error *err)
{
    netc_idx lab;
    size_t i;

    if (netc_idx_read(path, 1, &lab, err) < 0)
        return -1;
    if (lab.n != n_images) {
        netc_fail(err, "%s: %zu labels but %s has %zu images\nhint: use the labels file that "
                  "belongs to these images", path, lab.n, ds->source, n_images);
        netc_idx_free(&lab);
        return -1;
    }
    ds->labels = netc_alloc(lab.n, sizeof *ds->labels, path, err);
    for (i = 0; ds->labels && i < lab.n; i++)
        ds->labels[i] = lab.data[i];
    netc_idx_free(&lab);
    return ds->labels ? 0 : -1;
}

int netc_dataset_load_idx(netc_dataset *ds, const char *images, const char *labels,
                          int unit_scale, netc_error *err)
{
    netc_idx img;
    int rc;

    memset(ds, 0, sizeof *ds);
    if (netc_idx_read(images, 3, &img, err) < 0)
        return -1;
    ds->source = strdup(images);
    ds->label_source = strdup(labels ? labels : images);
    rc = ds->source && ds->label_source ? 0 : netc_fail(err, "%s: out of memory", images);
    if (rc == 0)
        rc = idx_to_samples(ds, &img, unit_scale, err);
    if (rc == 0 && labels)
        rc = idx_labels(ds, labels, img.n, err);
    netc_idx_free(&img);
    if (rc < 0)
        netc_dataset_free(ds);
    return rc;
}

/* "28x28 = 784" or "5" */
static void describe_shape(const netc_dataset *ds, char *buf, size_t size)
{
    int d, used = 0;

    if (ds->rank <= 1) {
        snprintf(buf, size, "%d", ds->n_input);
        return;
    }
    for (d = 0; d < ds->rank && used >= 0 && (size_t)used < size; d++)
        used += snprintf(buf + used, size - (size_t)used, d ? "x%d" : "%d", ds->shape[d]);
    if (used >= 0 && (size_t)used < size)
        snprintf(buf + used, size - (size_t)used, " = %d", ds->n_input);
}

static int check_label(const netc_dataset *ds, int i, int n_output, enum netc_targets kind,
                       netc_error *err)
{
    int label = ds->labels[i];

    if (kind == NETC_TARGETS_ONE_HOT && (label < 0 || label >= n_output))
        return netc_fail(err, "%s: sample %d: label %d is out of range for one-hot targets: "
                         "the network has %d outputs (labels 0 to %d)", ds->label_source, i,
                         label, n_output, n_output - 1);
    return 0;
}

int netc_dataset_check_input(const netc_dataset *ds, const netc_model *model, netc_error *err)
{
    char shape[64];

    if (ds->n_input == model->n_input)
        return 0;
    describe_shape(ds, shape, sizeof shape);
    return netc_fail(err, "%s: file has %s features per sample but network '%s' takes %d "
                     "inputs", ds->source, shape, model->name, model->n_input);
}

int netc_is_regression(const netc_model *model)
{
    return model->data.targets == NETC_TARGETS_VALUE && model->loss == NETC_LOSS_MSE;
}

int netc_dataset_label_limit(const netc_model *model, char *why, size_t size)
{
    snprintf(why, size, "%s", "");
    if (model->data.targets == NETC_TARGETS_ONE_HOT) {
        snprintf(why, size, "the network has %d outputs", model->n_output);
        return model->n_output;
    }
    if (model->loss == NETC_LOSS_BINARY_CROSS_ENTROPY) {
        snprintf(why, size, "binary cross-entropy's targets are 0 and 1");
        return 2;
    }
    return 0;
}

int netc_dataset_check_labels(const netc_dataset *ds, const netc_model *model, netc_error *err)
{
    char why[96];
    int i, limit = netc_dataset_label_limit(model, why, sizeof why);

    if (ds->targets && ds->n_target != model->n_output)
        return netc_fail(err, "%s: %d target columns but network '%s' has %d outputs",
                         ds->label_source, ds->n_target, model->name, model->n_output);
    if (!ds->labels)
        return 0;
    if (model->data.targets == NETC_TARGETS_VALUE && model->n_output != 1)
        return netc_fail(err, "%s: one label per sample, but network '%s' has %d outputs to "
                         "fit\nhint: a regression network with several outputs reads its "
                         "targets from CSV columns", ds->label_source, model->name,
                         model->n_output);
    for (i = 0; i < ds->n && limit > 0; i++)
        if (ds->labels[i] < 0 || ds->labels[i] >= limit)
            return netc_fail(err, "%s: sample %d: label %d is out of range: %s (labels 0 to %d)",
                             ds->label_source, i, ds->labels[i], why, limit - 1);
    return 0;
}

void netc_dataset_gather(const netc_dataset *ds, const int *idx, int n, float *x)
{
    size_t row = (size_t)ds->n_input * sizeof *x;
    int i;

    for (i = 0; i < n; i++)
        memcpy(x + (size_t)i * ds->n_input, ds->x + (size_t)idx[i] * ds->n_input, row);
}

/* Asks the processor to start loading samples idx[0..n): the trainer names the next
 * mini-batch while it computes the current one.  A shuffled batch's rows lie anywhere
 * in the training set (188 MB of floats for MNIST), and copying one otherwise waits on
 * memory at its start; the first 4 cache lines of each row are enough for the
 * hardware prefetcher to take over the rest (every line of the row: slower; 3Blue1Brown's
 * network trains 7 % faster this way, with the same results). */
void netc_dataset_prefetch(const netc_dataset *ds, const int *idx, int n)
{
#if defined(__GNUC__)
    int i, line;

    for (i = 0; i < n; i++) {
        const char *row = (const char *)(ds->x + (size_t)idx[i] * ds->n_input);
        for (line = 0; line < 4 && 64 * (size_t)line < ds->n_input * sizeof *ds->x; line++)
            __builtin_prefetch(row + 64 * line, 0, 3);
    }
#else
    (void)ds, (void)idx, (void)n;
#endif
}

int netc_dataset_targets(const netc_dataset *ds, const int *idx, int n, int n_output,
                         enum netc_targets kind, float *y, netc_error *err)
{
    int i;

    if (ds->targets && ds->n_target == n_output) {
        for (i = 0; i < n; i++)
            memcpy(y + (size_t)i * n_output, ds->targets + (size_t)idx[i] * n_output,
                   (size_t)n_output * sizeof *y);
        return 0;
    }
    if (!ds->labels)
        return netc_fail(err, "%s: has no labels, cannot make targets", ds->label_source);
    if (kind == NETC_TARGETS_VALUE && n_output != 1)
        return netc_fail(err, "%s: label values as targets need 1 output, not %d",
                         ds->label_source, n_output);
    memset(y, 0, (size_t)n * (size_t)n_output * sizeof *y);
    for (i = 0; i < n; i++) {
        if (check_label(ds, idx[i], n_output, kind, err) < 0)
            return -1;
        if (kind == NETC_TARGETS_VALUE)
            y[i] = (float)ds->labels[idx[i]];
        else
            y[(size_t)i * n_output + ds->labels[idx[i]]] = 1.0f;
    }
    return 0;
}

/* ---- scaling ------------------------------------------------------------------ */

enum netc_scaling netc_scaling_for(const netc_model *m, enum netc_data_format format)
{
    if (m->data.format != NETC_DATA_NONE)
        return m->data.scale;
    return format == NETC_DATA_IDX ? NETC_SCALE_UNIT : NETC_SCALE_NONE;
}

int netc_scaling_needs_stats(enum netc_data_format format, enum netc_scaling scale)
{
    return scale == NETC_SCALE_STANDARDIZE || (scale == NETC_SCALE_UNIT && format == NETC_DATA_CSV);
}

const char *netc_scaler_name(enum netc_scaling kind, int second)
{
    if (kind == NETC_SCALE_UNIT)
        return second ? "input.max" : "input.min";
    return second ? "input.std" : "input.mean";
}

/* Feature j's minimum and maximum over the set. */
static void fit_unit(const netc_dataset *ds, int j, float *lo, float *hi)
{
    int i;

    *lo = *hi = ds->x[j];
    for (i = 1; i < ds->n; i++) {
        float v = ds->x[(size_t)i * ds->n_input + j];
        *lo = v < *lo ? v : *lo;
        *hi = v > *hi ? v : *hi;
    }
}

/* Feature j's mean and (population) standard deviation, in double; std 0 -> 1. */
static void fit_standardize(const netc_dataset *ds, int j, float *mean, float *std)
{
    double sum = 0, sq = 0, m;
    int i;

    for (i = 0; i < ds->n; i++)
        sum += ds->x[(size_t)i * ds->n_input + j];
    m = sum / ds->n;
    for (i = 0; i < ds->n; i++) {
        double d = ds->x[(size_t)i * ds->n_input + j] - m;
        sq += d * d;
    }
    *mean = (float)m;
    *std = (float)sqrt(sq / ds->n);
    if (!(*std > 0))
        *std = 1.0f;
}

int netc_scaler_fit(netc_scaler *s, enum netc_scaling kind, const netc_dataset *train,
                    netc_error *err)
{
    int j;

    memset(s, 0, sizeof *s);
    if (kind == NETC_SCALE_NONE || train->n == 0)
        return 0;
    s->a = netc_alloc((size_t)train->n_input, sizeof *s->a, "scaling statistics", err);
    s->b = netc_alloc((size_t)train->n_input, sizeof *s->b, "scaling statistics", err);
    if (!s->a || !s->b) {
        netc_scaler_free(s);
        return -1;
    }
    s->kind = kind;
    s->n = train->n_input;
    for (j = 0; j < s->n; j++) {
        if (kind == NETC_SCALE_UNIT)
            fit_unit(train, j, &s->a[j], &s->b[j]);
        else
            fit_standardize(train, j, &s->a[j], &s->b[j]);
    }
    return 0;
}

void netc_scaler_apply(const netc_scaler *s, netc_dataset *ds)
{
    size_t i;
    int j;

    if (s->kind == NETC_SCALE_NONE || s->n != ds->n_input)
        return;
    for (i = 0; i < (size_t)ds->n; i++) {
        float *x = ds->x + i * ds->n_input;
        for (j = 0; j < s->n; j++) {
            float offset = s->a[j];
            float range = s->kind == NETC_SCALE_UNIT ? s->b[j] - s->a[j] : s->b[j];
            x[j] = (x[j] - offset) / (range > 0 ? range : 1.0f);
        }
    }
}

void netc_scaler_free(netc_scaler *s)
{
    free(s->a);
    free(s->b);
    memset(s, 0, sizeof *s);
}
