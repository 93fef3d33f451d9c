/* web.h - the web back end: a checked network in, a page that draws, runs and trains it
 * in a browser out, with netc's generated C compiled to WebAssembly (docs/web.md). */
#ifndef NETC_WEB_H
#define NETC_WEB_H

#include <stddef.h>

#include "check/network.h"

struct export_weights;

/* What the page is made from besides the network. */
struct web_options {
    const struct export_weights *weights;   /* --weights, read by the driver; NULL: the
                                             * page starts from the seed's weights */
    const char *data_dir;   /* MNIST's four IDX files, for the embedded digits */
    const char *wasm_cc;    /* the C compiler with a wasm32 target [$NETC_WASM_CC, else
                             * clang-16 if installed, else clang] */
};

/* The MNIST digits the page carries: the first WEB_N_TRAIN training images (the
 * training subset) and the first WEB_N_TEST test images (accuracy, and the buttons). */
enum { WEB_N_TRAIN = 3000, WEB_N_TEST = 1000 };

/* Writes OUTDIR/NAME_web.c (the page's entry points around the trainer's NAME.c, which
 * the driver has written into OUTDIR), compiles it with NAME.c to OUTDIR/NAME.wasm (and
 * OUTDIR/NAME_relaxed.wasm with clang 16 or later) and writes OUTDIR/NAME.html: the page,
 * with the WebAssembly, the weights and the digits
 * inside it (it opens from file://, nothing fetched).  Returns 0, or -1 with a message
 * in errbuf (what to install when the toolchain is missing). */
int emit_web(const struct network *net, const struct web_options *o, const char *outdir,
             const char *command_line, char *errbuf, size_t errlen);

#endif
