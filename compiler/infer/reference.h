/* reference.h - the network's forward pass on the host, in double precision from the
 * float weights: what NAME_selftest's recorded outputs come from, what the int8 export
 * is calibrated on, and what its error table measures against. */
#ifndef NETC_REFERENCE_H
#define NETC_REFERENCE_H

#include "infer/weights.h"
#include "check/network.h"

/* acts[0] (the input as the first layer sees it) and acts[l + 1] (layer l's activation),
 * one malloc'd block: free() it.  NULL when out of memory. */
double **ref_alloc(const struct network *net);
/* Fills acts (from ref_alloc) for one sample x: acts[net->nlayers] is the output. */
void ref_forward(const struct network *net, const struct export_weights *w, const float *x,
                 double **acts);
/* z = W·in + b of a dense or conv layer (before its activation), from W^T[fan_in][units]:
 * ref_forward's sums. */
void ref_weighted_sum(const struct layer *L, const float *wt, const float *bias,
                      const double *in, double *z);
/* a = f(z) in place over layer L's L->out values (softmax over the whole row). */
void ref_activate(const struct layer *L, double *z);
/* A pooling layer's output from its input (C x H x W each); an average in float, in the
 * exported code's order and rounding, when in_float (the int8 arithmetic), else in double. */
void ref_pool(const struct layer *L, const double *in, double *out, int in_float);

#endif
