# common.bash - shared by the end-to-end scripts (sourced, not run: the suite runs *.sh).
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

netc=${NETC:-${BUILD:-build}/netc}   # the compiler under test

fail() { echo "FAIL: $*" >&2; exit 1; }

# accuracy OUTPUT: the last "test acc(uracy) NN.NN%" figure printed by a trainer
accuracy() { grep -o 'test acc[a-z]* [0-9.]*%' <<<"$1" | tail -1 | grep -o '[0-9.]*' ; }

# at_least VALUE MIN WHAT
at_least() {
    awk -v v="$1" -v m="$2" 'BEGIN { exit !(v >= m) }' || fail "$3: $1 < $2"
    echo "ok: $3: $1 >= $2"
}

# max_abs_diff FILE1 FILE2: the largest |a - b| over the numbers of two outputs, taken in
# order (blank- or line-separated); fails when they hold different counts of numbers.
max_abs_diff() {
    paste -d ' ' <(tr -s ' ' '\n' < "$1") <(tr -s ' ' '\n' < "$2") |
        awk 'NF != 2 { exit 1 } { d = $1 - $2; d = d < 0 ? -d : d; m = d > m ? d : m }
             END { printf "%g", m + 0 }' || fail "max_abs_diff: $1 and $2 differ in length"
}

# The runtime library's sources (runtime/mpi/ goes only into MPI trainers).
runtime_src=($(find runtime -name '*.c' ! -path 'runtime/mpi/*' | sort))

# source_trainer CC NET DIR FLAGS...: DIR/NAME compiled by CC with FLAGS from the generated
# files and the runtime's sources (not the libnetcrt.a that $netc links, which `make
# asan` builds sanitized).
source_trainer() {
    local cc=$1 net=$2 dir=$3 name
    shift 3
    name=$(sed -n 's/^network[[:space:]]\+\([A-Za-z0-9_]*\).*/\1/p' "$net" | head -1)
    "$netc" "$net" -o "$dir" > /dev/null
    $cc -std=c99 -D_POSIX_C_SOURCE=200809L "$@" -Iruntime "$dir/$name.c" "$dir/${name}_main.c" \
        "${runtime_src[@]}" -lpng -lm -pthread -o "$dir/$name"
}

# sanitized_trainer NET DIR: DIR/NAME under ASan + UBSan (any report aborts the run:
# exit 86 via ASAN_OPTIONS/UBSAN_OPTIONS below).
sanitized_trainer() {
    source_trainer "${SAN_CC:-clang}" "$1" "$2" -O1 -g -fsanitize=address,undefined \
        -fno-omit-frame-pointer -fno-sanitize-recover=all
}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:exitcode=86:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:exitcode=86:print_stacktrace=1}
