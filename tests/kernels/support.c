/* support.c - see support.h. */
#include <string.h>

#include "support.h"

int processor_has(const char *needs)
{
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    if (strstr(needs, "avx2") && !__builtin_cpu_supports("avx2"))
        return 0;
    if (strstr(needs, "fma") && !__builtin_cpu_supports("fma"))
        return 0;
    if (strstr(needs, "avx512f") && !__builtin_cpu_supports("avx512f"))
        return 0;
    if (strstr(needs, "avx512bw") && !__builtin_cpu_supports("avx512bw"))
        return 0;
    if (strstr(needs, "avx512vnni") && !__builtin_cpu_supports("avx512vnni"))
        return 0;
    return 1;
#else
    return needs[0] == 0;
#endif
}

uint64_t test_rng_state;

uint32_t test_rng_next(void)
{
    test_rng_state = test_rng_state * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(test_rng_state >> 32);
}

float test_rng_float(void)
{
    return (float)((int32_t)test_rng_next()) * 0x1p-31f;
}
