/* kernels.c - the small matrix products and the exponential every layer uses.
 *
 * The kernels are C files of their own, compiler/kernels/ (their README says which
 * does what), embedded into netc at build time: tools/embed.sh makes each one the
 * lines of a string array, $(BUILD)/kernels/NAME.inc, included below.  They are
 * printed into the trainer's NAME_kernels.h, which NAME.c includes (so that NAME.c
 * reads as the network), or at the top of the exported NAME.c (the forward pass
 * alone: without the training kernels).  The kernels are the same for every network;
 * what specialises them is that each call site passes compile-time sizes (the layer's
 * IN and OUT, the register block), and the kernels are inlined there.
 *
 * The vector shape is pinned, not left to the auto-vectoriser: `vec` is 8 floats,
 * a GNU vector type for gcc and clang, a struct of 8 floats otherwise (or when
 * NETC_PORTABLE is defined, as the tests do).  Vectors only ever run across
 * independent outputs, never along a sum, so both paths add the same numbers in
 * the same order, whatever the vector width or block size: an output's sum over k
 * goes in fixed chunks of 128 terms, each in order, the chunk sums then in order
 * (see matmul); a weight gradient's sum over the batch runs over b = 0, 1, 2, ...
 * tests/kernels/ holds them to the plain loops of compiler/kernels/reference.h.
 */
#include "emit/emit.h"

/* compiler/kernels/NAME.h, one string per line */
static const char *const prelude_h[] = {
#include "kernels/prelude.inc"
};
static const char *const vec_h[] = {
#include "kernels/vec.inc"
};
static const char *const exp_f_h[] = {
#include "kernels/exp_f.inc"
};
static const char *const matmul_h[] = {
#include "kernels/matmul.inc"
};
static const char *const conv_h[] = {
#include "kernels/conv.inc"
};
static const char *const sparse_h[] = {
#include "kernels/sparse.inc"
};
static const char *const gradients_h[] = {
#include "kernels/gradients.inc"
};
static const char *const transpose_h[] = {
#include "kernels/transpose.inc"
};
static const char *const share_h[] = {
#include "kernels/share.inc"
};

/* Whether a conv layer's forward (conv_product) is part of the network. */
static int has_conv_layer(const struct network *net)
{
    for (int l = 0; l < net->nlayers; l++)
        if (net->layers[l].kind == LAYER_CONV)
            return 1;
    return 0;
}

/* Whether the first layer is dense: its products skip zero inputs (sparse.h). */
static int has_dense_input(const struct network *net)
{
    return net->nlayers > 0 && net->layers[0].kind == LAYER_DENSE;
}

/* A kernel file, then a blank line. */
#define PRINT_KERNEL(e, text)                                        \
    do {                                                             \
        pr_lines((e)->p, (text), sizeof(text) / sizeof((text)[0])); \
        pr_blank((e)->p);                                            \
    } while (0)

/* NAME_kernels.h: included once, by the trainer's NAME.c; everything in it static. */
void emit_kernels_header(const struct emit *e)
{
    char what[NETC_MAX_NAME + 96];
    if (e->plain)
        snprintf(what, sizeof what, "e^x, the transpose and the threads' shares, for %s.c's "
                 "plain loops.", e->name);
    else
        snprintf(what, sizeof what, "the arithmetic %s.c's layers call: vectors, e^x, "
                 "matrix products.", e->name);
    emit_header_open(e, "_kernels.h", "NETC_KERNELS", what);
    pr_line(e->p, "#include <math.h>");
    pr_line(e->p, "#include <stdint.h>");
    pr_line(e->p, "#include <string.h>");
    pr_blank(e->p);
    emit_kernels(e);
    pr_line(e->p, "#endif");
}

/* netc --plain: NAME.c writes its sums out as loops (plain.c); it still calls exp_f for
 * its activations, transpose for W and share for the threads' work. */
static void emit_plain_kernels(const struct emit *e)
{
    pr_line(e->p, "/* ---- Kernels: e^x, the transpose, the threads' shares ---- */");
    pr_blank(e->p);
    PRINT_KERNEL(e, prelude_h);
    PRINT_KERNEL(e, exp_f_h);
    PRINT_KERNEL(e, transpose_h);
    PRINT_KERNEL(e, share_h);
}

/* The int8 export (infer/int8.c): e^x for its float activations, and what it needs. */
void emit_kernels_exp(const struct emit *e)
{
    PRINT_KERNEL(e, prelude_h);
    PRINT_KERNEL(e, exp_f_h);
}

void emit_kernels(const struct emit *e)
{
    if (e->plain) {
        emit_plain_kernels(e);
        return;
    }
    pr_line(e->p, "#define NETC_PACK_PANELS %d   /* see PANEL_ROWS */", e->weights ? 0 : 1);
    pr_line(e->p, "/* ---- Kernels: vectors of 8 floats, e^x, and small matrix products ---- */");
    pr_blank(e->p);
    PRINT_KERNEL(e, prelude_h);
    PRINT_KERNEL(e, vec_h);
    PRINT_KERNEL(e, exp_f_h);
    PRINT_KERNEL(e, matmul_h);
    if (has_conv_layer(e->net))
        PRINT_KERNEL(e, conv_h);
    if (e->weights) {       /* the inference export has no backward pass */
        if (has_dense_input(e->net))
            PRINT_KERNEL(e, sparse_h);
        pr_blank(e->p);
        return;
    }
    PRINT_KERNEL(e, gradients_h);
    if (has_dense_input(e->net))   /* its input_outer_sum calls outer_sum */
        PRINT_KERNEL(e, sparse_h);
    PRINT_KERNEL(e, transpose_h);
    PRINT_KERNEL(e, share_h);
}

/* The register blocks: up to MAX_R (6) rows × 2 vectors, 12 accumulators of the 16
 * vector registers (AVX2); all n rows when fewer than 6.  Measured on W1-W3 (make
 * bench): samples of a batch go 6 at a time (5 when that divides the batch and 6 does
 * not), the last n % 6 making one smaller block (matmul_rest).  Rows of a weight
 * gradient go 6 at a time for batches of 64 and more (each sum over the batch is long
 * enough that 12 accumulators pay: 784-512-512-10 at batch 128 gains 10-15 %); for
 * smaller batches by the largest divisor of IN from 6 down to 4, else 6 and one
 * smaller block (outer_rest). */
int kernel_block_rows(int n)
{
    if (n < 6)
        return n;
    return n % 6 != 0 && n % 5 == 0 ? 5 : 6;
}

int kernel_gradient_rows(int n, int batch)
{
    if (n < 6)
        return n;
    if (batch >= 64)
        return 6;
    for (int r = 6; r >= 4; r--)
        if (n % r == 0)
            return r;
    return 6;
}
