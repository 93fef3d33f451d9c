#!/usr/bin/env bash
# frontend_robustness.sh - netc --check on hostile inputs: it must answer 0 or 1, never
# crash, hang or trip a sanitizer.  Bounded to about 20 s.
#
#   NETC=/path/to/netc-asan bash tests/e2e/frontend_robustness.sh    (default ${BUILD:-build}/netc)
#
# Inputs: a 10 MB line (name, comment, number, string, unterminated string), a million
# lines (layers, errors, blank lines, settings), a million nested brackets, NUL bytes,
# random bytes, random grammar words; then mutations of tests/fuzz/corpus.
#
# Each input gets 10 s of CPU time (ulimit -t: a busy machine does not eat into it, as it
# did into the wall-clock limit of 5 s that million_errors.net, 4.5 s under ASan on an
# idle machine, exceeded under load; linear work takes about 1 s, 4-5 s sanitized, and a
# quadratic blow-up on a million lines hours), and 120 s of wall-clock time for a
# process that blocks without computing.
# Failing inputs are kept in build/fuzz/crashes.
set -u
netc=${NETC:-${BUILD:-build}/netc}
keep=build/fuzz/crashes
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$keep"
export ASAN_OPTIONS=${ASAN_OPTIONS:-exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:exitcode=86}
failures=0

repeat() {      # repeat TEXT COUNT: TEXT, COUNT times
    yes "$1" | head -n "$2" | tr -d '\n'
}
long() {        # long CHAR BYTES
    head -c "$2" /dev/zero | tr '\0' "$1"
}

make_inputs() {
    cd "$work" || exit 2
    { printf 'network '; long a 10000000; echo; } > long_name.net
    { printf '# '; long x 10000000; echo; } > long_comment.net
    { printf 'network t\ninput '; long 9 10000000; echo; } > long_number.net
    { printf 'train {\n  loss "'; long y 10000000; printf '"\n}\n'; } > long_string.net
    { printf 'data {\n  train_csv "'; long y 10000000; printf '\n}\n'; } > long_unterminated.net
    { printf 'network t\ninput 4\n'; yes 'dense 4 relu' | head -n 1000000; } > million_layers.net
    yes 'dense 4 sigmod' | head -n 1000000 > million_errors.net
    { yes '' | head -n 1000000; echo 'network t'; } > million_blank.net
    { echo 'train {'; yes '  epochs 3' | head -n 1000000; echo '}'; } > million_settings.net
    { printf 'dense 1 relu'; long '(' 1000000; long ')' 1000000; echo; } > deep_parens.net
    { printf 'train '; long '{' 1000000; echo; } > deep_braces.net
    { printf 'train {\n optimizer sgd(0.1'; repeat ',0.1' 200000; printf ')\n}\n'; } > many_args.net
    head -c 1000000 /dev/zero > nuls.net
    printf 'network mn\0ist\ninput 784\n' > nul_in_name.net
    printf 'network t\rinput 4\rdense 1 sigmoid\r' > only_cr.net
    head -c 3000000 /dev/urandom > random.net
    head -c 3000000 /dev/urandom | tr -c 'a-z0-9{}()=,:#". \n-' ' ' > random_words.net
    { printf 'network t\ninput '; repeat '99999999999x' 1000; echo 1; } > huge_shape.net
    printf 'network t\ninput 4\ndense 99999999999999999999999 relu\ndense 1e308 relu\ntrain {\n seed 99999999999999999999\n epochs 1e-400\n}\n' > big_numbers.net
    cd - > /dev/null || exit 2
}

make_inputs
for f in "$work"/*.net; do
    start=$(date +%s%N)
    (ulimit -t 10 && exec timeout 120 "$netc" --check "$f") > /dev/null 2> "$work/stderr"
    rc=$?
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    printf '%-24s exit %d  %5d ms\n' "$(basename "$f")" "$rc" "$ms"
    if (( rc != 0 && rc != 1 )); then
        failures=$((failures + 1))
        cp "$f" "$keep/"
        echo "FAIL: exit $rc (124: timeout, >128: a signal, the CPU limit's included, 86: sanitizer); kept in $keep"
        head -20 "$work/stderr"
    fi
done

# Mutations of the seed corpus, for the rest of the budget.
FUZZ_OUT=$keep bash tests/fuzz/mutate.sh "$netc" 1500 8 || failures=$((failures + 1))

echo "frontend_robustness: $failures failures"
(( failures == 0 ))
