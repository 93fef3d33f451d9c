#!/bin/bash
# netc-trained networks -> --emit onnx -> onnx.checker, onnxruntime (onnxruntime-web under
# Node) against predict --raw, and netc import back to the same layers and weights (see
# onnx_export.py and docs/onnx.md).
source tests/e2e/common.bash
tools/fetch-data.sh mnist
ort=$(tools/fetch-onnxruntime.sh)
/usr/bin/python3 tests/e2e/onnx_export.py "$netc" "$work" "$ort"
