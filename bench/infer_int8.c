/* infer_int8.c - bench/int8.sh's program: one network's float export and its int8
 * export linked into one program (-DF=w1f -DF_UP=W1F -DQ=w1q -DQ_UP=W1Q: the networks'
 * names, upper-case too, and headers F.h and Q.h), MNIST images in and classes out,
 * timed side by side on the MNIST test images, so that load on the machine hits both
 * alike.
 *
 *   infer_int8 IMAGES LABELS REPEAT
 *   infer_int8 --isa        the instructions the int8 kernels were compiled to use
 *
 * prints `key value` lines for report.py: each export's test accuracy (correct images of
 * the 10,000), and its samples/s through NAME_predict_batch over all the images and
 * through NAME_predict one image per call; each rate is the median of REPEAT passes, a
 * float pass and an int8 pass taking turns, after one untimed pass of each.  A pass is
 * timed by this thread's processor time (CLOCK_THREAD_CPUTIME_ID), which other jobs on a
 * shared machine do not inflate as they do the wall-clock time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STR2(x) #x
#define STR(x) STR2(x)
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#include STR(F.h)
#include STR(Q.h)

typedef void predict_fn(const float *x, float *out);
typedef void batch_fn(const float *x, float *out, int n);

struct exported {
    const char *name;
    predict_fn *predict;
    batch_fn *batch;
    int n_in, n_out;
};

static const struct exported exports[2] = {
    { "float", CAT(F, _predict), CAT(F, _predict_batch), CAT(F_UP, _N_INPUT), CAT(F_UP, _N_OUTPUT) },
    { "int8", CAT(Q, _predict), CAT(Q, _predict_batch), CAT(Q_UP, _N_INPUT), CAT(Q_UP, _N_OUTPUT) },
};

/* The items of an IDX file of bytes (16-byte header for images, 8 for labels). */
static unsigned char *read_idx(const char *path, size_t header, size_t item, int *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char head[16];
    if (!f || fread(head, 1, header, f) != header) {
        fprintf(stderr, "infer_int8: cannot read %s\n", path);
        exit(1);
    }
    *n = (int)((unsigned)head[4] << 24 | (unsigned)head[5] << 16 | (unsigned)head[6] << 8 | head[7]);
    unsigned char *data = malloc((size_t)*n * item);
    if (!data || fread(data, item, (size_t)*n, f) != (size_t)*n) {
        fprintf(stderr, "infer_int8: %s is short\n", path);
        exit(1);
    }
    fclose(f);
    return data;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Samples per second of one pass over the n images: batched or one per call. */
static double pass(const struct exported *e, const float *x, float *y, int n, int batched)
{
    const double t0 = now_s();
    if (batched)
        e->batch(x, y, n);
    else
        for (int i = 0; i < n; i++)
            e->predict(x + (size_t)i * e->n_in, y + (size_t)i * e->n_out);
    return n / (now_s() - t0);
}

static int by_value(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int correct(const float *y, const unsigned char *labels, int n, int n_out)
{
    int right = 0;
    for (int i = 0; i < n; i++) {
        const float *yi = y + (size_t)i * n_out;
        int best = 0;
        for (int k = 1; k < n_out; k++)
            best = yi[k] > yi[best] ? k : best;
        right += best == labels[i];
    }
    return right;
}

/* int8.h's choice, from the same macros (compiler/kernels/int8.h). */
static const char *int8_isa(void)
{
#if defined(NETC_PORTABLE)
    return "portable C (NETC_PORTABLE)";
#elif defined(__AVX512VNNI__) && defined(__AVX512BW__)
    return "AVX-512 VNNI (vpdpbusd, 512-bit)";
#elif defined(__AVX2__)
    return "AVX2 (vpmaddubsw + vpmaddwd, 256-bit)";
#elif defined(__SSE2__) && (defined(__x86_64__) || defined(_M_X64))
    return "SSE2 (pmaddwd on int16, 128-bit)";
#else
    return "portable C";
#endif
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--isa") == 0) {
        printf("%s\n", int8_isa());
        return 0;
    }
    if (argc != 4) {
        fprintf(stderr, "usage: infer_int8 IMAGES LABELS REPEAT\n");
        return 2;
    }
    int n, n_labels;
    const int repeat = atoi(argv[3]) > 0 ? atoi(argv[3]) : 1;
    unsigned char *pixels = read_idx(argv[1], 16, 784, &n);
    unsigned char *labels = read_idx(argv[2], 8, 1, &n_labels);
    float *x = malloc((size_t)n * 784 * sizeof *x), *y = malloc((size_t)n * 10 * sizeof *y);
    double *rate = malloc(sizeof *rate * 4 * (size_t)repeat);
    if (!x || !y || !rate || n != n_labels) {
        fprintf(stderr, "infer_int8: %d images, %d labels\n", n, n_labels);
        return 1;
    }
    for (size_t i = 0; i < (size_t)n * 784; i++)
        x[i] = (float)pixels[i] * (1.0f / 255.0f);     /* as the trainer's IDX loader */
    for (int e = 0; e < 2; e++) {       /* the untimed passes, and the accuracy */
        pass(&exports[e], x, y, n, 1);
        printf("%s_correct %d\n", exports[e].name, correct(y, labels, n, 10));
        pass(&exports[e], x, y, n, 0);
    }
    printf("test_images %d\n", n);
    for (int r = 0; r < repeat; r++)
        for (int k = 0; k < 4; k++)     /* float batch, int8 batch, float one, int8 one */
            rate[(size_t)k * repeat + r] = pass(&exports[k % 2], x, y, n, k < 2);
    for (int k = 0; k < 4; k++) {
        double *v = rate + (size_t)k * repeat;
        qsort(v, (size_t)repeat, sizeof *v, by_value);
        printf("%s_%s_per_s %.0f\n", exports[k % 2].name, k < 2 ? "batch" : "single",
               v[repeat / 2]);
    }
    free(pixels), free(labels), free(x), free(y), free(rate);
    return 0;
}
