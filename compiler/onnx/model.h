/* model.h - an .onnx file read with protobuf-c, and checked access to its parts: the
 * importer (import.c) reads nothing from the protobuf messages without these checks. */
#ifndef NETC_ONNX_MODEL_H
#define NETC_ONNX_MODEL_H

#include <stdint.h>

#include "netc_runtime.h"
#include "onnx/proto.h"

/* Opsets of the default domain netc imports: PyTorch 1.13 writes 7 to 17. */
enum { ONNX_MIN_OPSET = 7, ONNX_MAX_OPSET = 17 };

struct onnx_model {
    const char *path;
    Onnx__ModelProto *proto;    /* its graph is present once read */
    int opset;                  /* the default domain's ("" or "ai.onnx") version */
};

/* Reads and unpacks path: 0; -2 when the file cannot be read (missing, too large); or -1
 * when it is not a model netc reads (not ONNX, truncated, nested too deeply, no graph,
 * an opset outside ONNX_MIN_OPSET..ONNX_MAX_OPSET); with a message naming the file. */
int onnx_model_read(const char *path, struct onnx_model *m, netc_error *err);
void onnx_model_free(struct onnx_model *m);

/* A tensor's numbers, checked against its declared type and dimensions: every dimension
 * from 1 to NETC_MAX_WIDTH, the data in the file (not external), exactly as many values
 * as the dimensions say.  0 with *out malloc'd (*count values), or -1 naming `what`. */
int onnx_tensor_floats(const struct onnx_model *m, const Onnx__TensorProto *t, const char *what,
                       float **out, int64_t *count, netc_error *err);
int onnx_tensor_int64s(const struct onnx_model *m, const Onnx__TensorProto *t, const char *what,
                       int64_t **out, int64_t *count, netc_error *err);
/* A BOOL tensor of one value (Dropout's training_mode): 0 or 1, or -1. */
int onnx_tensor_bool(const struct onnx_model *m, const Onnx__TensorProto *t, const char *what,
                     int *value, netc_error *err);

/* The node's attribute called name, or NULL. */
const Onnx__AttributeProto *onnx_attribute(const Onnx__NodeProto *n, const char *name);

/* A node's name for messages: its name, or "#INDEX" when it has none; printable ASCII
 * only and at most 80 characters (the file is not trusted). */
const char *onnx_node_label(const Onnx__NodeProto *n, int index, char buf[96]);
/* s, or "" when the file left it out; printable ASCII only (else '?'), at most 80 bytes. */
const char *onnx_printable(const char *s, char buf[96]);

#endif
