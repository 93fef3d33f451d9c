/* mutate.c - one mutation of a .net file, for fuzzing the front end.
 *
 *   mutate SEED_FILE N > OUT        (N picks the mutation; the same N gives the same output)
 *
 * Mutations, a few stacked per output: flip a bit, set a byte to an interesting value
 * (NUL, '\r', '\n', 0xFF, a quote, a brace, a parenthesis), insert a token the grammar
 * knows, delete a run, duplicate a run, truncate.  tests/fuzz/mutate.sh drives it; a
 * libFuzzer harness can reuse the corpus beside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long state;

static unsigned next(void)              /* xorshift64*: reproducible, no libc rand */
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return (unsigned)((state * 2685821657736338717ULL) >> 32);
}

static const char *const tokens[] = {
    "network", "input", "dense", "train", "data", "as", "{", "}", "(", ")", "=", ",", ":", "\n",
    "\r\n", "\"", "#", "28x28", "1e999", "-1", "0", "99999999999999999999", ".5e-3", "sigmoid",
    "softmax", "adam(beta1 = 0.9, beta2 = ", "sgd(", "loss", "learning_rate", "\t", "\\", "x",
    "conv", "maxpool", "avgpool", "dropout", "stride", "padding", "5x5", "1x28x28", "3x1",
    "65536", "0.5", "relu", "conv 6 5x5 relu padding 2\n", "maxpool 2x2\n", "dropout 0.5\n",
};
static const unsigned char bytes[] = { 0, '\r', '\n', 0xff, 0x80, '"', '{', '}', '(', ')', ' ', 0x7f };

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: mutate SEED_FILE N > OUT\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    enum { CAP = 1 << 20 };
    unsigned char *buf = malloc(2 * CAP + 64);
    size_t len = buf ? fread(buf, 1, CAP, f) : 0;
    fclose(f);
    if (!buf)
        return 2;
    state = strtoull(argv[2], NULL, 10) * 0x9E3779B97F4A7C15ULL + 1;
    int rounds = 1 + (int)(next() % 4);
    for (int r = 0; r < rounds; r++) {
        size_t at = len ? next() % len : 0;
        size_t run = 1 + next() % 16;
        if (at + run > len)
            run = len - at;
        switch (next() % 7) {
        case 0: if (len) buf[at] ^= (unsigned char)(1u << (next() % 8)); break;
        case 1: if (len) buf[at] = bytes[next() % sizeof bytes]; break;
        case 2: {
            const char *t = tokens[next() % (sizeof tokens / sizeof tokens[0])];
            size_t tl = strlen(t);
            if (len + tl > 2 * CAP)
                break;
            memmove(buf + at + tl, buf + at, len - at);
            memcpy(buf + at, t, tl);
            len += tl;
            break;
        }
        case 3: memmove(buf + at, buf + at + run, len - at - run); len -= run; break;
        case 4:
            if (len + run > 2 * CAP)
                break;
            memmove(buf + at + run, buf + at, len - at);
            len += run;
            break;
        case 5: len = at; break;
        case 6: if (len) buf[at] = (unsigned char)next(); break;
        }
    }
    fwrite(buf, 1, len, stdout);
    free(buf);
    return 0;
}
