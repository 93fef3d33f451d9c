/* web_internal.h - between the web back end's files: web.c runs them, glue.c writes
 * NAME_web.c, page.c writes NAME.html. */
#ifndef NETC_WEB_INTERNAL_H
#define NETC_WEB_INTERNAL_H

#include <stddef.h>

#include "check/network.h"
#include "emit/emit.h"
#include "io/idx.h"

enum { WEB_SIDE = 28, WEB_CLASSES = 10 };

/* What the page carries: the digits, the compiled module, the starting weights. */
struct web_data {
    netc_idx train_images, train_labels, test_images, test_labels;
    char source[4096];                      /* the training images' file, for the page */
    unsigned char *wasm;                    /* NAME.wasm's bytes (WebAssembly SIMD) */
    size_t wasm_size;
    unsigned char *relaxed;                 /* NAME_relaxed.wasm's (relaxed SIMD), or NULL */
    size_t relaxed_size;
    const struct export_weights *weights;   /* NULL: the seed's */
};

/* OUTDIR/NAME_web.c: the page's entry points around NAME.c (glue.c). */
int web_write_glue(const struct network *net, const char *outdir, const char *command_line,
                   char *errbuf, size_t errlen);
/* OUTDIR/NAME.html: the page with everything inside it (page.c). */
int web_write_page(const struct network *net, const struct web_data *d, const char *outdir,
                   const char *command_line, char *errbuf, size_t errlen);

#endif
