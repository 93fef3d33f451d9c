/* reference.c - the forward pass on the host, in double precision (see reference.h). */
#include "infer/reference.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double **ref_alloc(const struct network *net)
{
    size_t values = (size_t)net->input_size;
    for (int l = 0; l < net->nlayers; l++)
        values += (size_t)net->layers[l].out;
    const size_t pointers = (size_t)net->nlayers + 1;
    /* the pointers, then the doubles (a multiple of 8 bytes in, so aligned) */
    double **acts = malloc(pointers * sizeof *acts + values * sizeof **acts +
                           (pointers % 2) * sizeof *acts);
    if (!acts)
        return NULL;
    double *next = (double *)(acts + pointers + pointers % 2);
    acts[0] = next;
    next += net->input_size;
    for (int l = 0; l < net->nlayers; l++) {
        acts[l + 1] = next;
        next += net->layers[l].out;
    }
    return acts;
}

void ref_activate(const struct layer *L, double *z)
{
    double max = -HUGE_VAL, sum = 0;
    for (int o = 0; o < L->out; o++)
        max = z[o] > max ? z[o] : max;
    for (int o = 0; o < L->out; o++) {
        switch (L->act) {
        case ACT_SIGMOID: z[o] = 1 / (1 + exp(-z[o])); break;
        case ACT_RELU: z[o] = z[o] > 0 ? z[o] : 0; break;
        case ACT_LEAKY_RELU: z[o] = z[o] > 0 ? z[o] : (double)(float)L->alpha * z[o]; break;
        case ACT_TANH: z[o] = tanh(z[o]); break;
        case ACT_LINEAR: break;
        case ACT_SOFTMAX: z[o] = exp(z[o] - max); sum += z[o]; break;
        }
    }
    for (int o = 0; L->act == ACT_SOFTMAX && o < L->out; o++)
        z[o] /= sum;
}

void ref_pool(const struct layer *L, const double *in, double *out, int in_float)
{
    const int C = L->out_shape[DIM_C], OH = L->out_shape[DIM_H], OW = L->out_shape[DIM_W];
    const int IH = L->in_shape[DIM_H], IW = L->in_shape[DIM_W];
    const int max = L->kind == LAYER_MAXPOOL;
    for (int c = 0; c < C; c++)
        for (int y = 0; y < OH; y++)
            for (int x = 0; x < OW; x++) {
                const double *w = in + ((size_t)c * IH + (size_t)y * L->stride[0]) * IW +
                                  (size_t)x * L->stride[1];
                double v = max ? w[0] : 0;
                float vf = 0.0f;
                for (int i = 0; i < L->kernel[0]; i++)
                    for (int j = 0; j < L->kernel[1]; j++) {
                        const double u = w[(size_t)i * IW + (size_t)j];
                        v = max ? (u > v ? u : v) : v + u;
                        vf += (float)u;
                    }
                const int n = L->kernel[0] * L->kernel[1];
                if (!max)
                    v = in_float ? (double)(vf * (1.0f / (float)n)) : v / n;
                out[((size_t)c * OH + (size_t)y) * OW + (size_t)x] = v;
            }
}

/* z[o][y][x] = bias[o] + Σ_c Σ_i Σ_j W[o][c][i][j] in[c][y·S − P + i][x·S − P + j], from
 * W^T[k][o] with k = (c·KH + i)·KW + j; zero padding. */
static void conv(const struct layer *L, const float *wt, const float *bias, const double *in,
                 double *z)
{
    const int C = L->in_shape[DIM_C], IH = L->in_shape[DIM_H], IW = L->in_shape[DIM_W];
    const int OH = L->out_shape[DIM_H], OW = L->out_shape[DIM_W];
    for (int o = 0; o < L->units; o++)
        for (int y = 0; y < OH; y++)
            for (int x = 0; x < OW; x++) {
                double sum = bias[o];
                for (int c = 0, k = 0; c < C; c++)
                    for (int i = 0; i < L->kernel[0]; i++)
                        for (int j = 0; j < L->kernel[1]; j++, k++) {
                            const int iy = y * L->stride[0] - L->padding[0] + i;
                            const int ix = x * L->stride[1] - L->padding[1] + j;
                            if (iy >= 0 && iy < IH && ix >= 0 && ix < IW)
                                sum += in[((size_t)c * IH + (size_t)iy) * IW + (size_t)ix] *
                                       wt[(size_t)k * L->units + (size_t)o];
                        }
                z[((size_t)o * OH + (size_t)y) * OW + (size_t)x] = sum;
            }
}

/* z = W·in + b for layer l, from W^T[in][out]: the sums over i run in order, row by row
 * of W^T (contiguous). */
static void dense(const struct layer *L, const float *wt, const float *bias, const double *in,
                  double *z)
{
    for (int o = 0; o < L->out; o++)
        z[o] = bias[o];
    for (int i = 0; i < L->in; i++) {
        const float *row = wt + (size_t)i * L->out;
        for (int o = 0; o < L->out; o++)
            z[o] += in[i] * row[o];
    }
}

void ref_weighted_sum(const struct layer *L, const float *wt, const float *bias,
                      const double *in, double *z)
{
    if (L->kind == LAYER_CONV)
        conv(L, wt, bias, in, z);
    else
        dense(L, wt, bias, in, z);
}

void ref_forward(const struct network *net, const struct export_weights *w, const float *x,
                 double **acts)
{
    for (int j = 0; j < net->input_size; j++)
        acts[0][j] = w->n_scale ? ((double)x[j] - w->scale_offset[j]) / w->scale_range[j] : x[j];
    for (int l = 0; l < net->nlayers; l++) {
        const struct layer *L = &net->layers[l];
        switch (L->kind) {
        case LAYER_DENSE:
        case LAYER_CONV: ref_weighted_sum(L, w->wt[l], w->bias[l], acts[l], acts[l + 1]); break;
        case LAYER_MAXPOOL:
        case LAYER_AVGPOOL: ref_pool(L, acts[l], acts[l + 1], 0); break;
        case LAYER_DROPOUT:     /* inference: the input passes through */
            memcpy(acts[l + 1], acts[l], (size_t)L->out * sizeof **acts);
            break;
        }
        ref_activate(L, acts[l + 1]);
    }
}
