/* rng.c - deterministic random numbers: xoshiro256** seeded through splitmix64.
 *
 * The state lives in a netc_rng the caller owns, so the same seed always gives the
 * same sequence (training runs are reproducible bit for bit). */
#include "model/rng.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void netc_rng_seed(netc_rng *rng, uint64_t seed)
{
    int i;

    for (i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&seed);
}

uint64_t netc_rng_next(netc_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

float netc_rng_uniform(netc_rng *rng)
{
    return (float)(netc_rng_next(rng) >> 40) * (1.0f / 16777216.0f);
}

int netc_rng_valid(const netc_rng *rng)
{
    return (rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) != 0;
}

/* Lemire's multiply-and-reject: unbiased for every n.  A draw is rejected with
 * probability below 1/2, so a working generator is rejected 64 times in a row with
 * probability below 2^-64; a broken one (the all-zero state gives 0 for ever) would be
 * for ever: after 64 the last draw is taken instead of looping. */
uint32_t netc_rng_below(netc_rng *rng, uint32_t n)
{
    uint64_t m = (netc_rng_next(rng) >> 32) * (uint64_t)n;
    uint32_t low = (uint32_t)m;
    int tries;

    if (low < n) {
        uint32_t threshold = (uint32_t)(-n) % n;
        for (tries = 0; low < threshold && tries < 64; tries++) {
            m = (netc_rng_next(rng) >> 32) * (uint64_t)n;
            low = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

void netc_rng_shuffle(netc_rng *rng, int *idx, int n)
{
    int i;

    for (i = n - 1; i > 0; i--) {
        int j = (int)netc_rng_below(rng, (uint32_t)i + 1);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
}
