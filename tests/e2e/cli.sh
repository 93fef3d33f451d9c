#!/bin/bash
# netc's command line: help, version, exit statuses, no partial output on bad input,
# the summary's figures, and `netc build` honouring CC and CFLAGS.
source tests/e2e/common.bash
expect_status() {   # expect_status STATUS COMMAND...
    local want=$1; shift
    set +e; "$@" > "$work/out" 2> "$work/err"; local got=$?; set -e
    [ "$got" -eq "$want" ] || { cat "$work/err"; fail "$* exited $got, expected $want"; }
}
expect_status 0 "$netc" --help
grep -q 'usage: netc' "$work/out" || fail "--help prints no usage"
expect_status 0 "$netc" --version
grep -qx 'netc [0-9.]*' "$work/out" || fail "--version: $(cat "$work/out")"
expect_status 2 "$netc"
expect_status 2 "$netc" --frobnicate samples/mnist.net
grep -q "unknown option '--frobnicate'" "$work/err" || fail "unknown option message"
expect_status 2 "$netc" --check "$work/missing.net"
grep -q "missing.net: cannot open: No such file" "$work/err" || fail "missing file message"

# An input with errors writes nothing, not even into a directory it had to create.
printf 'network broken\ninput 4\ndense 2 sigmod\n' > "$work/broken.net"
expect_status 1 "$netc" "$work/broken.net" -o "$work/gen"
[ -z "$(ls -A "$work/gen" 2>/dev/null)" ] || fail "files written for a broken input: $(ls "$work/gen")"
grep -q "did you mean 'sigmoid'" "$work/err" || fail "no did-you-mean hint"

# No train block: the forward pass alone (summary, dot) is fine, a trainer is not.
printf 'network fwd\ninput 4\ndense 3 relu\ndense 2 softmax\n' > "$work/fwd.net"
expect_status 0 "$netc" --summary "$work/fwd.net"
grep -q "2 layers, no train block (forward pass only)" "$work/out" || fail "summary without train: $(cat "$work/out")"
grep -q "weights 92 B (23 floats)" "$work/out" || fail "summary's memory without train: $(cat "$work/out")"
expect_status 0 "$netc" --emit dot "$work/fwd.net"
grep -q "l1 -> l2" "$work/out" && ! grep -q "loss" "$work/out" || fail "dot without train: $(cat "$work/out")"
for command in --check build ""; do
    # shellcheck disable=SC2086
    expect_status 1 "$netc" $command "$work/fwd.net" -o "$work/fwd"
    grep -q "fwd.net:[0-9]*:[0-9]*: error: no 'train { ... }' block" "$work/err" || fail "netc $command without train"
done
[ -z "$(ls -A "$work/fwd" 2>/dev/null)" ] || fail "files written without a train block"

# -o creates missing parent directories (as mkdir -p), and says which one it cannot.
expect_status 0 "$netc" samples/xor.net -o "$work/deep/er/gen"
[ -f "$work/deep/er/gen/xor.c" ] || fail "-o DIR with missing parents: $(ls -R "$work/deep")"
touch "$work/plain"
expect_status 2 "$netc" samples/xor.net -o "$work/plain/gen"
grep -q "cannot create directory .*plain/gen: Not a directory" "$work/err" || fail "-o under a file: $(cat "$work/err")"
expect_status 2 "$netc" samples/xor.net -o ""
grep -q "cannot create directory '': No such file or directory" "$work/err" || fail "-o '': $(cat "$work/err")"

# Warnings pass; -Werror makes them fail.
printf 'network w\ninput 4\ndense 3 sigmoid\ntrain {\n loss cross_entropy\n learning_rate 0.1\n}\n' > "$work/w.net"
expect_status 0 "$netc" --check "$work/w.net"
grep -q "warning:" "$work/err" || fail "no warning for cross_entropy with sigmoid outputs"
expect_status 1 "$netc" --check -Werror "$work/w.net"

expect_status 0 "$netc" --summary samples/mnist.net
grep -q '^total .*13,002' "$work/out" || fail "summary total: $(cat "$work/out")"

# netc build runs $CC with $CFLAGS (kept, so sanitizer builds still link): a wrapper
# compiler records its arguments, and the trainer it built runs.
printf '#!/bin/sh\necho "$*" >> "%s/cc.log"\nexec cc "$@"\n' "$work" > "$work/mycc"
chmod +x "$work/mycc"
expect_status 0 env CC="$work/mycc" CFLAGS="${CFLAGS:--O2} -DNETC_TEST_FLAG" "$netc" build samples/xor.net -o "$work/xor"
grep -q -- '-DNETC_TEST_FLAG' "$work/cc.log" || fail "netc build ignored CC or CFLAGS"
"$work/xor/xor" --help | grep -q 'usage: xor' || fail "the trainer built with \$CC does not run"
# An empty path is a usage error before any training (it used to fail only when renaming).
for option in --save --log --checkpoint --report; do
    expect_status 2 "$work/xor/xor" train $option ''
    grep -q -- "$option: the path is empty" "$work/err" || fail "$option '': $(cat "$work/err")"
done

# --emit dot: Graphviz draws it; one node for the input, each layer and the loss.
tools/deps.sh graphviz
expect_status 0 "$netc" --emit dot samples/mnist.net
dot -Tsvg "$work/out" > "$work/mnist.svg" || fail "dot cannot draw netc --emit dot's output"
nodes=$(grep -c 'class="node"' "$work/mnist.svg")
[ "$nodes" -eq 5 ] || fail "--emit dot: $nodes nodes, expected 5"
expect_status 2 "$netc" --emit pictures samples/mnist.net
echo "ok: netc command line, --emit dot"
