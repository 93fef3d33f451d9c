/* int8_integer.h - `--emit infer --quantize int8-integer`: the int8 export without any
 * floating point, for microcontrollers without an FPU (as TensorFlow Lite Micro and
 * CMSIS-NN run networks).
 *
 * It starts from --quantize int8's weights and calibrated input scales (quantize.h:
 * Wq[o][i] with a scale s_w[o] per output, a scale s_x per layer input) and turns every
 * real-valued step into integers:
 *   acc[o] = bq[o] + Σ_i Wq[o][i]·xq[i]           int32; bq[o] = round(b[o] / (s_x·s_w[o]))
 *   relu, linear:     a[o] = acc[o]·s_x·s_w[o] / s_a, saturated to [0 or -127, 127]
 *   sigmoid, tanh, leaky_relu: zq[o] = acc[o]·s_x·s_w[o] / s_z in [-128, 127],
 *                     a[o] = table[zq[o] + 128], a 256-entry table of round(f(zq·s_z) / s_a)
 *   the last layer:   z[o] = acc[o]·s_x·s_w[o] / s_l in int32 (s_l: 1/32512 of its largest
 *                     |z| in calibration): the class is the largest z (no exp needed), and
 *                     softmax is computed from z in fixed point (kernels/int8_integer.h)
 * where every real factor r is an integer m and a shift, r ≈ m / 2^shift, m in [2^30, 2^31)
 * (TFLite's quantized multiplier).  s_a is the next layer's s_x, or for the last layer
 * 1/127 (sigmoid, tanh, softmax: probabilities as round(127·p)) or its largest |a| in
 * calibration / 127 (relu, linear, leaky_relu).  s_z is the largest |z| in calibration
 * / 127, at most the z beyond which f is within half a step of its limit.  A conv layer
 * is the same at each output position over the input under its kernel (one column at a
 * time, no im2col buffer), written channels x positions; pooling takes the max or the
 * rounded mean of int8 values and keeps its input's scale; dropout is a copy.  The last
 * layer must be dense (its z give the class).
 */
#ifndef NETC_INT8_INTEGER_H
#define NETC_INT8_INTEGER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "infer/calibration.h"
#include "infer/quantize.h"
#include "infer/weights.h"
#include "check/network.h"

/* A real factor r ≈ m / 2^shift. */
struct fixed_multiplier {
    int32_t m;
    int shift;
};

enum integer_output { OUT_REQUANTIZE, OUT_LOOKUP, OUT_SOFTMAX };

struct integer_layer {                  /* dropout: only the scales (a copy, in = out) */
    enum integer_output how;
    int32_t *bias;                      /* bq[units], in units of s_x·s_w[o] */
    int32_t *m;                         /* [units]: acc to a (requantize) or to zq (lookup) */
    uint8_t *shift;
    int lo;                             /* requantize: 0 (relu) or -127 */
    int8_t table[256];                  /* lookup: a = table[zq + 128] */
    double in_scale, out_scale;         /* s_x of the input, s_a of a */
    double z_scale;                     /* lookup: s_z */
    double z_max;                       /* the largest |z| in calibration */
};

struct integer_net {
    struct integer_layer *layers;
    double logit_scale;                 /* s_l of the last layer's z */
    int32_t *logit_m;                   /* [N_OUTPUT]: acc to z */
    uint8_t *logit_shift;
    struct fixed_multiplier softmax_exp;      /* softmax: (max - z)·s_l·log2(e)·256 */
    int32_t pow2[256];                  /* softmax: round(2^30 · 2^(-f/256)) */
    int32_t class_floor;                /* classes: argmax of max(z, floor): 0 for relu */
    int32_t threshold;                  /* one output: class 1 when z >= threshold */
    int pixels;                         /* whether the input is IDX bytes, to quantise */
    struct fixed_multiplier pixel;      /* byte -> xq (bytes / 255 or the bytes, / s_x) */
    struct fixed_multiplier input_scale;    /* s_x of the input, for NAME.h */
    struct fixed_multiplier output_scale;   /* s_a of the output */
};

/* r ≈ m / 2^shift, m in [2^30, 2^31) and shift in [0, 62] where r allows. */
struct fixed_multiplier fixed_multiplier(double r);

/* pow2[f] = round(2^30 · 2^(-f/256)): softmax_int's table. */
void integer_pow2_table(int32_t pow2[256]);

/* The integer network from q (quantize_int8's) and the calibration samples c (for the
 * ranges of z and of the output).  0, or -1 with a message naming the first layer it
 * cannot run (conv, pooling), or out of memory. */
int integer_quantize(const struct network *net, const struct export_weights *w,
                     const struct quantized *q, const struct calibration_set *c,
                     struct integer_net *iq, char *errbuf, size_t errlen);
void integer_free(const struct network *net, struct integer_net *iq);

/* Bytes of constant data of layer l: Wq, bq, m and shift, a table; the last layer's
 * logit factors (and softmax's pow2) too.  And the whole network's. */
long long integer_layer_bytes(const struct network *net, const struct integer_net *iq, int l);
long long integer_weight_bytes(const struct network *net, const struct integer_net *iq);

/* One sample's int8 input through the network exactly as the exported NAME.c computes it
 * (the same kernels): out[N_OUTPUT], and the class NAME_classify returns. */
int integer_forward(const struct network *net, const struct quantized *q,
                    const struct integer_net *iq, const int8_t *x, int8_t *out);
/* A float sample as NAME_predict of the float export takes it, to NAME.c's int8 input:
 * the input statistics applied, then round(x / s_x) saturated to [-127, 127]. */
void integer_input(const struct network *net, const struct export_weights *w,
                   const struct integer_net *iq, const float *x, int8_t *xq);

/* How the classes of the integer network compare with the float one's on c. */
void integer_report(FILE *out, const struct network *net, const struct export_weights *w,
                    const struct quantized *q, const struct integer_net *iq,
                    const struct calibration_set *c);

/* Write OUTDIR/NAME.h and OUTDIR/NAME.c (int8_integer_export.c). */
int emit_infer_integer(const struct network *net, const struct export_weights *w,
                       const struct quantized *q, const struct integer_net *iq,
                       const char *outdir, const char *command_line, char *errbuf,
                       size_t errlen);

#endif
