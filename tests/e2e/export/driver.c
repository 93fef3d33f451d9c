/* driver.c - tests/e2e/export.sh's program: the exported xor and mnist networks linked
 * together, each against its trainer's `predict --raw` output.
 *
 *   driver xor                 the 4 XOR classes on one line, then each raw output (%.9g)
 *   driver selftest            both networks' NAME_selftest(), "%g %g"
 *   driver mnist IDX N         the raw outputs of the first N images of IDX (bytes / 255)
 *                              by NAME_predict_batch, then "same" if NAME_predict agrees
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mnist.h"
#include "xor.h"

static void print_row(const float *y, int n)
{
    for (int k = 0; k < n; k++)
        printf(k ? " %.9g" : "%.9g", (double)y[k]);
    printf("\n");
}

static int run_xor(void)
{
    static const float x[4][XOR_N_INPUT] = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } };
    float y[4][XOR_N_OUTPUT];
    for (int i = 0; i < 4; i++)
        printf(i ? " %d" : "%d", xor_classify(x[i]));
    printf("\n");
    for (int i = 0; i < 4; i++) {
        xor_predict(x[i], y[i]);
        print_row(y[i], XOR_N_OUTPUT);
    }
    return 0;
}

static int run_mnist(const char *path, int n)
{
    FILE *f = fopen(path, "rb");
    unsigned char head[16], *pixels = (unsigned char *)malloc((size_t)n * MNIST_N_INPUT);
    float *x = (float *)malloc((size_t)n * MNIST_N_INPUT * sizeof *x);
    float *y = (float *)malloc((size_t)n * MNIST_N_OUTPUT * sizeof *y), one[MNIST_N_OUTPUT];
    int same = 1;
    if (!f || !pixels || !x || !y || fread(head, 1, 16, f) != 16 ||
        fread(pixels, MNIST_N_INPUT, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "driver: cannot read %d images from %s\n", n, path);
        return 1;
    }
    fclose(f);
    for (size_t i = 0; i < (size_t)n * MNIST_N_INPUT; i++)
        x[i] = (float)pixels[i] * (1.0f / 255.0f);     /* as the trainer's IDX loader */
    mnist_predict_batch(x, y, n);
    for (int i = 0; i < n; i++) {
        print_row(y + (size_t)i * MNIST_N_OUTPUT, MNIST_N_OUTPUT);
        mnist_predict(x + (size_t)i * MNIST_N_INPUT, one);
        same &= memcmp(one, y + (size_t)i * MNIST_N_OUTPUT, sizeof one) == 0;
        same &= mnist_classify(x + (size_t)i * MNIST_N_INPUT) >= 0;
    }
    printf("%s\n", same ? "same" : "different");
    free(pixels);
    free(x);
    free(y);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "xor") == 0)
        return run_xor();
    if (argc == 2 && strcmp(argv[1], "selftest") == 0) {
        printf("%g %g\n", (double)xor_selftest(), (double)mnist_selftest());
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "mnist") == 0)
        return run_mnist(argv[2], atoi(argv[3]));
    fprintf(stderr, "usage: driver xor | driver mnist IDX N\n");
    return 2;
}
