/* emit.h - what both back ends (trainer/, infer/) print with; nothing here calls them.
 *
 * files.c re-checks the network, starts each file with its provenance and writes the
 * files all or nothing; names.c names each layer's generated symbols; network.c prints
 * what the trainer's and the export's files share (the layers' constants, the top of
 * NAME.c, the forward pass as calls); kernels.c the matrix products and exp_f every
 * layer calls; layer.c a layer's forward and backward (plain.c their sums as plain
 * loops, for netc --plain); activation.c activations and
 * their derivatives; literal.c numbers and strings as C literals; printer.c the
 * indented, printf-checked output they all write through.
 */
#ifndef NETC_EMIT_H
#define NETC_EMIT_H

#include <stddef.h>

#include "check/network.h"
#include "emit/printer.h"

struct export_weights;
struct quantized;
struct integer_net;

/* What every printer needs: the network, where to write, and the two spellings
 * of the prefix (functions and types use name, constants use NAME). */
struct emit {
    const struct network *net;
    struct printer *p;
    const char *name;                   /* "mnist": mnist_model, mnist_init */
    char up[NETC_MAX_NAME + 1];         /* "MNIST": MNIST_N_INPUT, MNIST_L1_IN */
    const char *command_line;
    const struct export_weights *weights;   /* --emit infer: the trained weights, else NULL */
    const struct quantized *quant;          /* --quantize int8: its weights and scales */
    const struct integer_net *integer;      /* --quantize int8-integer: its integer factors */
    int plain;              /* netc --plain: sums as loops under their equations (plain.c) */
};

/* The names of a layer's generated symbols (names.c: the one place that spells them),
 * for layer 0 (the first) of the network "mnist". */
enum {
    SYMBOL_MAX = NETC_MAX_NAME + 32,
    EXPR_MAX = 4 * SYMBOL_MAX,          /* a C expression of a few symbols */
};
struct layer_names {
    /* NAME.h's constants: its sizes, the offsets of its weights in param (trainer), its
     * leaky_relu slope */
    char in[SYMBOL_MAX], out[SYMBOL_MAX];           /* MNIST_L1_IN, MNIST_L1_OUT */
    /* the weight matrix W[units][fan_in]: a dense layer's OUT and IN, a conv layer's
     * filters and C·KH·KW (LENET_L1_OUT_C, LENET_L1_FAN_IN) */
    char units[SYMBOL_MAX], fan_in[SYMBOL_MAX];
    char wt[SYMBOL_MAX], b[SYMBOL_MAX];             /* MNIST_L1_WT, MNIST_L1_B */
    char alpha[SYMBOL_MAX];                         /* MNIST_L1_ALPHA */
    /* NAME.c's functions */
    char forward[SYMBOL_MAX], backward[SYMBOL_MAX]; /* layer1_forward, layer1_backward */
    char gradients[SYMBOL_MAX];                     /* layer1_gradients */
    /* conv: the input under each kernel position and back, the product at every position */
    char columns[SYMBOL_MAX], columns_back[SYMBOL_MAX];     /* layer1_columns, ..._back */
    char product[SYMBOL_MAX], product_back[SYMBOL_MAX];     /* layer1_product, ..._back */
    /* the trainer's arrays, members of NAME_model */
    char z[SYMBOL_MAX], a[SYMBOL_MAX];              /* l1_z, l1_a */
    char delta[SYMBOL_MAX], w[SYMBOL_MAX];          /* l1_delta, l1_w */
    char cols[SYMBOL_MAX], zt[SYMBOL_MAX];          /* conv: l1_cols, l1_zt */
    char dcols[SYMBOL_MAX], mask[SYMBOL_MAX];       /* conv: l1_dcols; dropout: l1_mask */
    /* the export's constant arrays: float weights; int8 weights and scales */
    char weights[SYMBOL_MAX], bias[SYMBOL_MAX];     /* mnist_l1_wt, mnist_l1_bias */
    char wq[SYMBOL_MAX], w_scale[SYMBOL_MAX];       /* mnist_l1_wq, mnist_l1_w_scale */
    char x_scale[SYMBOL_MAX], x_inv_scale[SYMBOL_MAX];  /* mnist_l1_x_scale, ..._x_inv_scale */
};
struct layer_names layer_names(const struct emit *e, int layer);
/* The shape constants of a conv or pooling layer (emit_layer_constants prints them; a
 * pool has no PAD_H, PAD_W, FAN_IN), for the printers of conv.c and pool.c. */
struct image_names {
    char in_c[SYMBOL_MAX], in_h[SYMBOL_MAX], in_w[SYMBOL_MAX];      /* LENET_L1_IN_C, ... */
    char out_c[SYMBOL_MAX], out_h[SYMBOL_MAX], out_w[SYMBOL_MAX];
    char kh[SYMBOL_MAX], kw[SYMBOL_MAX], sh[SYMBOL_MAX], sw[SYMBOL_MAX];   /* kernel, stride */
    char ph[SYMBOL_MAX], pw[SYMBOL_MAX], fan_in[SYMBOL_MAX], pos[SYMBOL_MAX];
};
struct image_names image_names(const struct emit *e, int layer);
/* Any other constant of a layer: layer_constant(buf, e, 0, "KH") is "LENET_L1_KH". */
void layer_constant(char buf[SYMBOL_MAX], const struct emit *e, int layer, const char *what);

/* Files (files.c): each back end lists its files and the printer of each. */
struct emit_file {
    const char *suffix;                     /* "NAME" + suffix */
    void (*emit)(const struct emit *);
};
/* The message into errbuf (errlen bytes, truncated), for `return emit_fail(...)`: -1. */
int emit_fail(char *errbuf, size_t errlen, const char *fmt, ...) PR_PRINTF(3, 4);
int emit_validate(const struct network *net, char *errbuf, size_t errlen);
void emit_start(struct emit *e, const struct network *net, const char *command_line);
/* Writes every file under a temporary name, renamed into place only when all are complete. */
int emit_write_files(struct emit *e, const char *outdir, const struct emit_file *files, int n,
                     char *errbuf, size_t errlen);
/* The comment NAME<suffix> starts with: what it is, netc's version, command, source, hash. */
void emit_provenance(const struct emit *e, const char *suffix, const char *what);
/* NAME.h's start: its provenance, then the include guard GUARD_NAME_H. */
void emit_header_open(const struct emit *e, const char *suffix, const char *guard,
                      const char *what);

/* What the trainer's and the export's files share (network.c). */
/* enum { NAME_Ln_IN, NAME_Ln_OUT (, NAME_Ln_WT, NAME_Ln_B: offsets into param) } per layer. */
void emit_layer_constants(const struct emit *e, int offsets);
/* The top of NAME.c: provenance, includes, notation, kernels, BATCH_ROWS (the register
 * block for block_of rows, spelt block_name in its comment) and the activations' constants. */
void emit_source_prelude(const struct emit *e, const char *what, const char *block_name,
                         int block_of);
/* "16 -> 10, sigmoid"; "1x28x28 -> 6x28x28, 6 filters of 5x5, stride 1, padding 2, relu" */
void emit_layer_description(const struct layer *L, char *buf, size_t n);
/* A layer function's comment opens with: "/+ Layer 2, "conv2" (line 5): <description>; what." */
void emit_layer_title(const struct emit *e, int layer, const char *what);
/* "784 -> 16 sigmoid -> 16 sigmoid -> 10 sigmoid" */
void emit_architecture(const struct network *net, char *buf, size_t n);

/* The forward pass as one call per layer, with the arguments' C expressions from
 * names(): the trainer's model struct, or the exported network's scratch buffers and
 * constant weights.  dense: layerN_forward(z, a, in, wt, bias, n); conv: (z, a, cols,
 * in, wt, bias, n); pools: (a, in, n); dropout: the trainer's (a, mask, in, row0, n,
 * m->dropout_key, m->training), an export's (a, in, n). */
struct forward_names {
    char z[EXPR_MAX], a[EXPR_MAX], in[EXPR_MAX], wt[EXPR_MAX], bias[EXPR_MAX];
    char cols[EXPR_MAX], zt[EXPR_MAX];      /* conv: its columns; int8: position-major z */
    char mask[EXPR_MAX], row0[EXPR_MAX];    /* the trainer's dropout: mask, first row */
};
typedef void forward_names_fn(const struct emit *e, int layer, struct forward_names *n);
void emit_forward_calls(const struct emit *e, forward_names_fn *names, const char *n);

/* Literals (literal.c).  Each returns buf. */
enum { LIT_MAX = 40 };
const char *lit_float(char buf[LIT_MAX], double x);     /* "0.01f", "3.0f" */
const char *lit_double(char buf[LIT_MAX], double x);    /* "0.01", "3.0": round-trips */
void pr_string_literal(struct printer *p, const char *prefix, const char *s, const char *suffix);
void comment_safe(char *dst, size_t n, const char *s);  /* no newline, no end of comment */

/* Activations (activation.c). */
int act_is_elementwise(enum activation a);
/* Whether act_derivative_expr reads the stored activation a, or z (linear: neither). */
int act_derivative_reads_a(enum activation a);
int act_derivative_reads_z(enum activation a);
const char *act_equation(enum activation a);            /* "σ(z) = 1 / (1 + e^−z)" */
const char *act_derivative_equation(enum activation a); /* "σ'(z) = σ(z)(1 − σ(z))" */
/* The C expression of f'(z) from the array elements named a and z, e.g. "a[k] * (1.0f - a[k])". */
void act_derivative_expr(const struct emit *e, int layer, const char *a, const char *z,
                         char *buf, size_t n);
void emit_activation_constants(const struct emit *e);
/* Whether layerN_backward takes x = a_prev and z_prev (for f'_prev). */
int layer_backward_reads_a(const struct emit *e, int layer);
int layer_backward_reads_z(const struct emit *e, int layer);
/* Inside a forward function: out = f(z) for B rows of OUT (names of the local arrays). */
void emit_activation_forward(const struct emit *e, int layer);
/* `float max = ...` over the row zb[0..width): softmax's shift, shared by the
 * activation and the cross-entropy it feeds. */
void emit_row_max(struct printer *p, const char *width);

/* Kernels (kernels.c): vectors, exp_f and the small matrix products, printed
 * in the trainer's NAME_kernels.h (the file, whole) or at the top of the exported
 * NAME.c (the forward kernels); the rows of a register block for n rows. */
void emit_kernels_header(const struct emit *e);
void emit_kernels(const struct emit *e);
/* prelude.h and exp_f.h alone, for the int8 export's activations. */
void emit_kernels_exp(const struct emit *e);
int kernel_block_rows(int n);       /* samples per block (BATCH_ROWS) */
int kernel_gradient_rows(int n, int batch);   /* rows of dWT per block, for IN = n */

/* Layers (layer.c). */
void emit_layer_forward(const struct emit *e, int layer);
void emit_layer_backward(const struct emit *e, int layer);     /* layer >= 1: δ_prev */
void emit_layer_gradients(const struct emit *e, int layer);    /* ∂C/∂W, ∂C/∂b */

/* The other layer kinds, as emit_layer_forward / backward print them (conv.c, pool.c,
 * dropout.c); derivative: f'_prev as a C expression of x[k] and z_prev[k], "" if linear. */
void emit_conv_forward(const struct emit *e, int layer);
void emit_conv_backward(const struct emit *e, int layer, const char *derivative);
/* layerN_delta_positions(dt, delta, B): a conv layer's error in its gradients' order. */
void emit_conv_delta_positions(const struct emit *e, int layer);
/* The body of a conv layer's layerN_gradients (its B: samples). */
void emit_conv_gradients(const struct emit *e, int layer);
void emit_pool_forward(const struct emit *e, int layer);
void emit_pool_backward(const struct emit *e, int layer, const char *derivative);
void emit_dropout_forward(const struct emit *e, int layer);   /* an export's: a copy */
void emit_dropout_backward(const struct emit *e, int layer, const char *derivative);
void emit_dropout_keeps(const struct emit *e);      /* the masks' generator, once per NAME.c */
long long dropout_threshold(double rate);           /* round(p · 2^24) */

/* netc --plain (plain.c): the loops printed in place of the kernels' calls, under the
 * equations of layerN_forward, layerN_backward and (the whole body) layerN_gradients. */
void emit_plain_forward(const struct emit *e, const struct layer_names *n);
void emit_plain_backward(const struct emit *e, const struct layer_names *n);
void emit_plain_gradients(const struct emit *e, const struct layer_names *n);

#endif
