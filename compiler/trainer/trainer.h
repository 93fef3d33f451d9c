/* trainer.h - the trainer back end: a checked network in, a specialised trainer out. */
#ifndef NETC_TRAINER_H
#define NETC_TRAINER_H

#include <stddef.h>

#include "check/network.h"

/* Write OUTDIR/NAME.h, OUTDIR/NAME.c, OUTDIR/NAME_kernels.h and OUTDIR/NAME_main.c for
 * `net` (NAME is net->name).  command_line is quoted in each file's provenance comment.
 * Every file is written under a temporary name and renamed into place only when all are
 * complete, so a failure leaves no partial output.  With plain (netc --plain), NAME.c
 * writes each layer's sums out as loops under their equations instead of calling the
 * kernels.  Returns 0, or -1 with a message (naming the path on I/O errors) in errbuf. */
int emit_model(const struct network *net, const char *outdir, const char *command_line,
               int plain, char *errbuf, size_t errlen);

#endif
