/* variant.h - one build of the float kernels (compiler/kernels/), for test_kernels.c.
 *
 * The kernels are static functions whose shape is fixed when they are compiled: GNU
 * vectors or NETC_PORTABLE's structs, fused multiply-adds or not (the machine's
 * instructions), packed panels or not (NETC_PACK_PANELS: 1 in trainers, 0 in exported
 * code).  Each tests/kernels/VARIANT.c compiles them once, as instantiate.h says, and
 * hands them over in a struct kernel_variant; the suite runs the same cases on all.
 */
#ifndef NETC_TEST_KERNEL_VARIANT_H
#define NETC_TEST_KERNEL_VARIANT_H

struct kernel_variant {
    const char *name;       /* "vector, packed panels" */
    int built;              /* 0: not for this compiler or machine (avx2.c elsewhere) */
    const char *needs;      /* the processor features it runs on ("avx2 fma"), or "" */
    /* 1 when V_MADD rounds once (a fused multiply-add), as measured in this build */
    int (*madd_fuses)(void);
    void (*matmul)(float *out, const float *x, const float *w, const float *init, int B,
                   int K, int N, int R);
    void (*conv_product)(float *z, const float *wt, const float *cols, const float *bias,
                         int O, int K, int P, int R);
    /* the training kernels: NULL in the builds of exported code */
    void (*outer_sum)(float *dw, const float *x, const float *d, int B, int K, int N,
                      int R, int k_lo, int k_hi);
    void (*column_sum)(float *dbias, const float *delta, int B, int N, int o_lo, int o_hi);
    void (*transpose)(float *w, const float *wt, int K, int N, int o_lo, int o_hi);
    void (*share)(int n, int align, int t, int T, int *lo, int *hi);
    float (*exp_f)(float x);
    /* sparse.h, a network's first layer: matmul's and outer_sum's bits, skipping zero
     * inputs (input_outer_sum: NULL in the builds of exported code) */
    void (*input_product)(float *out, const float *x, const float *w, const float *init,
                          int B, int K, int N, int R);
    void (*input_outer_sum)(float *dw, const float *x, const float *d, int B, int K, int N,
                            int R, int k_lo, int k_hi);
    /* conv.h: a row of a conv layer's columns */
    void (*copy_floats)(float *dst, const float *src, int n);
};

/* tests/kernels/NAME.c */
extern const struct kernel_variant kernels_trainer, kernels_export, kernels_portable,
    kernels_portable_export, kernels_avx2, kernels_avx2_export;

#endif
