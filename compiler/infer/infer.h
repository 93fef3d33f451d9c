/* infer.h - the inference back end: the forward pass alone, trained weights built in. */
#ifndef NETC_INFER_H
#define NETC_INFER_H

#include <stddef.h>

#include "check/network.h"

struct export_weights;
struct quantized;

/* Write OUTDIR/NAME.h and OUTDIR/NAME.c: the forward pass alone with the weights w baked
 * in, for other programs (docs/export.md); in int8 arithmetic with q's quantised weights
 * and scales (quantize.h), or in float when q is NULL.  All or nothing, as emit_model. */
int emit_infer(const struct network *net, const struct export_weights *w,
               const struct quantized *q, const char *outdir, const char *command_line,
               char *errbuf, size_t errlen);

#endif
