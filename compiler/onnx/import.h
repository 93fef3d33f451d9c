/* import.h - ONNX models in: `netc import MODEL.onnx -o DIR` (docs/onnx.md).
 *
 * import.c walks the model's graph from its input to its output, one operator at a time,
 * into layers (struct onnx_import); import_write.c writes them as DIR/NAME.net and
 * DIR/NAME.safetensors, which the front end and the back ends then read like any other
 * description and weights.  A model netc cannot express exactly is refused with the node,
 * its operator and the reason; nothing is written then. */
#ifndef NETC_ONNX_IMPORT_H
#define NETC_ONNX_IMPORT_H

#include <stddef.h>

#include "check/network.h"

struct onnx_import_options {
    const char *name;           /* the network's name; NULL: the model's "network" metadata
                                 * (what --emit onnx writes), else the file's name */
    int log_softmax;            /* a final LogSoftmax: -1 refused [default], or written as
                                 * ACT_SOFTMAX (its exp) or ACT_LINEAR (the logits) */
};

/* One layer as found in the graph.  Layers with weights (dense, conv) compute
 * a = f(W·x + b), W as one matrix [units][fan_in] in PyTorch's layout: dense [out, in]
 * (torch.nn.Linear), conv [filters, C·KH·KW], which is torch.nn.Conv2d's and ONNX's
 * [out, in, kh, kw] flattened.  Pools and dropout have no tensors. */
struct onnx_layer {
    enum layer_kind kind;
    char name[NETC_MAX_NAME + 1];   /* from the weight's name "NAME.weight" when it is a
                                     * usable layer name, else conv1, dense1, maxpool1, ... */
    int in, out;                    /* floats per sample */
    int in_shape[3];                /* C, H, W of its input (conv: the weights' [in] is C) */
    int units, fan_in;
    int kernel[2], stride[2], padding;  /* conv, pools: (y, x); padding on every side */
    double rate;                    /* dropout */
    enum activation act;
    double alpha;                   /* leaky_relu */
    float *weight;                  /* [units][fan_in] */
    float *bias;                    /* [units]; zeros when the model has none */
    char nodes[200];                /* the nodes it came from, for the .net file's comments */
};

struct onnx_import {
    const char *path;
    char name[NETC_MAX_NAME + 1];
    char producer[96];              /* "pytorch 1.13.1" */
    int opset;
    int input_rank, input_shape[3]; /* without the batch dimension */
    int input_size;
    int nlayers;
    struct onnx_layer layers[NETC_MAX_LAYERS];
    float *scale_offset, *scale_range;  /* input_size each, or NULL: a leading Sub / Div */
    const char *log_softmax_note;       /* what the output layer stands for, or NULL */
};

/* Reads path into m: 0; -2 when the file cannot be read; -1 for a model netc refuses;
 * with the reason in errbuf (and m freed). */
int onnx_import_read(const char *path, const struct onnx_import_options *opt,
                     struct onnx_import *m, char *errbuf, size_t errlen);
/* Writes OUTDIR/NAME.net and OUTDIR/NAME.safetensors (each atomically) and their paths
 * into net_path and weights_path: 0, or -1 with a message. */
int onnx_import_write(const struct onnx_import *m, const char *outdir, char *net_path,
                      char *weights_path, size_t pathlen, char *errbuf, size_t errlen);
void onnx_import_free(struct onnx_import *m);

#endif
