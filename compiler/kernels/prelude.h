// prelude.h - how every kernel file is compiled: gcc's floating-point options (no
// implicit fused multiply-adds, no traps) and NETC_INLINE.  Comes first.
// The files of this folder are fragments of generated C, not netc's own code:
// compiler/emit/kernels.c pastes them into every trainer's NAME_kernels.h and every
// exported NAME.c (tools/embed.sh leaves out these opening "//" lines); README.md.
#if defined(__GNUC__) && !defined(__clang__)
/* No implicit fused multiply-adds: gcc's default (fp-contract=fast) fuses a + b·c
 * wherever it finds one after inlining and vectorisation, and its tunings for some
 * machines avoid chains of them, so the same sum could be rounded differently in
 * two places (one sample or a batch, one thread or several).  The kernels' vector
 * multiply-adds are fused explicitly (V_MADD) where the machine has FMA; clang fuses
 * only within one expression, the same way everywhere.  No floating-point traps
 * (nothing here reads the exception flags) so that branch-free selects such as
 * exp_f's clamps vectorise; results are unchanged. */
#pragma GCC optimize("fp-contract=off", "no-trapping-math")
#endif

#if defined(__GNUC__)
#define NETC_INLINE __attribute__((always_inline)) inline
#else
#define NETC_INLINE inline
#endif
