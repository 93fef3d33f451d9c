#!/bin/bash
# Networks trained in PyTorch, exported with --emit infer, against PyTorch's outputs; and a
# netc-trained network loaded into PyTorch (see torch_export.py and docs/pytorch.md).
source tests/e2e/common.bash
tools/fetch-data.sh mnist
/usr/bin/python3 tests/e2e/torch_export.py "$netc" "$work"
