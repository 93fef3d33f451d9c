/* model/rng.h - seeded, deterministic random numbers (xoshiro256** seeded by splitmix64). */
#ifndef NETC_MODEL_RNG_H
#define NETC_MODEL_RNG_H

#include <stdint.h>

typedef struct netc_rng {
    uint64_t s[4];
} netc_rng;

/* Seeds the four words of state from `seed` with splitmix64 (any seed is fine). */
void netc_rng_seed(netc_rng *rng, uint64_t seed);
/* Whether the state is one xoshiro256** can be in: not all zeros (which it never
 * reaches from a seed, and never leaves: every draw would be 0). */
int netc_rng_valid(const netc_rng *rng);
/* Next 64 random bits (xoshiro256**). */
uint64_t netc_rng_next(netc_rng *rng);
/* Uniform float in [0, 1), 24 random bits. */
float netc_rng_uniform(netc_rng *rng);
/* Uniform integer in [0, n), without modulo bias; n > 0. */
uint32_t netc_rng_below(netc_rng *rng, uint32_t n);
/* Fisher-Yates shuffle of idx[0..n). */
void netc_rng_shuffle(netc_rng *rng, int *idx, int n);

#endif
