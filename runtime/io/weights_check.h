/* io/weights_check.h - what every reader of a weights file checks beyond its layout:
 * that the file is the network's, that its tensors have the network's shapes, and that
 * its values can be used.  Shared by the trainer's reader (io/weights.c) and netc's
 * (--emit infer, onnx and web: compiler/infer/weights.c), so both say the same. */
#ifndef NETC_IO_WEIGHTS_CHECK_H
#define NETC_IO_WEIGHTS_CHECK_H

#include "io/safetensors.h"

/* 0 when the file was saved by network `network`, or does not say by which (no "network"
 * in its metadata: written by PyTorch, say); when its metadata names another network (whose tensors have the same names and shapes, or the caller
 * would have refused it already): 0 if allow_other, else -1 with a message naming the
 * file, both networks and --allow-other-network. */
int netc_weights_check_network(const netc_st_file *f, const char *network, int allow_other,
                               netc_error *err);

/* The tensor called name, or NULL with "FILE: tensor 'NAME' is missing". */
const netc_st_entry *netc_weights_find(const netc_st_file *f, const char *name,
                                       netc_error *err);
/* -1 with "FILE: byte B: unknown tensor 'NAME': network 'N' has no such parameter". */
int netc_weights_unknown(const netc_st_file *f, const netc_st_entry *e, const char *network,
                         netc_error *err);
/* 0 when e has rank and shape want[0 .. rank-1]; else -1 naming both shapes. */
int netc_weights_check_shape(const netc_st_file *f, const netc_st_entry *e, int rank,
                             const int64_t *want, netc_error *err);
/* 0 when the tensor's values v (in file order) are all finite; else -1 naming the
 * element and its byte: a diverged run's weights must not pass for trained ones. */
int netc_weights_check_finite(const netc_st_file *f, const netc_st_entry *e, const float *v,
                              netc_error *err);
/* input.std (entry e, values std): each above 0, as training saves them (1 for a constant
 * feature); a NaN, 0 or negative one is refused, not replaced by 1. */
int netc_weights_check_std(const netc_st_file *f, const netc_st_entry *e, const float *std,
                           netc_error *err);
/* input.min, input.max (max's entry e): no max below its min (equal: a constant feature). */
int netc_weights_check_range(const netc_st_file *f, const netc_st_entry *e, const float *min,
                             const float *max, netc_error *err);

/* "[16, 784]", "[6, 1, 5, 5]" */
void netc_weights_shape_text(char *buf, size_t size, int rank, const int64_t *shape);

#endif
