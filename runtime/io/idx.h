/* io/idx.h - reader of IDX files of unsigned bytes (the MNIST format). */
#ifndef NETC_IO_IDX_H
#define NETC_IO_IDX_H

#include <stddef.h>

#include "io/error.h"

/* An IDX file of unsigned bytes: dims[0] items of dims[1] x ... x dims[rank-1] bytes. */
typedef struct netc_idx {
    int rank;                   /* 1 for labels, 3 for MNIST images */
    int dims[4];
    size_t n;                   /* dims[0] */
    size_t item_size;           /* bytes per item: product of dims[1..rank) */
    unsigned char *data;        /* n * item_size bytes */
} netc_idx;

/* Reads an IDX file of unsigned bytes with exactly `rank` dimensions (1: labels,
 * magic 0x00000801; 3: images, magic 0x00000803).  Checks the magic, the type byte
 * and that the declared sizes match the file size before allocating. */
int netc_idx_read(const char *path, int rank, netc_idx *idx, netc_error *err);
void netc_idx_free(netc_idx *idx);
/* 1 if the first bytes of the file look like an IDX header of any data type, or gzip's
 * magic: input for the IDX reader, which says what is wrong (predict, --calibration). */
int netc_idx_sniff(const char *path);

#endif
