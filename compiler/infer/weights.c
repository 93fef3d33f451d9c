/* weights.c - read a safetensors weights file for the inference exporter, with
 * the runtime's reader (runtime/io/safetensors.c), checked against the network as the
 * trainer checks it (runtime/io/weights_check.c). */
#include "infer/weights.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/safetensors.h"
#include "io/weights_check.h"

/* The tensor name with the given shape (rank 1, 2 or 4) and finite values: its floats
 * (malloc'd, in file order), or NULL with the trainer's message (io/weights_check.c). */
static float *tensor(const netc_st_file *f, const char *name, int rank, const long long *shape,
                     netc_error *err)
{
    const netc_st_entry *e = netc_weights_find(f, name, err);
    int64_t want[NETC_ST_MAX_RANK];
    size_t size = 1;
    for (int d = 0; d < rank; d++) {
        want[d] = shape[d];
        size *= (size_t)shape[d];
    }
    if (!e || netc_weights_check_shape(f, e, rank, want, err) < 0)
        return NULL;
    float *v = malloc(size * sizeof *v);
    if (!v) {
        netc_fail(err, "%s: out of memory reading '%s'", f->path, name);
        return NULL;
    }
    netc_st_get_f32(f, e, v);
    if (netc_weights_check_finite(f, e, v, err) < 0) {
        free(v);
        return NULL;
    }
    return v;
}

/* A vector of n floats. */
static float *vector(const netc_st_file *f, const char *name, int n, netc_error *err)
{
    const long long shape[1] = { n };
    return tensor(f, name, 1, shape, err);
}

/* Layer L's weight W[units][fan_in] as its file holds it: torch.nn.Linear's [out, in], or
 * Conv2d's [out, in, kh, kw] (whose [in, kh, kw] is the fan_in, in that order). */
static float *weight(const netc_st_file *f, const struct layer *L, netc_error *err)
{
    char name[NETC_MAX_NAME + 16];
    snprintf(name, sizeof name, "%s.weight", L->name);
    if (L->kind == LAYER_CONV) {
        const long long shape[4] = { L->units, L->in_shape[DIM_C], L->kernel[0], L->kernel[1] };
        return tensor(f, name, 4, shape, err);
    }
    const long long shape[2] = { L->units, L->fan_in };
    return tensor(f, name, 2, shape, err);
}

/* Each layer with weights: W^T[fan_in][units] and bias[units]; the others have none
 * (NULL). */
static int read_layers(const struct network *net, const netc_st_file *f,
                       struct export_weights *w, netc_error *err)
{
    char name[NETC_MAX_NAME + 16];
    for (int l = 0; l < net->nlayers; l++) {
        const struct layer *L = &net->layers[l];
        if (!layer_has_weights(L))
            continue;
        float *W = weight(f, L, err);
        if (!W)
            return -1;
        w->wt[l] = malloc((size_t)L->fan_in * (size_t)L->units * sizeof *w->wt[l]);
        if (!w->wt[l]) {
            free(W);
            return netc_fail(err, "%s: out of memory", f->path);
        }
        for (int o = 0; o < L->units; o++)     /* WT[k][o] = W[o][k] */
            for (int k = 0; k < L->fan_in; k++)
                w->wt[l][(size_t)k * L->units + o] = W[(size_t)o * L->fan_in + k];
        free(W);
        snprintf(name, sizeof name, "%s.bias", L->name);
        w->bias[l] = vector(f, name, L->units, err);
        if (!w->bias[l])
            return -1;
    }
    return 0;
}

/* input.min/max (x' = (x - min) / (max - min)) or input.mean/std (x' = (x - mean) / std),
 * refused as the trainer refuses them (a NaN, 0 or negative std, a max below its min),
 * not replaced by 1; a constant feature's range, max = min, divides by 1 as in training. */
static int read_scaling(const struct network *net, const netc_st_file *f,
                        struct export_weights *w, netc_error *err)
{
    const int unit = netc_st_find(f, "input.min") != NULL;
    if (!unit && !netc_st_find(f, "input.mean"))
        return 0;
    const char *range_name = unit ? "input.max" : "input.std";
    w->scale = unit ? SCALE_UNIT : SCALE_STANDARDIZE;
    w->scale_offset = vector(f, unit ? "input.min" : "input.mean", net->input_size, err);
    if (!w->scale_offset)
        return -1;
    w->scale_range = vector(f, range_name, net->input_size, err);
    if (!w->scale_range)
        return -1;
    const netc_st_entry *e = netc_st_find(f, range_name);
    if ((unit ? netc_weights_check_range(f, e, w->scale_offset, w->scale_range, err)
              : netc_weights_check_std(f, e, w->scale_range, err)) < 0)
        return -1;
    for (int j = 0; j < net->input_size; j++) {
        float range = unit ? w->scale_range[j] - w->scale_offset[j] : w->scale_range[j];
        w->scale_range[j] = range > 0 ? range : 1.0f;
    }
    w->n_scale = net->input_size;
    return 0;
}

/* Every tensor in the file is a layer's weight or bias or an input.* statistic, as the
 * trainer's loader requires: a leftover (say "0.weight" from an unrenamed PyTorch
 * state_dict) means the file is not what the network thinks it is. */
static int check_known(const struct network *net, const netc_st_file *f, netc_error *err)
{
    static const char *const inputs[] = { "input.min", "input.max", "input.mean", "input.std" };
    for (int i = 0; i < f->n_tensor; i++) {
        const char *name = f->tensors[i].name;
        int known = 0;
        for (int l = 0; l < net->nlayers && !known; l++) {
            if (!layer_has_weights(&net->layers[l]))
                continue;       /* pooling and dropout have no tensors */
            size_t n = strlen(net->layers[l].name);
            known = strncmp(name, net->layers[l].name, n) == 0 &&
                    (strcmp(name + n, ".weight") == 0 || strcmp(name + n, ".bias") == 0);
        }
        for (size_t k = 0; k < sizeof inputs / sizeof inputs[0] && !known; k++)
            known = strcmp(name, inputs[k]) == 0;
        if (!known)
            return netc_weights_unknown(f, &f->tensors[i], net->name, err);
    }
    return 0;
}

int export_weights_read(const struct network *net, const char *path, int allow_other,
                        struct export_weights *w, char *errbuf, size_t errlen)
{
    netc_error err;
    netc_st_file f;
    int rc = -1;
    memset(w, 0, sizeof *w);
    w->path = path;
    w->wt = calloc((size_t)net->nlayers, sizeof *w->wt);
    w->bias = calloc((size_t)net->nlayers, sizeof *w->bias);
    if (!w->wt || !w->bias) {
        snprintf(errbuf, errlen, "%s: out of memory", path);
        return -1;
    }
    if (netc_st_read(path, &f, &err) == 0) {
        rc = read_layers(net, &f, w, &err);
        if (rc == 0)
            rc = check_known(net, &f, &err);
        if (rc == 0)
            rc = netc_weights_check_network(&f, net->name, allow_other, &err);
        if (rc == 0)
            rc = read_scaling(net, &f, w, &err);
        netc_st_free(&f);
    }
    if (rc < 0)
        snprintf(errbuf, errlen, "%s", err.msg);
    return rc;
}

void export_weights_free(const struct network *net, struct export_weights *w)
{
    for (int l = 0; w->wt && l < net->nlayers; l++) {
        free(w->wt[l]);
        free(w->bias[l]);
    }
    free(w->wt);
    free(w->bias);
    free(w->scale_offset);
    free(w->scale_range);
    memset(w, 0, sizeof *w);
}
