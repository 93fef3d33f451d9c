/* weights.c - a model's parameters to and from a safetensors file.
 *
 * Tensors are named and shaped as torch.nn.Linear's and Conv2d's ("dense1.weight"
 * [out, in], "conv1.weight" [out, in, kh, kw], "dense1.bias" [out]); input scaling
 * statistics travel along as input.* tensors.  A transposed tensor is W[out][k] in the
 * file (k running over the product of shape[1..]) and WT[k][out] in memory. */
#include <stdlib.h>
#include <string.h>

#include "io/safetensors.h"
#include "io/weights.h"
#include "io/weights_check.h"

size_t netc_tensor_size(const netc_tensor *t)
{
    size_t n = 1;
    int d;

    for (d = 0; d < t->rank; d++)
        n *= (size_t)t->shape[d];
    return n;
}

void netc_tensor_read(const netc_tensor *t, const float *params, float *dst)
{
    size_t rows = (size_t)t->shape[0], size = netc_tensor_size(t), cols, r, c;

    if (!t->transposed || rows == 0) {
        memcpy(dst, params + t->offset, size * sizeof *dst);
        return;
    }
    cols = size / rows;
    for (r = 0; r < rows; r++)
        for (c = 0; c < cols; c++)
            dst[r * cols + c] = params[t->offset + c * rows + r];
}

int netc_weights_save(const char *path, const netc_model *model, const float *params,
                      const netc_scaler *scaler, netc_error *err)
{
    const char *keys[] = { "network", "netc_version", "source_hash" };
    const char *values[3];
    int n_out = model->n_tensor, i, d, rc, n_meta = model->source_hash ? 3 : 2;
    netc_st_out *out = netc_alloc((size_t)n_out + 2, sizeof *out, path, err);

    if (!out)
        return -1;
    values[0] = model->name;
    values[1] = model->netc_version ? model->netc_version : "unknown";
    values[2] = model->source_hash;
    for (i = 0; i < model->n_tensor; i++) {
        const netc_tensor *t = &model->tensors[i];
        memset(&out[i], 0, sizeof out[i]);
        out[i].name = t->name;
        out[i].rank = t->rank;
        for (d = 0; d < t->rank; d++)
            out[i].shape[d] = t->shape[d];
        out[i].data = params + t->offset;
        out[i].transposed = t->transposed;
    }
    for (i = 0; scaler && scaler->kind != NETC_SCALE_NONE && i < 2; i++, n_out++) {
        memset(&out[n_out], 0, sizeof out[n_out]);
        out[n_out].name = netc_scaler_name(scaler->kind, i);
        out[n_out].rank = 1;
        out[n_out].shape[0] = scaler->n;
        out[n_out].data = i ? scaler->b : scaler->a;
    }
    rc = netc_st_write(path, out, n_out, keys, values, n_meta, err);
    free(out);
    return rc;
}

/* The model tensor's shape as the file should hold it. */
static void model_shape(const netc_tensor *t, int64_t *want)
{
    int d;

    for (d = 0; d < t->rank && d < NETC_ST_MAX_RANK; d++)
        want[d] = t->shape[d];
}

/* Copies one model tensor from the file into params (transposing if the model does). */
static int load_tensor(const netc_st_file *f, const netc_tensor *t, float *params,
                       netc_error *err)
{
    const netc_st_entry *e = netc_weights_find(f, t->name, err);
    int64_t want[NETC_ST_MAX_RANK];
    size_t r, c, rows = (size_t)t->shape[0], cols;
    float *tmp;

    if (!e)
        return -1;
    model_shape(t, want);
    if (netc_weights_check_shape(f, e, t->rank, want, err) < 0)
        return -1;
    if (!t->transposed || rows == 0) {
        netc_st_get_f32(f, e, params + t->offset);
        return netc_weights_check_finite(f, e, params + t->offset, err);
    }
    cols = netc_tensor_size(t) / rows;
    tmp = netc_alloc(rows * cols, sizeof *tmp, f->path, err);
    if (!tmp)
        return -1;
    netc_st_get_f32(f, e, tmp);
    if (netc_weights_check_finite(f, e, tmp, err) < 0) {
        free(tmp);
        return -1;
    }
    for (r = 0; r < rows; r++)
        for (c = 0; c < cols; c++)
            params[t->offset + c * rows + r] = tmp[r * cols + c];
    free(tmp);
    return 0;
}

/* Which scaling an input.* tensor belongs to (NONE: not a preprocessing tensor). */
static enum netc_scaling scaler_kind_of(const char *name, int *second)
{
    int k, s;

    for (k = NETC_SCALE_UNIT; k <= NETC_SCALE_STANDARDIZE; k++)
        for (s = 0; s < 2; s++)
            if (strcmp(name, netc_scaler_name((enum netc_scaling)k, s)) == 0)
                return *second = s, (enum netc_scaling)k;
    return NETC_SCALE_NONE;
}

/* The statistics tensors, both of a pair and sized [n_input]. */
static int load_scaler(const netc_st_file *f, const netc_model *model, netc_scaler *s,
                       enum netc_scaling kind, netc_error *err)
{
    const netc_st_entry *first = netc_st_find(f, netc_scaler_name(kind, 0)),
                        *second = netc_st_find(f, netc_scaler_name(kind, 1));
    int i;

    for (i = 0; i < 2; i++) {
        const netc_st_entry *e = netc_st_find(f, netc_scaler_name(kind, i));
        if (!e)
            return netc_fail(err, "%s: has '%s' but not '%s'", f->path,
                             netc_scaler_name(kind, !i), netc_scaler_name(kind, i));
        if (e->rank != 1 || e->shape[0] != model->n_input)
            return netc_fail(err, "%s: byte %zu: %s should have shape [%d] (one value per "
                             "input)", f->path, e->header_pos, e->name, model->n_input);
    }
    s->a = netc_alloc((size_t)model->n_input, sizeof *s->a, f->path, err);
    s->b = netc_alloc((size_t)model->n_input, sizeof *s->b, f->path, err);
    if (!s->a || !s->b)
        return -1;
    s->kind = kind;
    s->n = model->n_input;
    netc_st_get_f32(f, first, s->a);
    netc_st_get_f32(f, second, s->b);
    if (netc_weights_check_finite(f, first, s->a, err) < 0 ||
        netc_weights_check_finite(f, second, s->b, err) < 0)
        return -1;
    return kind == NETC_SCALE_STANDARDIZE ? netc_weights_check_std(f, second, s->b, err)
                                          : netc_weights_check_range(f, second, s->a, s->b, err);
}

static int is_model_tensor(const netc_model *model, const char *name)
{
    int i;

    for (i = 0; i < model->n_tensor; i++)
        if (strcmp(model->tensors[i].name, name) == 0)
            return 1;
    return 0;
}

/* Every tensor in the file is the model's or a known preprocessing one. */
static int load_extras(const netc_st_file *f, const netc_model *model, netc_scaler *s,
                       netc_error *err)
{
    enum netc_scaling found_kind = NETC_SCALE_NONE, k;
    int i, second;

    for (i = 0; i < f->n_tensor; i++) {
        const netc_st_entry *e = &f->tensors[i];
        if (is_model_tensor(model, e->name))
            continue;
        k = scaler_kind_of(e->name, &second);
        if (k == NETC_SCALE_NONE)
            return netc_weights_unknown(f, e, model->name, err);
        if (found_kind != NETC_SCALE_NONE && found_kind != k)
            return netc_fail(err, "%s: byte %zu: '%s' mixes two kinds of input scaling",
                             f->path, e->header_pos, e->name);
        found_kind = k;
    }
    return found_kind == NETC_SCALE_NONE ? 0 : load_scaler(f, model, s, found_kind, err);
}

int netc_weights_load(const char *path, const netc_model *model, float *params,
                      netc_scaler *scaler, int allow_other, netc_error *err)
{
    netc_st_file f;
    int i, rc = 0;

    memset(scaler, 0, sizeof *scaler);
    if (netc_st_read(path, &f, err) < 0)
        return -1;
    for (i = 0; i < model->n_tensor && rc == 0; i++)
        rc = load_tensor(&f, &model->tensors[i], params, err);
    if (rc == 0)
        rc = load_extras(&f, model, scaler, err);
    if (rc == 0)
        rc = netc_weights_check_network(&f, model->name, allow_other, err);
    if (rc < 0)
        netc_scaler_free(scaler);
    netc_st_free(&f);
    return rc;
}
