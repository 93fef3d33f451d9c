/* calibration.h - the training samples `--quantize int8` calibrates its scales on. */
#ifndef NETC_CALIBRATION_H
#define NETC_CALIBRATION_H

#include <stddef.h>

#include "check/network.h"

/* Calibration uses the first this many training samples (all of them if fewer). */
enum { CALIBRATION_SAMPLES = 2000 };

/* n rows of net->input_size floats, as NAME_predict takes them: IDX images scaled as the
 * trainer scales them (bytes / 255 unless the data block says otherwise), CSV features as
 * they are (the exported code applies any input statistics itself); labels or NULL. */
struct calibration_set {
    char *source;               /* the file, for messages and the error table */
    float *x;
    int *labels;
    int n;
};

/* The first CALIBRATION_SAMPLES samples of path (IDX images, told by their magic, or
 * CSV rows of N_INPUT features, or of N_INPUT + 1 with the label in the data block's
 * label_column), or without a path of the data block's training file.  Returns 0;
 * -1 with the reader's message (a bad or mismatched file: exit 1); -2 when there is no
 * file to read (a usage error). */
int calibration_load(const struct network *net, const char *path, struct calibration_set *c,
                     char *errbuf, size_t errlen);
void calibration_free(struct calibration_set *c);

#endif
