#!/bin/bash
# netc import's refusals: unsupported operators, branching graphs, dynamic shapes, and
# hostile files (truncated, wrong data lengths, huge dimensions, cycles, deep nesting);
# each with its message and exit status, nothing written (see onnx_refuse.py).
source tests/e2e/common.bash
PYTHONWARNINGS=ignore /usr/bin/python3 tests/e2e/onnx_refuse.py "$netc" "$work"
