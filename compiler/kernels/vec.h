// vec.h - vectors of 8 floats, as statements: GNU vectors for gcc and clang (one AVX
// register), a struct of 8 floats elsewhere or with NETC_PORTABLE; the same sums.
// Needs <string.h>.  A fragment of generated C (README.md).
enum { VW = 8 };   /* floats per vector */

/* Vector operations as statements (vectors never cross a function boundary):
 * V_ZERO(v), V_LOAD(v, p) and V_STORE(p, v) for VW floats at p, V_ADD(acc, v):
 * acc = acc + v, and V_MADD(acc, s, w): acc = acc + s·w, lane by lane, for a float
 * s; V_KEEP(v): v stays
 * in a register (gcc would fold its load into each multiply-add using it, loading
 * the same vector once per row of a block, and the loop would wait on loads). */
#if defined(__GNUC__) && !defined(NETC_PORTABLE) && __FLT_EVAL_METHOD__ == 0
/* gcc and clang map this onto SIMD registers (one AVX register, two SSE, ...); not
 * where float arithmetic is wider (x87: FLT_EVAL_METHOD 2), which has no SIMD anyway */
typedef float vec __attribute__((vector_size(VW * sizeof(float))));
/* a vec at any float's address, for stores: gcc expands a memcpy of the sums into
 * the output as a copy through the stack, 16 bytes at a time (W1's weight gradient,
 * short sums over 10 samples, ran 15 % slower) */
typedef float vec_at_float
    __attribute__((vector_size(VW * sizeof(float)), aligned(sizeof(float)), may_alias));
#define V_ZERO(v) ((v) = (vec){ 0 })
#define V_LOAD(v, p) memcpy(&(v), (p), sizeof(v))
#define V_STORE(p, v) ((void)(*(vec_at_float *)(void *)(p) = (v)))
#if defined(__AVX__)                /* a vec is one ymm register */
#define V_KEEP(v) __asm__("" : "+x"(v))
#else
#define V_KEEP(v) ((void)0)
#endif
#define V_ADD(acc, v) ((acc) = (acc) + (v))
#if defined(__FMA__) && defined(__AVX__)
/* one rounding: vfmadd on the 8 lanes */
#define V_MADD(acc, s, w) \
    ((acc) = __builtin_ia32_vfmaddps256((w), (vec){ (s), (s), (s), (s), (s), (s), (s), (s) }, \
                                        (acc)))
#elif defined(__wasm_relaxed_simd__) && __clang_major__ >= 16
/* WebAssembly with relaxed SIMD (netc --emit web's NAME_relaxed.wasm): f32x4.relaxed_madd
 * on each half, which a browser runs as a fused multiply-add (one rounding, as vfmadd
 * above) where the processor has one, else as a multiply then an add.  clang 16 emits
 * the standard's opcodes; clang 14's were a draft's. */
typedef float vec_half __attribute__((vector_size(VW / 2 * sizeof(float))));
static NETC_INLINE vec v_madd_halves(vec acc, float s, vec w)
{
    const vec_half sv = { s, s, s, s };
    const vec_half lo = __builtin_wasm_relaxed_madd_f32x4(
        __builtin_shufflevector(w, w, 0, 1, 2, 3), sv,
        __builtin_shufflevector(acc, acc, 0, 1, 2, 3));
    const vec_half hi = __builtin_wasm_relaxed_madd_f32x4(
        __builtin_shufflevector(w, w, 4, 5, 6, 7), sv,
        __builtin_shufflevector(acc, acc, 4, 5, 6, 7));
    return __builtin_shufflevector(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7);
}
#define V_MADD(acc, s, w) ((acc) = v_madd_halves((acc), (s), (w)))
#else
#define V_MADD(acc, s, w) ((acc) = (acc) + (s) * (w))
#endif
#else
/* the portable path: the same operations, one lane at a time */
typedef struct { float lane[VW]; } vec;
#define V_ZERO(v) memset((v).lane, 0, sizeof (v).lane)
#define V_LOAD(v, p) memcpy((v).lane, (p), sizeof (v).lane)
#define V_STORE(p, v) memcpy((p), (v).lane, sizeof (v).lane)
#define V_KEEP(v) ((void)0)
#define V_ADD(acc, v) \
    do { \
        for (int l_ = 0; l_ < VW; l_++) \
            (acc).lane[l_] = (acc).lane[l_] + (v).lane[l_]; \
    } while (0)
#define V_MADD(acc, s, w) \
    do { \
        for (int l_ = 0; l_ < VW; l_++) \
            (acc).lane[l_] = (acc).lane[l_] + (s) * (w).lane[l_]; \
    } while (0)
#endif
