/* proto.h - the ONNX protobuf messages, as protoc-c generates them at build time from
 * Debian's onnx.proto (libonnx-dev) into $(BUILD)/proto/onnx.pb-c.{c,h}: see the Makefile.
 * Included by the .c files of this folder only; the rest of netc never sees protobuf. */
#ifndef NETC_ONNX_PROTO_H
#define NETC_ONNX_PROTO_H

/* The generated structs use anonymous unions (oneof), a C11 feature netc's -std=c99
 * -Wpedantic would warn about. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include "proto/onnx.pb-c.h"
#pragma GCC diagnostic pop

/* TensorProto.DataType values used here (onnx.proto's enum). */
enum { ONNX_FLOAT = 1, ONNX_INT64 = 7, ONNX_BOOL = 9 };

/* The operator set netc writes, and the IR version that goes with it. */
enum { ONNX_EXPORT_OPSET = 13, ONNX_EXPORT_IR_VERSION = 7 };

#endif
