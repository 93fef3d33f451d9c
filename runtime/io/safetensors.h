/* io/safetensors.h - strict reader and atomic writer of .safetensors weight files. */
#ifndef NETC_IO_SAFETENSORS_H
#define NETC_IO_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "io/error.h"

#define NETC_ST_MAX_RANK 4
#define NETC_ST_MAX_HEADER (100u * 1024 * 1024)

/* A tensor as found in a file (always F32 once read). */
typedef struct netc_st_entry {
    char *name;
    int rank;
    int64_t shape[NETC_ST_MAX_RANK];
    size_t begin, end;          /* byte offsets within the data section */
    size_t header_pos;          /* file offset of the entry's name, for messages */
} netc_st_entry;

typedef struct netc_st_file {
    char *path;
    int n_tensor;
    netc_st_entry *tensors;
    int n_meta;
    char **meta_keys, **meta_values;
    unsigned char *data;        /* data section (points into the file buffer) */
    size_t data_size;
    unsigned char *buffer;      /* the whole file */
} netc_st_file;

/* Reads and validates a safetensors file: header JSON grammar, UTF-8, F32 only,
 * offsets inside the data, contiguous, not overlapping, matching shape x 4 bytes. */
int netc_st_read(const char *path, netc_st_file *f, netc_error *err);
void netc_st_free(netc_st_file *f);
/* The tensor called name, or NULL. */
const netc_st_entry *netc_st_find(const netc_st_file *f, const char *name);
/* The value of metadata key, or NULL. */
const char *netc_st_meta(const netc_st_file *f, const char *key);
/* Decodes a tensor's little-endian floats into dst (numel floats). */
void netc_st_get_f32(const netc_st_file *f, const netc_st_entry *e, float *dst);

/* A tensor to write.  transposed (rank 2 and up): data is [cols][shape[0]] in memory,
 * cols the product of shape[1..], and is written transposed, as [shape[0]][cols]:
 * a conv weight [out, in, kh, kw] kept as [in * kh * kw][out]. */
typedef struct netc_st_out {
    const char *name;
    int rank;
    int64_t shape[NETC_ST_MAX_RANK];
    const float *data;
    int transposed;
} netc_st_out;

/* Writes tensors (in order, contiguous, F32 little-endian) and metadata pairs
 * atomically: a temporary file in the same directory, fsync, rename.  On failure
 * an existing file at path is left untouched. */
int netc_st_write(const char *path, const netc_st_out *tensors, int n_tensor,
                  const char *const *meta_keys, const char *const *meta_values, int n_meta,
                  netc_error *err);

#endif
