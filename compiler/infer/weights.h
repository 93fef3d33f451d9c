/* weights.h - a trained network's weights, read for `--emit infer`. */
#ifndef NETC_EXPORT_WEIGHTS_H
#define NETC_EXPORT_WEIGHTS_H

#include <stddef.h>

#include "check/network.h"

/* Per layer with weights, W^T[fan_in][units] (the trainer's layout: a dense layer's
 * W^T[in][out], a conv layer's W^T[C·KH·KW][filters]) and bias[units]; NULL for pooling
 * and dropout layers.  And the input scaling the trainer applies before the first layer,
 * x' = (x - offset) / range, when the file holds statistics (input.min/max or
 * input.mean/std), else n_scale = 0. */
struct export_weights {
    const char *path;
    float **wt, **bias;
    int n_scale;
    float *scale_offset, *scale_range;  /* n_scale floats each; range already "> 0 or 1" */
    enum scaling scale;                 /* SCALE_UNIT: input.min/max, SCALE_STANDARDIZE:
                                         * input.mean/std (SCALE_NONE: n_scale = 0) */
};

/* Reads path and checks it against net as the trainer does (runtime/io/weights_check.h):
 * every tensor's shape, finite values, a standard deviation above 0, and the network that
 * saved it (another one only with allow_other, --allow-other-network): 0, or -1 with a
 * message naming the file and the tensor in errbuf. */
int export_weights_read(const struct network *net, const char *path, int allow_other,
                        struct export_weights *w, char *errbuf, size_t errlen);
void export_weights_free(const struct network *net, struct export_weights *w);

#endif
