/* driver.c - tests/e2e/quantize.sh's program: one exported mnist_relu (float or int8,
 * whichever directory it is compiled against) on the MNIST test set.
 *
 *   driver IMAGES LABELS          "correct N of M", then "selftest E", then "same" if
 *                                 NAME_predict, NAME_classify and NAME_predict_batch agree
 *   driver IMAGES LABELS REPEAT   also "batch_us T" and "single_us T": microseconds per
 *                                 image through NAME_predict_batch and NAME_predict, the
 *                                 best of REPEAT passes over the images
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mnist_relu.h"

enum { N_IN = MNIST_RELU_N_INPUT, N_OUT = MNIST_RELU_N_OUTPUT };

/* The items of an IDX file of bytes (16-byte header for images, 8 for labels). */
static unsigned char *read_idx(const char *path, size_t header, size_t item, int *n)
{
    FILE *f = fopen(path, "rb");
    unsigned char head[16];
    if (!f || fread(head, 1, header, f) != header) {
        fprintf(stderr, "driver: cannot read %s\n", path);
        exit(1);
    }
    *n = (int)((unsigned)head[4] << 24 | (unsigned)head[5] << 16 | (unsigned)head[6] << 8 | head[7]);
    unsigned char *data = (unsigned char *)malloc((size_t)*n * item);
    if (!data || fread(data, item, (size_t)*n, f) != (size_t)*n) {
        fprintf(stderr, "driver: %s is short\n", path);
        exit(1);
    }
    fclose(f);
    return data;
}

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* Microseconds per image, the best of repeat passes: through predict_batch, or one by one. */
static double time_per_image(const float *x, float *y, int n, int repeat, int batch)
{
    double best = 1e30;
    for (int r = 0; r < repeat; r++) {
        double t0 = now_us();
        if (batch)
            mnist_relu_predict_batch(x, y, n);
        else
            for (int i = 0; i < n; i++)
                mnist_relu_predict(x + (size_t)i * N_IN, y + (size_t)i * N_OUT);
        double t = (now_us() - t0) / n;
        best = t < best ? t : best;
    }
    return best;
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: driver IMAGES LABELS [REPEAT]\n");
        return 2;
    }
    int n, n_labels, correct = 0, same = 1;
    unsigned char *pixels = read_idx(argv[1], 16, N_IN, &n);
    unsigned char *labels = read_idx(argv[2], 8, 1, &n_labels);
    float *x = (float *)malloc((size_t)n * N_IN * sizeof *x);
    float *y = (float *)malloc((size_t)n * N_OUT * sizeof *y), one[N_OUT];
    if (!x || !y || n != n_labels) {
        fprintf(stderr, "driver: %d images, %d labels\n", n, n_labels);
        return 1;
    }
    for (size_t i = 0; i < (size_t)n * N_IN; i++)
        x[i] = (float)pixels[i] * (1.0f / 255.0f);     /* as the trainer's IDX loader */
    mnist_relu_predict_batch(x, y, n);
    for (int i = 0; i < n; i++) {
        const float *yi = y + (size_t)i * N_OUT;
        int best = 0;
        for (int k = 1; k < N_OUT; k++)
            best = yi[k] > yi[best] ? k : best;
        correct += best == labels[i];
        mnist_relu_predict(x + (size_t)i * N_IN, one);
        same &= memcmp(one, yi, sizeof one) == 0;
        same &= mnist_relu_classify(x + (size_t)i * N_IN) == best;
    }
    printf("correct %d of %d\n", correct, n);
    printf("selftest %g\n", (double)mnist_relu_selftest());
    printf("%s\n", same ? "same" : "different");
    if (argc == 4) {
        const int repeat = atoi(argv[3]);
        printf("batch_us %.3f\n", time_per_image(x, y, n, repeat, 1));
        printf("single_us %.3f\n", time_per_image(x, y, n, repeat, 0));
    }
    free(pixels);
    free(labels);
    free(x);
    free(y);
    return 0;
}
