# common.bash - shared by the end-to-end scripts (sourced, not run: the suite runs *.sh).
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

netc=${NETC:-./netc}       # the compiler under test

fail() { echo "FAIL: $*" >&2; exit 1; }

# accuracy OUTPUT: the last "test acc(uracy) NN.NN%" figure printed by a trainer
accuracy() { grep -o 'test acc[a-z]* [0-9.]*%' <<<"$1" | tail -1 | grep -o '[0-9.]*' ; }

# at_least VALUE MIN WHAT
at_least() {
    awk -v v="$1" -v m="$2" 'BEGIN { exit !(v >= m) }' || fail "$3: $1 < $2"
    echo "ok: $3: $1 >= $2"
}
