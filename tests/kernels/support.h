/* support.h - what the kernel suites (test_kernels.c, test_sparse.c) share: whether this
 * processor runs a build, and the cases' random numbers. */
#ifndef NETC_TEST_KERNEL_SUPPORT_H
#define NETC_TEST_KERNEL_SUPPORT_H

#include <stdint.h>

/* Whether this processor has every feature `needs` names ("avx2 fma", "avx512vnni", ...;
 * "" for none): of avx2, fma, avx512f, avx512bw and avx512vnni.  Off x86, only "". */
int processor_has(const char *needs);

/* A linear congruential generator: a case sets test_rng_state to its own seed first, so
 * that each case's numbers do not depend on which ran before it. */
extern uint64_t test_rng_state;
uint32_t test_rng_next(void);
/* Uniform in [-1, 1), with all 24 bits of the mantissa in play. */
float test_rng_float(void);

#endif
