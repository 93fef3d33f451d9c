#!/usr/bin/env bash
# mutate.sh - bounded mutation fuzzing of `netc --check` over tests/fuzz/corpus.
#
#   tests/fuzz/mutate.sh [NETC [RUNS [SECONDS]]]     defaults: ${BUILD:-build}/netc 2000 60
#
# Each run mutates a corpus file (tests/fuzz/mutate.c) and checks it.  A run fails
# when netc exits with anything but 0 (valid) or 1 (errors in the input), dies on a
# signal, trips a sanitizer, or takes longer than 2 s.  Failing inputs are kept in
# $FUZZ_OUT (default build/fuzz/crashes).  Stops after RUNS runs or SECONDS seconds.
set -u
here=$(cd "$(dirname "$0")" && pwd)
netc=${1:-${BUILD:-build}/netc}
runs=${2:-2000}
budget=${3:-60}
out=${FUZZ_OUT:-build/fuzz/crashes}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
# Sanitizer reports must not look like netc's own exit status 1.
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:exitcode=86:print_stacktrace=1}

cc -O2 -o "$work/mutate" "$here/mutate.c" || exit 2
seeds=("$here"/corpus/*)
start=$SECONDS failures=0 done_runs=0
for ((i = 0; i < runs; i++)); do
    (( SECONDS - start >= budget )) && break
    seed=${seeds[i % ${#seeds[@]}]}
    "$work/mutate" "$seed" "$i" > "$work/case.net"
    timeout 2 "$netc" --check "$work/case.net" > /dev/null 2> "$work/stderr"
    rc=$?
    done_runs=$((done_runs + 1))
    if (( rc != 0 && rc != 1 )); then
        failures=$((failures + 1))
        keep="$out/$(basename "$seed").$i.net"
        cp "$work/case.net" "$keep"
        echo "FAIL exit $rc on $keep (mutation $i of $(basename "$seed"))"
        head -20 "$work/stderr"
    fi
done
echo "mutate.sh: $done_runs runs over ${#seeds[@]} seeds in $((SECONDS - start)) s, $failures failures"
(( failures == 0 ))
