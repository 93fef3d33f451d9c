#!/bin/bash
# Every activation, loss and optimizer against PyTorch (see torch_equivalence.py).
source tests/e2e/common.bash
/usr/bin/python3 tests/e2e/torch_equivalence.py "$netc" "$work"
