/* driver.c - tests/e2e/quantize_integer.sh's program: an exported network named "net"
 * on the MNIST test set, float (--emit infer) or fully integer (--quantize int8-integer,
 * compiled with -DINTEGER), whichever directory it is compiled against.
 *
 *   driver IMAGES LABELS CLASSES [N]
 *
 * runs the first N images (all by default), writes each one's class and outputs to
 * CLASSES, a line each ("class y0 y1 ...": the integer export's outputs times its output
 * scale), and prints "correct N of M"; for the integer export also "selftest K"
 * (NAME_selftest), "same" if NAME_predict and NAME_predict_batch agree, and "checksum H":
 * FNV-1a 64 of every output byte and class, to compare builds bit for bit.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

enum { N_IN = NET_N_INPUT, N_OUT = NET_N_OUTPUT };

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

#ifdef INTEGER
static uint64_t fnv(uint64_t h, unsigned char byte)
{
    return (h ^ byte) * 1099511628211ull;
}

/* Every image's class into classes[] and outputs into y[] (in the activation's units);
 * prints the self-test, the agreement of the entry points and the checksum. */
static void run(const unsigned char *pixels, int n, int *classes, double *outputs)
{
    int8_t *x = (int8_t *)malloc((size_t)n * N_IN), *y = (int8_t *)malloc((size_t)n * N_OUT);
    int8_t one[N_OUT];
    uint64_t h = 14695981039346656037ull;
    int same = 1;
    if (!x || !y)
        exit(1);
    for (int i = 0; i < n; i++)
        net_quantize_image(pixels + (size_t)i * N_IN, x + (size_t)i * N_IN);
    net_predict_batch(x, y, n);
    for (int i = 0; i < n; i++) {
        classes[i] = net_classify(x + (size_t)i * N_IN);
        net_predict(x + (size_t)i * N_IN, one);
        same &= memcmp(one, y + (size_t)i * N_OUT, sizeof one) == 0;
        for (int k = 0; k < N_OUT; k++) {
            h = fnv(h, (unsigned char)one[k]);
            outputs[(size_t)i * N_OUT + k] = ldexp((double)one[k] * NET_OUTPUT_SCALE_M,
                                                   -NET_OUTPUT_SCALE_SHIFT);
        }
        h = fnv(h, (unsigned char)classes[i]);
    }
    printf("selftest %d\n", net_selftest());
    printf("%s\n", same ? "same" : "different");
    printf("checksum %016llx\n", (unsigned long long)h);
    free(x);
    free(y);
}
#else
static void run(const unsigned char *pixels, int n, int *classes, double *outputs)
{
    float x[N_IN], y[N_OUT];
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < N_IN; j++)
            x[j] = (float)pixels[(size_t)i * N_IN + j] * (1.0f / 255.0f);  /* the trainer's */
        classes[i] = net_classify(x);
        net_predict(x, y);
        for (int k = 0; k < N_OUT; k++)
            outputs[(size_t)i * N_OUT + k] = y[k];
    }
}
#endif

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: driver IMAGES LABELS CLASSES [N]\n");
        return 2;
    }
    int n, n_labels, correct = 0;
    unsigned char *pixels = read_idx(argv[1], 16, N_IN, &n);
    unsigned char *labels = read_idx(argv[2], 8, 1, &n_labels);
    if (argc == 5 && atoi(argv[4]) < n)
        n = n_labels = atoi(argv[4]);
    int *classes = (int *)malloc((size_t)n * sizeof *classes);
    double *outputs = (double *)malloc((size_t)n * N_OUT * sizeof *outputs);
    FILE *out = fopen(argv[3], "w");
    if (!classes || !outputs || !out || n != n_labels) {
        fprintf(stderr, "driver: %d images, %d labels, or cannot write %s\n", n, n_labels, argv[3]);
        return 1;
    }
    run(pixels, n, classes, outputs);
    for (int i = 0; i < n; i++) {
        correct += classes[i] == labels[i];
        fprintf(out, "%d", classes[i]);
        for (int k = 0; k < N_OUT; k++)
            fprintf(out, " %.6f", outputs[(size_t)i * N_OUT + k]);
        fprintf(out, "\n");
    }
    printf("correct %d of %d\n", correct, n);
    free(pixels);
    free(labels);
    free(classes);
    free(outputs);
    return fclose(out) == 0 ? 0 : 1;
}
