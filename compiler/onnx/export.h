/* export.h - the ONNX back end: `netc --emit onnx --weights W.safetensors FILE.net`
 * (docs/onnx.md).  A sibling of trainer/ and infer/: it reads the checked network and
 * its weights (read and checked by infer/weights.c, as for --emit infer). */
#ifndef NETC_ONNX_EXPORT_H
#define NETC_ONNX_EXPORT_H

#include <stddef.h>

#include "check/network.h"

struct export_weights;

/* Writes path: an ONNX model (opset 13) of the forward pass, as export_infer's C computes
 * it: input "input" [batch, input shape] (flattened when it has several dimensions, scaled
 * when the weights hold input statistics), per layer a Gemm with initializers NAME.weight
 * [out, in] and NAME.bias [out] and the activation's operator, output "output" [batch,
 * out]; metadata: network, netc_version, source (the .net file), source_hash.  0, or -1
 * with a message. */
int onnx_export(const struct network *net, const struct export_weights *w, const char *path,
                char *errbuf, size_t errlen);

#endif
