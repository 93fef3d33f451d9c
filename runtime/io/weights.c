/* weights.c - a model's parameters to and from a safetensors file.
 *
 * Tensors are named and shaped as torch.nn.Linear's and Conv2d's ("dense1.weight"
 * [out, in], "conv1.weight" [out, in, kh, kw], "dense1.bias" [out]); input scaling
 * statistics travel along as input.* tensors.  A transposed tensor is W[out][k] in the
 * file (k running over the product of shape[1..]) and WT[k][out] in memory. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/safetensors.h"
#include "io/weights.h"

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

/* "[16, 784]", "[6, 1, 5, 5]" */
static void shape_text(char *buf, size_t size, int rank, const int64_t *shape)
{
    size_t used = 0;
    int d;

    buf[0] = '\0';
    for (d = 0; d < rank && used < size; d++)
        used += (size_t)snprintf(buf + used, size - used, "%s%lld", d ? ", " : "[",
                                 (long long)shape[d]);
    if (used < size)
        snprintf(buf + used, size - used, rank ? "]" : "[]");
}

/* Element k of a tensor of that shape in file order as an index, " [1, 0, 2, 4]" (empty
 * for rank 1, where k says it). */
static void index_text(char *buf, size_t size, int rank, const int64_t *shape, size_t k)
{
    int64_t at[NETC_ST_MAX_RANK];
    int d;

    buf[0] = '\0';
    if (rank < 2 || rank > NETC_ST_MAX_RANK)
        return;
    for (d = rank - 1; d >= 0; d--) {
        at[d] = shape[d] ? (int64_t)(k % (size_t)shape[d]) : 0;
        k = shape[d] ? k / (size_t)shape[d] : 0;
    }
    buf[0] = ' ';
    shape_text(buf + 1, size - 1, rank, at);
}

/* Refuses a tensor holding a NaN or an infinity (values in file order), naming the tensor,
 * the element and its byte: a diverged run's weights must not pass for trained ones. */
static int check_finite(const netc_st_file *f, const netc_st_entry *e, const float *v,
                        netc_error *err)
{
    size_t k, n = (e->end - e->begin) / 4;
    char at[96];

    for (k = 0; k < n && isfinite(v[k]); k++)
        ;
    if (k == n)
        return 0;
    index_text(at, sizeof at, e->rank, e->shape, k);
    return netc_fail(err, "%s: byte %zu: tensor '%s' element %zu%s is %s: weights must be "
                     "finite\nhint: was the file saved by a run that diverged?", f->path,
                     (size_t)(f->data - f->buffer) + e->begin + 4 * k, e->name, k, at,
                     isnan(v[k]) ? "NaN" : v[k] > 0 ? "+infinity" : "-infinity");
}

/* What a conv weight's dimensions are, for a message about its shape. */
static const char *dims_meaning(int rank)
{
    return rank == 4 ? " (filters, input channels, kernel height, kernel width)" : "";
}

/* The file's tensor has the model tensor's rank and every dimension. */
static int same_shape(const netc_st_entry *e, const netc_tensor *t, int64_t *want)
{
    int d, same = e->rank == t->rank;

    for (d = 0; d < t->rank && d < NETC_ST_MAX_RANK; d++) {
        want[d] = t->shape[d];
        same = same && e->shape[d] == want[d];
    }
    return same;
}

/* Copies one model tensor from the file into params (transposing if the model does). */
static int load_tensor(const netc_st_file *f, const netc_tensor *t, float *params,
                       netc_error *err)
{
    const netc_st_entry *e = netc_st_find(f, t->name);
    int64_t want[NETC_ST_MAX_RANK];
    char have_s[96], want_s[96];
    size_t r, c, rows = (size_t)t->shape[0], cols;
    float *tmp;

    if (!e)
        return netc_fail(err, "%s: tensor '%s' is missing\nhint: was the file saved by a "
                         "different network?", f->path, t->name);
    if (!same_shape(e, t, want)) {
        shape_text(have_s, sizeof have_s, e->rank, e->shape);
        shape_text(want_s, sizeof want_s, t->rank, want);
        return netc_fail(err, "%s: byte %zu: %s: shape %s in file, network expects %s%s",
                         f->path, e->header_pos, t->name, have_s, want_s, dims_meaning(t->rank));
    }
    if (!t->transposed || rows == 0) {
        netc_st_get_f32(f, e, params + t->offset);
        return check_finite(f, e, params + t->offset, err);
    }
    cols = netc_tensor_size(t) / rows;
    tmp = netc_alloc(rows * cols, sizeof *tmp, f->path, err);
    if (!tmp)
        return -1;
    netc_st_get_f32(f, e, tmp);
    if (check_finite(f, e, tmp, err) < 0) {
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

/* Standard deviations divide the inputs: each must be above 0 (training saves 1 for a
 * constant feature), not replaced by 1 when it is not. */
static int check_std(const netc_st_file *f, const netc_scaler *s, netc_error *err)
{
    const netc_st_entry *e = netc_st_find(f, netc_scaler_name(NETC_SCALE_STANDARDIZE, 1));
    int i;

    for (i = 0; i < s->n; i++)
        if (!(s->b[i] > 0))
            return netc_fail(err, "%s: byte %zu: tensor '%s' element %d is %g: a standard "
                             "deviation must be above 0", f->path,
                             (size_t)(f->data - f->buffer) + e->begin + 4 * (size_t)i, e->name,
                             i, s->b[i]);
    return 0;
}

/* The statistics tensors, both of a pair and sized [n_input]. */
static int load_scaler(const netc_st_file *f, const netc_model *model, netc_scaler *s,
                       enum netc_scaling kind, netc_error *err)
{
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
    netc_st_get_f32(f, netc_st_find(f, netc_scaler_name(kind, 0)), s->a);
    netc_st_get_f32(f, netc_st_find(f, netc_scaler_name(kind, 1)), s->b);
    if (check_finite(f, netc_st_find(f, netc_scaler_name(kind, 0)), s->a, err) < 0 ||
        check_finite(f, netc_st_find(f, netc_scaler_name(kind, 1)), s->b, err) < 0)
        return -1;
    return kind == NETC_SCALE_STANDARDIZE ? check_std(f, s, err) : 0;
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
            return netc_fail(err, "%s: byte %zu: unknown tensor '%s': network '%s' has no such "
                             "parameter\nhint: was the file saved by a different network?",
                             f->path, e->header_pos, e->name, model->name);
        if (found_kind != NETC_SCALE_NONE && found_kind != k)
            return netc_fail(err, "%s: byte %zu: '%s' mixes two kinds of input scaling",
                             f->path, e->header_pos, e->name);
        found_kind = k;
    }
    return found_kind == NETC_SCALE_NONE ? 0 : load_scaler(f, model, s, found_kind, err);
}

int netc_weights_load(const char *path, const netc_model *model, float *params,
                      netc_scaler *scaler, netc_error *err)
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
    if (rc < 0)
        netc_scaler_free(scaler);
    netc_st_free(&f);
    return rc;
}
