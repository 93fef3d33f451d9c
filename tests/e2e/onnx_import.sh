#!/bin/bash
# PyTorch models exported to ONNX, imported by netc import, exported by --emit infer,
# against PyTorch's outputs on MNIST (see onnx_import.py and docs/onnx.md).
source tests/e2e/common.bash
tools/fetch-data.sh mnist
PYTHONWARNINGS=ignore /usr/bin/python3 tests/e2e/onnx_import.py "$netc" "$work"
