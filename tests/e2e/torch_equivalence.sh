#!/bin/bash
# Every activation, loss and optimizer against PyTorch (see torch_equivalence.py).
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 tests/e2e/torch_equivalence.py "${NETC:-./netc}" "$work"
