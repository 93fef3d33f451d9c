/* mkpgm.c - MNIST images as PGM files, to try classify on.
 *
 *   mkpgm IMAGES LABELS FIRST COUNT DIR
 *
 * Writes images FIRST to FIRST + COUNT - 1 (counted from 0) of the IDX file IMAGES
 * (MNIST's t10k-images-idx3-ubyte, say) as DIR/NNNNN-L.pgm: binary PGM (P5), the
 * image's number NNNNN and its label L from the IDX file LABELS.  The pixels are the
 * IDX bytes unchanged: light digits on a dark background.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t big_endian(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Opens an IDX file of unsigned bytes with rank dimensions (3: images, 1: labels) and
 * reads its header into dims; NULL after a message. */
static FILE *open_idx(const char *path, int rank, uint32_t *dims)
{
    unsigned char head[16];
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "mkpgm: %s: %s\n", path, strerror(errno));
        return NULL;
    }
    if (fread(head, 4, (size_t)rank + 1, f) != (size_t)rank + 1 ||
        big_endian(head) != 0x800u + (uint32_t)rank) {
        fprintf(stderr, "mkpgm: %s: not an IDX file of %s (magic 0x%08x)\n", path,
                rank == 3 ? "images" : "labels", 0x800u + (uint32_t)rank);
        fclose(f);
        return NULL;
    }
    for (int i = 0; i < rank; i++)
        dims[i] = big_endian(head + 4 * (i + 1));
    return f;
}

int main(int argc, char **argv)
{
    uint32_t dims[3], n_labels;
    char *end1, *end2;
    if (argc != 6) {
        fprintf(stderr, "usage: mkpgm IMAGES LABELS FIRST COUNT DIR\n"
                        "  e.g. mkpgm t10k-images-idx3-ubyte t10k-labels-idx1-ubyte 0 10 digits\n");
        return 2;
    }
    const long first = strtol(argv[3], &end1, 10), count = strtol(argv[4], &end2, 10);
    if (*end1 || *end2 || first < 0 || count < 1) {
        fprintf(stderr, "mkpgm: FIRST must be 0 or more and COUNT 1 or more: %s %s\n", argv[3],
                argv[4]);
        return 2;
    }
    FILE *images = open_idx(argv[1], 3, dims);
    FILE *labels = images ? open_idx(argv[2], 1, &n_labels) : NULL;
    if (!labels)
        return 1;
    if ((unsigned long)(first + count) > dims[0] || n_labels != dims[0]) {
        fprintf(stderr, "mkpgm: images %ld to %ld asked for; %s holds %lu images, %s %lu labels\n",
                first, first + count - 1, argv[1], (unsigned long)dims[0], argv[2],
                (unsigned long)n_labels);
        return 1;
    }
    const size_t size = (size_t)dims[1] * dims[2];
    unsigned char *pixels = malloc(size);
    if (!pixels || fseek(images, (long)(first * (long)size), SEEK_CUR) != 0 ||
        fseek(labels, first, SEEK_CUR) != 0) {
        fprintf(stderr, "mkpgm: cannot seek to image %ld\n", first);
        return 1;
    }
    for (long i = first; i < first + count; i++) {
        char path[4096];
        const int label = getc(labels);
        if (fread(pixels, 1, size, images) != size || label == EOF) {
            fprintf(stderr, "mkpgm: %s or %s: truncated at image %ld\n", argv[1], argv[2], i);
            return 1;
        }
        snprintf(path, sizeof path, "%s/%05ld-%d.pgm", argv[5], i, label);
        FILE *out = fopen(path, "wb");
        if (!out || fprintf(out, "P5\n%lu %lu\n255\n", (unsigned long)dims[2],
                            (unsigned long)dims[1]) < 0 ||
            fwrite(pixels, 1, size, out) != size || fclose(out) != 0) {
            fprintf(stderr, "mkpgm: %s: cannot write: %s\n", path, strerror(errno));
            return 1;
        }
    }
    printf("mkpgm: %ld images of %s written to %s/ (%05ld-L.pgm to %05ld-L.pgm, L: the label)\n",
           count, argv[1], argv[5], first, first + count - 1);
    free(pixels);
    fclose(images);
    fclose(labels);
    return 0;
}
