/* emit.h - the C code generator: a checked network in, a specialised trainer out. */
#ifndef NETC_EMIT_H
#define NETC_EMIT_H

#include <stddef.h>

#include "network.h"

/* Write OUTDIR/NAME.h, OUTDIR/NAME.c and OUTDIR/NAME_main.c for `net` (NAME is
 * net->name).  command_line is quoted in each file's provenance comment.  Every file
 * is written under a temporary name and renamed into place only when all three are
 * complete, so a failure leaves no partial output.  Returns 0, or -1 with a message
 * (naming the path on I/O errors) in errbuf. */
int emit_model(const struct network *net, const char *outdir, const char *command_line,
               char *errbuf, size_t errlen);

struct export_weights;
struct quantized;

/* Write OUTDIR/NAME.h and OUTDIR/NAME.c: the forward pass alone with the weights w baked
 * in, for other programs (docs/export.md); in int8 arithmetic with q's quantised weights
 * and scales (quantize.h), or in float when q is NULL.  All or nothing, as emit_model. */
int emit_infer(const struct network *net, const struct export_weights *w,
               const struct quantized *q, const char *outdir, const char *command_line,
               char *errbuf, size_t errlen);

#endif
