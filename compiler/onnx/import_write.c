/* import_write.c - an imported network written as netc's own files: NAME.net (the
 * layers, no train block) and NAME.safetensors (docs/weights.md: NAME.weight [out, in]
 * for a dense layer, [out, in, kh, kw] for a conv layer, NAME.bias [out], float32, and input.mean / input.std for a model that scales its
 * input).  Both atomically, through the runtime's writers. */
#include "onnx/import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netc_runtime.h"
#include "onnx/model.h"

/* The shortest decimal that reads back as the same float: LeakyRelu's alpha is a float
 * in ONNX, and netc's generated code makes it one again. */
static void shortest_float(char *buf, size_t n, double x)
{
    const float f = (float)x;
    for (int digits = 1; digits <= 9; digits++) {
        snprintf(buf, n, "%.*g", digits, (double)f);
        if (strtof(buf, NULL) == f)
            return;
    }
}

static const char *activation_text(const struct onnx_layer *L, char *buf, size_t n)
{
    char alpha[32];
    if (L->act != ACT_LEAKY_RELU)
        return activation_name(L->act);
    shortest_float(alpha, sizeof alpha, L->alpha);
    snprintf(buf, n, "leaky_relu(alpha = %s)", alpha);
    return buf;
}

/* Whether name is what the checker calls the layer anyway: its kind and a count. */
static int default_name(const struct onnx_layer *L)
{
    const char *kind = layer_kind_name(L->kind);
    const size_t k = strlen(kind);
    return strncmp(L->name, kind, k) == 0 && L->name[k] >= '1' && L->name[k] <= '9' &&
           strspn(L->name + k, "0123456789") == strlen(L->name + k);
}

/* The layer's line in the .net file: `dense 10 softmax`, `conv 6 5x5 relu padding 2 as c1`,
 * `maxpool 2x2`, `dropout 0.5`. */
static void layer_line(const struct onnx_layer *L, char *line, size_t n)
{
    char text[96], name[NETC_MAX_NAME + 8] = "", options[64] = "", rate[32];
    if (!default_name(L))
        snprintf(name, sizeof name, " as %s", L->name);
    switch (L->kind) {
    case LAYER_DENSE:
        snprintf(line, n, "dense %d %s%s", L->units, activation_text(L, text, sizeof text), name);
        return;
    case LAYER_CONV:
        if (L->stride[0] != 1)
            snprintf(options, sizeof options, " stride %d", L->stride[0]);
        if (L->padding)
            snprintf(options + strlen(options), sizeof options - strlen(options), " padding %d",
                     L->padding);
        snprintf(line, n, "conv %d %dx%d %s%s%s", L->units, L->kernel[0], L->kernel[1],
                 activation_text(L, text, sizeof text), options, name);
        return;
    case LAYER_MAXPOOL:
    case LAYER_AVGPOOL:             /* the stride is the window unless it says otherwise */
        if (L->stride[0] != L->kernel[0] || L->stride[1] != L->kernel[1])
            snprintf(options, sizeof options, " stride %d", L->stride[0]);
        snprintf(line, n, "%s %dx%d%s", layer_kind_name(L->kind), L->kernel[0], L->kernel[1],
                 options);
        return;
    case LAYER_DROPOUT:
        shortest_float(rate, sizeof rate, L->rate);
        snprintf(line, n, "dropout %s", rate);
        return;
    }
}

static int write_net(FILE *out, const void *ctx)
{
    const struct onnx_import *m = ctx;
    const char *base = strrchr(m->path, '/') ? strrchr(m->path, '/') + 1 : m->path;
    char file[96];
    fprintf(out, "# %s.net - imported by netc %s from %s (%s, opset %d).\n", m->name,
            NETC_VERSION, onnx_printable(base, file),
            m->producer[0] ? m->producer : "unknown producer", m->opset);
    fprintf(out, "# The layers alone, their weights in %s.safetensors; add a train block to "
            "train or\n# fine-tune it (docs/language.md, docs/onnx.md).\n", m->name);
    if (m->log_softmax_note)
        fprintf(out, "# Note: %s.\n", m->log_softmax_note);
    fprintf(out, "network %s\n\ninput ", m->name);
    for (int i = 0; i < m->input_rank; i++)
        fprintf(out, i ? "x%d" : "%d", m->input_shape[i]);
    fputc('\n', out);
    for (int l = 0; l < m->nlayers; l++) {
        char line[256];
        layer_line(&m->layers[l], line, sizeof line);
        fprintf(out, "%-40s # %s\n", line, m->layers[l].nodes);
    }
    return ferror(out) ? -1 : 0;
}

int onnx_import_write(const struct onnx_import *m, const char *outdir, char *net_path,
                      char *weights_path, size_t pathlen, char *errbuf, size_t errlen)
{
    netc_error err;
    netc_st_out t[2 * NETC_MAX_LAYERS + 2];
    char names[2 * NETC_MAX_LAYERS][NETC_MAX_NAME + 8];
    int n = 0;
    if ((size_t)snprintf(net_path, pathlen, "%s/%s.net", outdir, m->name) >= pathlen ||
        (size_t)snprintf(weights_path, pathlen, "%s/%s.safetensors", outdir, m->name) >= pathlen) {
        snprintf(errbuf, errlen, "output path too long: %s/%s.safetensors", outdir, m->name);
        return -1;
    }
    for (int l = 0; l < m->nlayers; l++) {
        const struct onnx_layer *L = &m->layers[l];
        if (!L->weight)
            continue;               /* pools, dropout */
        snprintf(names[2 * l], sizeof names[0], "%s.weight", L->name);
        snprintf(names[2 * l + 1], sizeof names[0], "%s.bias", L->name);
        t[n] = (netc_st_out){ .name = names[2 * l], .rank = 2, .shape = { L->units, L->fan_in },
                              .data = L->weight };
        if (L->kind == LAYER_CONV)  /* [out, in, kh, kw], torch.nn.Conv2d's */
            t[n] = (netc_st_out){ .name = names[2 * l], .rank = 4, .data = L->weight,
                                  .shape = { L->units, L->in_shape[DIM_C], L->kernel[0],
                                             L->kernel[1] } };
        n++;
        t[n++] = (netc_st_out){ .name = names[2 * l + 1], .rank = 1, .shape = { L->units },
                                .data = L->bias };
    }
    if (m->scale_offset) {
        t[n++] = (netc_st_out){ .name = "input.mean", .rank = 1, .shape = { m->input_size },
                                .data = m->scale_offset };
        t[n++] = (netc_st_out){ .name = "input.std", .rank = 1, .shape = { m->input_size },
                                .data = m->scale_range };
    }
    const char *base = strrchr(m->path, '/') ? strrchr(m->path, '/') + 1 : m->path;
    const char *keys[] = { "network", "netc_version", "source" };
    char file[96];
    const char *values[] = { m->name, NETC_VERSION, onnx_printable(base, file) };
    if (netc_st_write(weights_path, t, n, keys, values, 3, &err) < 0 ||
        netc_write_atomic(net_path, write_net, m, &err) < 0) {
        snprintf(errbuf, errlen, "%s", err.msg);
        return -1;
    }
    return 0;
}
