#!/bin/bash
# --threads N: the same weights, outputs and losses, bit for bit, for every N (each
# thread computes its share of every sum in the serial order; nothing is reduced
# across threads), on networks whose sizes split evenly and on ones that do not;
# ThreadSanitizer finds no data race; bad thread counts are usage errors.
source tests/e2e/common.bash
export NETC_PARALLEL_MIN_WORK=0     # every part on every thread, however small
tools/fetch-data.sh mnist

# same_for_threads NET: train, eval and predict with 1, 2, 3 and 5 threads
same_for_threads() {
    local name dir
    name=$(basename "$1" .net)
    dir="$work/$name"
    "$netc" build "$1" -o "$dir" > /dev/null
    name=$(sed -n 's/^network[[:space:]]\+\([A-Za-z0-9_]*\).*/\1/p' "$1")
    for t in 1 2 3 5; do
        "$dir/$name" train --data data/mnist --limit 1500 --epochs 2 --quiet --threads $t \
            --save "$dir/w$t.safetensors"
        "$dir/$name" eval --data data/mnist --weights "$dir/w1.safetensors" --threads $t \
            > "$dir/eval$t.txt"
        "$dir/$name" predict --raw --weights "$dir/w1.safetensors" --threads $t \
            data/mnist/t10k-images-idx3-ubyte > "$dir/predict$t.txt"
    done
    for t in 2 3 5; do
        cmp "$dir/w1.safetensors" "$dir/w$t.safetensors" ||
            fail "$name: weights trained with $t threads differ from 1 thread's"
        cmp "$dir/eval1.txt" "$dir/eval$t.txt" || fail "$name: eval with $t threads differs"
        cmp "$dir/predict1.txt" "$dir/predict$t.txt" || fail "$name: predict with $t threads differs"
    done
    echo "ok: $name: identical weights, eval and outputs with 1, 2, 3 and 5 threads ($(cat "$dir/eval1.txt"))"
}
same_for_threads samples/mnist.net
same_for_threads samples/mnist_relu.net
same_for_threads tests/codegen/nets/odd_sizes.net

# ThreadSanitizer on the trainer (runtime and model) with 2 and 3 threads
"$netc" tests/codegen/nets/odd_sizes.net -o "$work/tsan" > /dev/null
clang -std=c99 -D_POSIX_C_SOURCE=200809L -O1 -g -fsanitize=thread -Iruntime \
    "$work/tsan/odd_sizes.c" "$work/tsan/odd_sizes_main.c" "${runtime_src[@]}" -lpng -lm -pthread \
    -o "$work/tsan/odd_sizes"
for t in 2 3; do
    TSAN_OPTIONS=halt_on_error=1:exitcode=66 "$work/tsan/odd_sizes" train --data data/mnist \
        --limit 700 --epochs 1 --quiet --threads $t --save "$work/tsan/w.safetensors" ||
        fail "ThreadSanitizer, $t threads: exit $?"
done
echo "ok: ThreadSanitizer: no report with 2 and 3 threads"

# bad counts: usage errors (exit 2) that say what is allowed
for bad in 0 257 two; do
    set +e
    msg=$("$work/mnist/mnist" train --data data/mnist --threads $bad 2>&1)
    rc=$?
    set -e
    [ $rc = 2 ] || fail "--threads $bad: exit $rc, expected 2"
    grep -q -- "--threads" <<<"$msg" || fail "--threads $bad: message does not name the option: $msg"
done
echo "ok: --threads 0, 257, two: usage errors"
