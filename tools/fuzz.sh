#!/bin/bash
# fuzz.sh [SECONDS [TARGET...]] - libFuzzer (clang) on the .net front end and the
# runtime's IDX, CSV and safetensors readers, and the ONNX importer (netc import), under
# AddressSanitizer and UBSan.
#
#   targets: frontend idx csv safetensors onnx (default: all), SECONDS each [60]
#
# The targets run side by side, one per processor.
# Seeds come from tests/fuzz/corpus (front end) and tests/fuzz/seeds/*; the growing
# corpora and any crash-* inputs stay under build/fuzz.  Exit 1 if a target failed:
# turn its crash file into a regression case (tests/diagnostics or a runtime test).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("${@:-frontend}")
[ $# -gt 0 ] || targets=(frontend idx csv safetensors onnx)
tools/deps.sh clang libclang-rt-14-dev flex bison libpng-dev
make -s build/parser.c build/lexer.c build/proto/onnx.pb-c.c kernel-text
out=build/fuzz
mkdir -p "$out"
flags=(-std=c99 -D_POSIX_C_SOURCE=200809L -g -O1 -fsanitize=fuzzer,address,undefined
       -fno-sanitize-recover=all -Icompiler -Iruntime -Ibuild -w)
compiler_src=($(find compiler -name '*.c' ! -path compiler/main.c | sort) build/parser.c build/lexer.c
              build/proto/onnx.pb-c.c                                   # netc import's ONNX messages
              runtime/io/safetensors.c runtime/io/json.c                # --emit infer's weights reader
              runtime/io/weights_check.c
              runtime/io/error.c runtime/io/atomic.c
              runtime/io/dataset.c runtime/io/idx.c runtime/io/csv.c)   # --quantize's calibration

build() {   # build TARGET
    case "$1" in
    frontend) clang "${flags[@]}" tests/fuzz/fuzz_frontend.c "${compiler_src[@]}" -lprotobuf-c -lm -o "$out/fuzz_frontend" ;;
    onnx) clang "${flags[@]}" tests/fuzz/fuzz_onnx.c "${compiler_src[@]}" -lprotobuf-c -lm -o "$out/fuzz_onnx" ;;
    idx|csv|safetensors)
        local macro
        macro=READER_$(tr a-z A-Z <<<"$1")
        clang "${flags[@]}" -D"$macro" tests/fuzz/fuzz_reader.c runtime/io/*.c -lm -o "$out/fuzz_$1" ;;
    *) echo "fuzz: unknown target '$1' (frontend idx csv safetensors onnx)" >&2; exit 2 ;;
    esac
}

seeds() {   # seeds TARGET: the directory of seed inputs
    [ "$1" = frontend ] && echo tests/fuzz/corpus || echo "tests/fuzz/seeds/$1"
}

run() {     # run TARGET: SECONDS of fuzzing, its log in build/fuzz/fuzz_TARGET.log
    mkdir -p "$out/corpus_$1"
    (cd "$out" && "./fuzz_$1" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 "corpus_$1" "../../$(seeds "$1")" \
        > "fuzz_$1.log" 2>&1) || touch "$out/failed_$1"
}

for t in "${targets[@]}"; do
    build "$t"
done
# The targets are independent: as many at a time as there are processors.
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
running=0
for t in "${targets[@]}"; do
    echo "fuzz: $t for ${seconds}s"
    rm -f "$out/failed_$t"
    run "$t" &
    running=$((running + 1))
    [ $running -lt "$jobs" ] || { wait; running=0; }
done
wait
status=0
for t in "${targets[@]}"; do
    if [ -e "$out/failed_$t" ]; then
        tail -40 "$out/fuzz_$t.log"
        echo "fuzz: $t FAILED; the input is in $out/crash-* (or leak-*, timeout-*)" >&2
        status=1
    else
        echo "fuzz: $t: $(grep -E 'stat::number_of_executed_units' "$out/fuzz_$t.log" | tail -1)"
    fi
done
exit $status
