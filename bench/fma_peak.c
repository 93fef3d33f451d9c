/* fma_peak.c - this machine's peak single-precision FLOP/s, for 1 and 2 threads.
 *
 * Each thread runs ACCUMULATORS independent chains of fused multiply-adds on the widest
 * vectors the compiler targets (-march=native: 512 bits with AVX-512, 256 with AVX2), so
 * the FMA units never wait for a result: latency x units (4 x 2 on current x86) needs 8
 * chains; 12 leave a margin and still fit in the 16 registers of AVX2.  One FMA counts as
 * 2 FLOPs.  The best of several repetitions is the peak, by the wall clock and (on a
 * shared machine, what a core does in the time it is given) per second of the threads'
 * processor time.
 *
 *   cc -O2 -march=native -ffp-contract=fast -pthread fma_peak.c -o fma_peak
 *   ./fma_peak            # prints `key value` lines
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#if defined(__AVX512F__)
#define VECTOR_BYTES 64
#elif defined(__AVX__)
#define VECTOR_BYTES 32
#else
#define VECTOR_BYTES 16
#endif

#define LANES (VECTOR_BYTES / (int)sizeof(float))
#define ACCUMULATORS 12
#define ITERATIONS 100000000L    /* per repetition: ~0.2 s at 100 GFLOP/s */
#define REPETITIONS 5

typedef float vfloat __attribute__((vector_size(VECTOR_BYTES)));

typedef struct job {
    long iterations;
    float result;               /* keeps the chains alive */
    double cpu_seconds;         /* the thread's processor time for them */
} job;

static double seconds_of(clockid_t id)
{
    struct timespec t;

    clock_gettime(id, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* acc = acc * a + b converges to b / (1 - a) = 1: no overflow, no denormals. */
static void *fma_chains(void *arg)
{
    job *j = arg;
    vfloat acc[ACCUMULATORS], a, b, sum;
    const double cpu0 = seconds_of(CLOCK_THREAD_CPUTIME_ID);
    long i;
    int k;

    for (k = 0; k < LANES; k++) {
        a[k] = 0.999999f;
        b[k] = 1e-6f;
    }
    for (k = 0; k < ACCUMULATORS; k++)
        acc[k] = b * (float)k;
    for (i = 0; i < j->iterations; i++) {
#pragma GCC unroll 12
        for (k = 0; k < ACCUMULATORS; k++)
            acc[k] = acc[k] * a + b;
        __asm__ volatile("" : "+x"(a));      /* a is not a constant to fold */
    }
    sum = acc[0];
    for (k = 1; k < ACCUMULATORS; k++)
        sum += acc[k];
    j->result = sum[0];
    j->cpu_seconds = seconds_of(CLOCK_THREAD_CPUTIME_ID) - cpu0;
    return NULL;
}

/* GFLOP/s of `threads` threads running the chains at once (threads <= 8); per second
 * of the threads' processor time into *per_cpu_second (what a core does in the time it
 * is given: on a shared machine, not the wall clock's share of it). */
static double measure(int threads, double *per_cpu_second)
{
    pthread_t tid[8];
    job jobs[8];
    double t0, secs, cpu = 0;
    const double flops = (double)ITERATIONS * ACCUMULATORS * LANES * 2;
    int t;

    for (t = 0; t < threads; t++)
        jobs[t].iterations = ITERATIONS;
    t0 = seconds_of(CLOCK_MONOTONIC);
    for (t = 1; t < threads; t++)
        pthread_create(&tid[t], NULL, fma_chains, &jobs[t]);
    fma_chains(&jobs[0]);
    for (t = 1; t < threads; t++)
        pthread_join(tid[t], NULL);
    secs = seconds_of(CLOCK_MONOTONIC) - t0;
    if (jobs[0].result != jobs[0].result)
        fprintf(stderr, "fma_peak: NaN\n");
    for (t = 0; t < threads; t++)
        cpu += jobs[t].cpu_seconds;
    *per_cpu_second = threads * flops / cpu * 1e-9;
    return threads * flops / secs * 1e-9;
}

/* The best of REPETITIONS, by the wall clock; by processor time into *per_cpu_second. */
static double best_of(int threads, double *per_cpu_second)
{
    double best = 0, cpu;
    int r;

    *per_cpu_second = 0;
    for (r = 0; r < REPETITIONS; r++) {
        double g = measure(threads, &cpu);
        best = g > best ? g : best;
        *per_cpu_second = cpu > *per_cpu_second ? cpu : *per_cpu_second;
    }
    return best;
}

int main(void)
{
    double cpu1, cpu2;

    printf("fma_vector_bits %d\n", VECTOR_BYTES * 8);
    printf("fma_accumulators %d\n", ACCUMULATORS);
    printf("fma_gflops_1thread %.1f\n", best_of(1, &cpu1));
    printf("fma_gflops_2threads %.1f\n", best_of(2, &cpu2));
    printf("fma_gflops_per_cpu_second %.1f\n", cpu1 > cpu2 ? cpu1 : cpu2);
    return 0;
}
