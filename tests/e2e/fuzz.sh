#!/bin/bash
# libFuzzer, 30 s per target under ASan+UBSan: the .net front end and the IDX, CSV and
# safetensors readers (tools/fuzz.sh; `make fuzz` runs them longer).  Any crash,
# sanitizer report, leak or timeout fails.
set -euo pipefail
tools/fuzz.sh "${FUZZ_SECONDS:-30}"
