#!/bin/bash
# The code generator's checks on every sample and tests/codegen/nets/*.net: no warnings
# (gcc and clang, -O2/-O3, -Werror), gradients in double, deterministic init, the hot
# loops vectorised, three optimizer steps against PyTorch, two models in one program.
set -euo pipefail
sh tests/codegen/all.sh "${NETC:-./netc}"
