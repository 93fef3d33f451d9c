/* reference.c - the forward pass on the host, in double precision (see reference.h). */
#include "infer/reference.h"

#include <math.h>
#include <stdlib.h>

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

void ref_forward(const struct network *net, const struct export_weights *w, const float *x,
                 double **acts)
{
    for (int j = 0; j < net->input_size; j++)
        acts[0][j] = w->n_scale ? ((double)x[j] - w->scale_offset[j]) / w->scale_range[j] : x[j];
    for (int l = 0; l < net->nlayers; l++) {
        dense(&net->layers[l], w->wt[l], w->bias[l], acts[l], acts[l + 1]);
        ref_activate(&net->layers[l], acts[l + 1]);
    }
}
