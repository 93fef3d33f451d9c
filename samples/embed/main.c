/* main.c - classify handwritten digits with a network exported by netc --emit infer.
 *
 *   classify [--invert] [--raw] IMAGE.pgm...
 *
 * Each IMAGE is a binary PGM file (P5), 28x28 pixels of 8 bits: a digit as MNIST has
 * them, light on a dark background (--invert: dark ink on light paper).  Prints the
 * network's self-test, then per image its file, the digit and the network's output for
 * that digit (--raw: all its outputs, as the trainer's `predict --raw` prints them).
 * Exit status 0 when the self-test passed and every image was classified, 1 otherwise,
 * 2 for a usage error.
 *
 * Nothing here but the C library: the network is NAME.c and NAME.h exactly as netc
 * wrote them, compiled in, and linked with -lm (see the Makefile and README.md).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The exported network: the Makefile passes its name, NETWORK, and NETWORK_UPPER, the
 * same in capitals (the prefix of its constants); by default samples/mnist_relu.net's. */
#ifndef NETWORK
#define NETWORK mnist_relu
#define NETWORK_UPPER MNIST_RELU
#endif
#define GLUE_(a, b) a##b
#define GLUE(a, b) GLUE_(a, b)
#define QUOTE_(x) #x
#define QUOTE(x) QUOTE_(x)
#include QUOTE(NETWORK.h)                       /* "mnist_relu.h" */

#define N_INPUT GLUE(NETWORK_UPPER, _N_INPUT)   /* MNIST_RELU_N_INPUT */
#define N_OUTPUT GLUE(NETWORK_UPPER, _N_OUTPUT)
#define net_predict GLUE(NETWORK, _predict)     /* mnist_relu_predict */
#define net_classify GLUE(NETWORK, _classify)
#define net_selftest GLUE(NETWORK, _selftest)

enum { SIDE = 28 };                     /* MNIST's images: 28 x 28 */
typedef char network_takes_28x28_images[N_INPUT == SIDE * SIDE ? 1 : -1];

/* The self-test's largest error that counts as passed: a correct build is near 1e-7. */
static const float SELFTEST_LIMIT = 1e-5f;

/* Skips blanks and '#' comments in a PGM header; the next character stays unread. */
static void skip_blanks(FILE *f)
{
    int c;
    while ((c = getc(f)) != EOF) {
        if (c == '#')
            while ((c = getc(f)) != EOF && c != '\n')
                ;
        else if (!strchr(" \t\r\n\v\f", c)) {
            ungetc(c, f);
            return;
        }
    }
}

static int read_number(FILE *f, int *v)
{
    skip_blanks(f);
    return fscanf(f, "%5d", v) == 1;
}

/* x[SIDE * SIDE] = the PGM file's pixels scaled to [0, 1] as the trainer scales MNIST's
 * bytes (v * (1 / 255)), inverted if asked.  0, or -1 after a message naming the file. */
static int read_pgm(const char *path, int invert, float *x)
{
    unsigned char pixels[SIDE * SIDE];
    int width, height, maxval;
    size_t got;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "classify: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (getc(f) != 'P' || getc(f) != '5' || !read_number(f, &width) || !read_number(f, &height) ||
        !read_number(f, &maxval) || maxval < 1 || maxval > 255 || !strchr(" \t\r\n", getc(f))) {
        fprintf(stderr, "classify: %s: not a binary 8-bit PGM file (P5, maxval 1 to 255)\n", path);
        fclose(f);
        return -1;
    }
    if (width != SIDE || height != SIDE) {
        fprintf(stderr, "classify: %s: %dx%d pixels; the network takes %dx%d images\n", path,
                width, height, SIDE, SIDE);
        fclose(f);
        return -1;
    }
    got = fread(pixels, 1, sizeof pixels, f);
    fclose(f);
    if (got != sizeof pixels) {
        fprintf(stderr, "classify: %s: truncated: %zu of %d pixels\n", path, got, SIDE * SIDE);
        return -1;
    }
    for (int i = 0; i < SIDE * SIDE; i++) {
        const int v = invert ? maxval - pixels[i] : pixels[i];
        x[i] = (float)v * (1.0f / (float)maxval);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int first = 1, invert = 0, raw = 0, failed = 0;
    for (; first < argc && argv[first][0] == '-'; first++) {
        if (strcmp(argv[first], "--invert") == 0)
            invert = 1;
        else if (strcmp(argv[first], "--raw") == 0)
            raw = 1;
        else
            break;
    }
    if (first >= argc || argv[first][0] == '-') {
        fprintf(stderr, "usage: classify [--invert] [--raw] IMAGE.pgm...\n"
                        "  IMAGE: a 28x28 8-bit binary PGM (P5), light digit on dark; --invert for\n"
                        "  dark on light; --raw: all the outputs.  `make digits` writes some\n"
                        "  images from the MNIST test set.\n");
        return 2;
    }

    /* The port check: the network's outputs for 3 inputs recorded when it was exported. */
    const float error = net_selftest();
    const int passed = error < SELFTEST_LIMIT;      /* false for NaN too */
    printf("selftest: largest error %.3g, %s (limit %g)\n", (double)error,
           passed ? "passed" : "FAILED", (double)SELFTEST_LIMIT);

    for (int i = first; i < argc; i++) {
        float x[N_INPUT], y[N_OUTPUT];
        if (read_pgm(argv[i], invert, x) != 0) {
            failed = 1;
            continue;
        }
        net_predict(x, y);
        if (raw) {
            printf("%s:", argv[i]);
            for (int k = 0; k < N_OUTPUT; k++)
                printf(" %.9g", (double)y[k]);
            printf("\n");
        } else {
            const int digit = net_classify(x);
            printf("%s: %d  (output %.3f)\n", argv[i], digit, (double)y[digit]);
        }
    }
    return passed && !failed ? 0 : 1;
}
