#!/bin/bash
# netc --plain: the same trainer with each layer's sums written out as plain loops under
# their equations (compiler/emit/plain.c).
#  - Built both ways, samples/xor.net (its CSV, 50 epochs) and samples/mnist.net and
#    mnist_relu.net (3000 MNIST samples, 2 epochs) train from the same seed to the same
#    figures and weights within float rounding: the kernels add the same products in
#    chunks of 128 and may fuse multiply-adds.  Stated tolerances: each epoch's loss and
#    test loss within 1e-3 relative, test accuracy within 0.1 points, every weight within
#    1e-4 (measured: the printed figures equal, weights within 3e-6).
#  - The plain NAME.c and NAME_kernels.h compile without a warning under gcc and clang
#    (-std=c99 -Wall -Wextra -Wpedantic -Werror); their gradients match central
#    differences in double precision (tests/codegen/gradcheck.sh), for every activation.
#  - Threads split the plain loops without changing a sum: 1 and 3 threads give the
#    same weights, bit for bit.
#  - Without --plain nothing changes: the files differ only where plain.c writes.
source tests/e2e/common.bash
tools/fetch-data.sh mnist

# floats FILE.safetensors: its tensors' float32 values, one a line (the 8-byte header
# length, the JSON header, then the data)
floats() {
    local n
    n=$(od -A n -t u8 -N 8 "$1" | tr -d ' ')
    od -A n -v -t f4 -j $((8 + n)) "$1" | tr -s ' ' '\n' | sed '/^$/d'
}

# figures TRAINER_OUTPUT: loss, test accuracy and test loss of each epoch, one a line
figures() {
    sed -n 's/^epoch *[0-9/]*  loss \([^ ]*\)  test acc \([^%]*\)%  test loss \([^ ]*\) .*/\1 \2 \3/p' \
        <<<"$1"
}

# same_training NET ARGS...: NET built both ways, trained with ARGS; figures and weights
same_training() {
    local net=$1 name
    shift
    name=$(sed -n 's/^network[[:space:]]\+\([A-Za-z0-9_]*\).*/\1/p' "$net")
    "$netc" build "$net" -o "$work/fast_$name" > /dev/null
    "$netc" build --plain "$net" -o "$work/plain_$name" > /dev/null
    grep -q 'matmul(' "$work/plain_$name/$name.c" && fail "$name: plain $name.c calls matmul"
    local fast plain
    fast=$("$work/fast_$name/$name" train "$@" --save "$work/fast_$name.safetensors")
    plain=$("$work/plain_$name/$name" train "$@" --save "$work/plain_$name.safetensors")
    figures "$fast" > "$work/fast_$name.fig"
    figures "$plain" > "$work/plain_$name.fig"
    [ -s "$work/fast_$name.fig" ] || fail "$name: no epoch lines in: $fast"
    paste -d ' ' "$work/fast_$name.fig" "$work/plain_$name.fig" | awk -v name="$name" '
        function rel(a, b) { d = a - b; d = d < 0 ? -d : d; return d / (a < 0 ? -a : a + 1e-30) }
        NF != 6 { print name ": different epochs"; bad = 1; next }
        { e++
          if (rel($1, $4) > 1e-3 || rel($3, $6) > 1e-3) { print name ": epoch " e " losses " $1 ", " $3 " vs " $4 ", " $6; bad = 1 }
          d = $2 - $5; if (d < 0) d = -d
          if (d > 0.1) { print name ": epoch " e " accuracy " $2 " vs " $5; bad = 1 } }
        END { exit bad }' || fail "$name: plain trainer's figures differ"
    floats "$work/fast_$name.safetensors" > "$work/fast_$name.w"
    floats "$work/plain_$name.safetensors" > "$work/plain_$name.w"
    local diff
    diff=$(max_abs_diff "$work/fast_$name.w" "$work/plain_$name.w")
    awk -v d="$diff" 'BEGIN { exit !(d <= 1e-4) }' || fail "$name: weights differ by $diff"
    echo "ok: $name: plain and default trainers: $(wc -l < "$work/fast_$name.fig") epochs" \
         "agree (last: $(tail -1 "$work/plain_$name.fig")), weights within $diff"
}
same_training samples/xor.net --epochs 50 --seed 3
same_training samples/mnist.net --data data/mnist --limit 3000 --epochs 2 --seed 3
same_training samples/mnist_relu.net --data data/mnist --limit 3000 --epochs 2 --seed 3

# Warnings: the plain files under both compilers.
for cc in gcc clang; do
    command -v $cc > /dev/null || continue
    for name in mnist mnist_relu; do
        $cc -std=c99 -Wall -Wextra -Wpedantic -Werror -O2 -c "$work/plain_$name/$name.c" \
            -o "$work/$name.$cc.o" || fail "plain $name.c: $cc warns"
    done
    echo "ok: plain mnist.c and mnist_relu.c compile warning-free with $cc"
done

# Threads: every sum keeps its order whichever thread computes it.
NETC_PARALLEL_MIN_WORK=0 "$work/plain_mnist_relu/mnist_relu" train --data data/mnist \
    --limit 1500 --epochs 1 --seed 5 --quiet --threads 3 --save "$work/t3.safetensors"
"$work/plain_mnist_relu/mnist_relu" train --data data/mnist --limit 1500 --epochs 1 --seed 5 \
    --quiet --save "$work/t1.safetensors"
cmp -s "$work/t1.safetensors" "$work/t3.safetensors" || fail "plain: 3 threads' weights differ"
echo "ok: plain mnist_relu: 1 and 3 threads, the same weights"

# Gradients against central differences, in double, one network per activation and
# loss of tests/codegen/nets, side by side.
nets=(adam_softmax ce_sigmoid leaky_linear nesterov_bce)
for n in "${nets[@]}"; do
    "$netc" --plain "tests/codegen/nets/$n.net" -o "$work/g_$n" 2> /dev/null
    { sh tests/codegen/gradcheck.sh "$work/g_$n" > "$work/g_$n.log" 2>&1 ||
          touch "$work/g_$n.failed"; } &
done
wait
for n in "${nets[@]}"; do
    [ ! -e "$work/g_$n.failed" ] || { cat "$work/g_$n.log"; fail "plain $n: gradient check"; }
done
echo "ok: plain ${nets[*]}: gradients match central differences (double)"

# Without --plain, nothing of it: the two builds' sources differ only in the layers'
# sums, the notes about them and the kernels header.
for f in mnist.h mnist_main.c; do
    diff <(grep -v 'command:' "$work/fast_mnist/$f") <(grep -v 'command:' "$work/plain_mnist/$f") \
        > /dev/null || fail "--plain changed $f"
done
grep -q 'outer_sum(' "$work/fast_mnist/mnist.c" || fail "the default mnist.c lost its kernels"
echo "ok: --plain changes mnist.c and mnist_kernels.h only"

# Only for the trainer's sources.
for mode in --check --summary; do
    status=0
    "$netc" --plain $mode samples/xor.net > /dev/null 2>&1 || status=$?
    [ $status -eq 2 ] || fail "netc --plain $mode: exit $status, not a usage error (2)"
done
"$netc" --help | grep -q -- '--plain' || fail "netc --help says nothing of --plain"
echo "ok: --plain with --check or --summary is a usage error; --help has it"
