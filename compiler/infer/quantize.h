/* quantize.h - post-training int8 quantisation for `--emit infer --quantize int8`.
 *
 * Weights: per output channel, symmetric: s_w[o] = max_i |W[o][i]| / 127 and
 * Wq[o][i] = round(W[o][i] / s_w[o]), in [-127, 127].  Layer inputs: one symmetric scale
 * per layer, calibrated on training samples: s_x = max |x| / 127 over the samples, the
 * float network's values.  The exported code (emit_infer_int8.c) then computes
 *   xq[i] = round(x[i] / s_x), saturated to [-127, 127]
 *   z[o]  = s_x·s_w[o]·Σ_i Wq[o][i]·xq[i] + b[o]     (the sum in int32, exactly)
 *   a     = f(z)                                     (in float)
 * A conv layer is the same at every output position, i over the input under the kernel
 * there (W: filters x C·KH·KW, one s_w per filter); pooling and dropout layers have no
 * weights and run in float.  quant_forward() is that arithmetic on the host, so netc
 * can record NAME_selftest's outputs and measure the error against the float network
 * (quantize_report).
 */
#ifndef NETC_QUANTIZE_H
#define NETC_QUANTIZE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "infer/calibration.h"
#include "infer/weights.h"
#include "check/network.h"

struct quant_layer {           /* pooling, dropout: wq and w_scale NULL */
    int8_t *wq;                 /* Wq[units][fan_in], row o contiguous: the dot products' layout */
    float *w_scale;             /* s_w[units]; 1 for an all-zero row */
    double x_max;               /* the largest |input| seen in calibration */
    float x_scale, x_inv_scale; /* s_x = x_max / 127 (1 if x_max is 0), and 1 / s_x */
};

struct quantized {
    struct quant_layer *layers; /* one per network layer */
    const char *calibration;    /* where the calibration samples came from */
    int n_calibration;
};

/* Quantises w's weights and calibrates the input scales on c.  0, or -1 with a message
 * (out of memory, or int32 sums that could overflow). */
int quantize_int8(const struct network *net, const struct export_weights *w,
                  const struct calibration_set *c, struct quantized *q, char *errbuf,
                  size_t errlen);
void quantize_free(const struct network *net, struct quantized *q);

/* Bytes of constant data of layer l once quantised: Wq, s_w, the float bias, s_x and
 * 1 / s_x. */
long long quant_layer_bytes(const struct layer *L);
long long quant_weight_bytes(const struct network *net);

/* One sample x through the int8 network exactly as the exported NAME.c computes it:
 * fills acts[l + 1] with layer l's activation (acts from ref_alloc; acts[0] is the
 * scaled input). */
void quant_forward(const struct network *net, const struct export_weights *w,
                   const struct quantized *q, const float *x, double **acts);

/* The per-layer error table on the calibration samples: weight bytes, the input
 * scale, max and mean |int8 - float| of each layer's activation, and how often the
 * classes agree (and the accuracy on the samples, when they have labels). */
void quantize_report(FILE *out, const struct network *net, const struct export_weights *w,
                     const struct quantized *q, const struct calibration_set *c);

#endif
