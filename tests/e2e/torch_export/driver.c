/* driver.c - tests/e2e/torch_export.py's program around one exported network, built with
 * -DNET=name -DNET_UPPER=NAME -DNET_HEADER='"name.h"' (the network's name, as written by
 * netc --emit infer, in lower and upper case).
 *
 *   driver IN OUT      IN: n rows of NAME_N_INPUT floats (native float32), all read;
 *                      OUT: their NAME_predict_batch outputs, n rows of NAME_N_OUTPUT;
 *                      prints "selftest X", then NAME_classify's class of each row
 */
#include <stdio.h>
#include <stdlib.h>

#include NET_HEADER

#define GLUE_(a, b) a##b
#define GLUE(a, b) GLUE_(a, b)
#define N_INPUT GLUE(NET_UPPER, _N_INPUT)
#define N_OUTPUT GLUE(NET_UPPER, _N_OUTPUT)

int main(int argc, char **argv)
{
    FILE *in, *out;
    float *x, *y;
    long n;
    if (argc != 3) {
        fprintf(stderr, "usage: driver IN OUT\n");
        return 2;
    }
    if (!(in = fopen(argv[1], "rb"))) {
        fprintf(stderr, "driver: cannot open %s\n", argv[1]);
        return 1;
    }
    fseek(in, 0, SEEK_END);
    n = ftell(in) / (long)(N_INPUT * sizeof *x);
    rewind(in);
    x = malloc((size_t)n * N_INPUT * sizeof *x);
    y = malloc((size_t)n * N_OUTPUT * sizeof *y);
    if (n < 1 || !x || !y || fread(x, sizeof *x * N_INPUT, (size_t)n, in) != (size_t)n) {
        fprintf(stderr, "driver: cannot read %s\n", argv[1]);
        return 1;
    }
    fclose(in);
    GLUE(NET, _predict_batch)(x, y, (int)n);
    out = fopen(argv[2], "wb");
    if (!out || fwrite(y, sizeof *y * N_OUTPUT, (size_t)n, out) != (size_t)n || fclose(out) != 0) {
        fprintf(stderr, "driver: cannot write %s\n", argv[2]);
        return 1;
    }
    printf("selftest %.9g\n", (double)GLUE(NET, _selftest)());
    for (long i = 0; i < n; i++)
        printf("%d\n", GLUE(NET, _classify)(x + i * N_INPUT));
    free(x);
    free(y);
    return 0;
}
