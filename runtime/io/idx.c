/* idx.c - reader for IDX files of unsigned bytes (the MNIST format).
 *
 * Layout: 2 zero bytes, a type byte (0x08 = unsigned byte), the number of
 * dimensions, then one big-endian uint32 per dimension, then the data.  Sizes come
 * from the file, so they are checked against the file size before any allocation. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/atomic.h"
#include "io/idx.h"

enum { IDX_UBYTE = 0x08 };

static uint32_t read_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const char *idx_kind(int rank)
{
    return rank == 1 ? "IDX labels" : "IDX images";
}

/* Checks the first four bytes: zero, zero, type, number of dimensions. */
static int check_magic(const char *path, const unsigned char *h, int rank, netc_error *err)
{
    uint32_t magic = read_be32(h), want = 0x800u | (uint32_t)rank;

    if (h[0] == 0x1f && h[1] == 0x8b)
        return netc_fail(err, "%s: byte 0: found the gzip magic 1f 8b, expected %s (magic "
                         "0x%08x)\nhint: decompress it first: gunzip %s", path, idx_kind(rank),
                         (unsigned)want, path);
    if (h[0] != 0 || h[1] != 0)
        return netc_fail(err, "%s: byte 0: bad magic 0x%08x, expected 0x%08x (%s)\nhint: "
                         "is this an MNIST IDX file?", path, (unsigned)magic, (unsigned)want,
                         idx_kind(rank));
    if (h[2] != IDX_UBYTE)
        return netc_fail(err, "%s: byte 2: data type 0x%02x, expected 0x08 (unsigned bytes); "
                         "netc reads only unsigned-byte IDX files", path, h[2]);
    if (h[3] != rank)
        return netc_fail(err, "%s: byte 3: %d dimension(s) (magic 0x%08x), expected %d "
                         "(magic 0x%08x, %s)\nhint: are the images and labels files swapped?",
                         path, h[3], (unsigned)magic, rank, (unsigned)want, idx_kind(rank));
    return 0;
}

/* Reads the dimensions and checks that they describe exactly the bytes in the file. */
static int check_dims(const char *path, const unsigned char *h, long file_size,
                      netc_idx *idx, netc_error *err)
{
    size_t header = 4 + 4 * (size_t)idx->rank, avail = (size_t)file_size - header;
    double declared = 1;    /* exact: three factors below 2^31 multiply below 2^93, and the
                             * comparison only needs the magnitude */
    char dims[64] = "";
    int i;

    for (i = 0; i < idx->rank; i++) {
        uint32_t d = read_be32(h + 4 + 4 * i);
        if (d == 0 || d > INT_MAX)
            return netc_fail(err, "%s: byte %d: dimension %d is %lu, expected 1 to %d", path,
                             4 + 4 * i, i, (unsigned long)d, INT_MAX);
        idx->dims[i] = (int)d;
        declared *= d;
        snprintf(dims + strlen(dims), sizeof dims - strlen(dims), "%s%lu", i ? " x " : "",
                 (unsigned long)d);
    }
    if (declared > (double)avail)
        return netc_fail(err, "%s: byte %zu: the header declares %s = %.0f bytes of data but "
                         "only %zu follow it\nhint: the file is truncated or corrupt; fetch it "
                         "again", path, header, dims, declared, avail);
    if ((size_t)declared != avail)
        return netc_fail(err, "%s: byte %zu: %zu bytes after the declared %s = %.0f bytes of "
                         "data\nhint: the header does not match the file; is it corrupt?", path,
                         header + (size_t)declared, avail - (size_t)declared, dims, declared);
    idx->n = (size_t)idx->dims[0];
    idx->item_size = (size_t)declared / idx->n;
    return 0;
}

static int read_idx(FILE *f, const char *path, int rank, netc_idx *idx, netc_error *err)
{
    unsigned char h[4 + 4 * 4];
    size_t header = 4 + 4 * (size_t)rank;
    long size;

    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        return netc_fail(err, "%s: cannot determine the file size: %s", path, strerror(errno));
    if (size < 4 || fread(h, 1, 4, f) != 4)
        return netc_fail(err, "%s: byte 0: file is %ld bytes, too short for an IDX header",
                         path, size);
    if (check_magic(path, h, rank, err) < 0)
        return -1;
    if ((size_t)size < header || fread(h + 4, 1, header - 4, f) != header - 4)
        return netc_fail(err, "%s: byte %ld: file ends inside the header (%zu bytes for %d "
                         "dimensions)", path, size, header, rank);
    idx->rank = rank;
    if (check_dims(path, h, size, idx, err) < 0)
        return -1;
    /* Before reading anything: the bytes, and the floats (or int labels) made of them. */
    if (netc_check_memory((double)idx->n * (double)idx->item_size * (1 + sizeof(float)), err,
                          "%s: %zu x %zu bytes of data and their %zu-byte values", path,
                          idx->n, idx->item_size, sizeof(float)) < 0)
        return -1;
    idx->data = netc_alloc(idx->n, idx->item_size, path, err);
    if (!idx->data)
        return -1;
    if (fread(idx->data, idx->item_size, idx->n, f) != idx->n)
        return netc_fail(err, "%s: read error in the data after byte %zu", path, header);
    return 0;
}

int netc_idx_read(const char *path, int rank, netc_idx *idx, netc_error *err)
{
    FILE *f;
    int rc;

    memset(idx, 0, sizeof *idx);
    if (rank < 1 || rank > 4)
        return netc_fail(err, "%s: cannot read IDX files of rank %d", path, rank);
    f = netc_open_regular(path, err);
    if (!f)
        return -1;
    rc = read_idx(f, path, rank, idx, err);
    fclose(f);
    if (rc < 0)
        netc_idx_free(idx);
    return rc;
}

void netc_idx_free(netc_idx *idx)
{
    free(idx->data);
    memset(idx, 0, sizeof *idx);
}

int netc_idx_sniff(const char *path)
{
    unsigned char h[4];
    FILE *f = netc_open_regular(path, NULL);
    int ok;

    if (!f)
        return 0;
    /* Also what the IDX reader refuses with a better message than the CSV reader's: a
     * gzip'd file, an IDX file of another data type or rank. */
    ok = fread(h, 1, 4, f) == 4 && ((h[0] == 0x1f && h[1] == 0x8b) ||
                                    (h[0] == 0 && h[1] == 0 && h[2] >= 0x08 && h[2] <= 0x0e &&
                                     h[3] >= 1 && h[3] <= 4));
    fclose(f);
    return ok;
}
