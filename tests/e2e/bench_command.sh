#!/bin/bash
# The trainer's bench command (make bench reads its `key value` lines): every rate by both
# clocks (samples per wall-clock second, and per second of the process's processor time:
# the _cpu_ keys), each with a median inside its min-max and one rate per timed epoch; the
# FLOPs per sample as bench/README.md counts them; the same keys with --threads 2; a bad
# option is refused.
source tests/e2e/common.bash
[ -f data/mnist/train-images-idx3-ubyte ] || tools/fetch-data.sh mnist > /dev/null
"$netc" build samples/mnist.net -o "$work" > /dev/null

# check_report FILE EPOCHS: the keys, their order of sizes, the epochs' count
check_report() {
    local file=$1 epochs=$2
    for what in train infer_batched infer_single; do
        for clock in "" _cpu; do
            local key=${what}${clock}_samples_per_s
            awk -v k="$key" '$1 == k "_min" { lo = $2 } $1 == k "_median" { mid = $2 }
                $1 == k "_max" { hi = $2 }
                END { exit !(lo > 0 && lo <= mid && mid <= hi) }' "$file" ||
                fail "$key: no positive median within min-max in $(cat "$file")"
        done
    done
    for key in train_samples_per_s_epochs train_cpu_samples_per_s_epochs; do
        [ "$(awk -v k="$key" '$1 == k { print NF - 1 }' "$file")" = "$epochs" ] ||
            fail "$key: not $epochs rates"
    done
    for key in train_gflops_median train_cpu_gflops_median train_loss; do
        grep -q "^$key [0-9.]*$" "$file" || fail "no $key line"
    done
}

"$work/mnist" bench --data data/mnist --limit 6000 --epochs 2 --warmup 1 > "$work/one.txt"
check_report "$work/one.txt" 2
# 784-16-16-10 at batch 10: forward MACs 784·16 + 16·16 + 16·10 = 12,960; training FLOPs
# 2 × (3 × 12,960 − 12,544) + 2 × 13,002 / 10 = 55,272.4
grep -qx 'macs_per_sample 12960' "$work/one.txt" && grep -qx 'flop_per_sample 55272' "$work/one.txt" ||
    fail "mnist's MACs and FLOPs per sample: $(grep _per_sample "$work/one.txt")"
# One thread: its processor time is at most the wall-clock time, so its rate per
# processor-second is at least the wall clock's (5 % for the clocks' reading).
awk '$1 == "train_samples_per_s_median" { w = $2 } $1 == "train_cpu_samples_per_s_median" { c = $2 }
     END { exit !(c >= 0.95 * w) }' "$work/one.txt" ||
    fail "one thread: fewer samples per processor-second than per second"
echo "ok: bench: training and inference by both clocks, medians within min-max, 2 epochs' rates, 12,960 MACs and 55,272 FLOPs per sample"

"$work/mnist" bench --data data/mnist --limit 6000 --epochs 3 --warmup 0 --threads 2 > "$work/two.txt"
check_report "$work/two.txt" 3
grep -qx 'threads 2' "$work/two.txt" || fail "--threads 2: $(grep threads "$work/two.txt")"
echo "ok: bench --threads 2: the same keys, 3 epochs' rates"

if "$work/mnist" bench --data data/mnist --epochs 0 > "$work/out" 2> "$work/err"; then
    fail "bench --epochs 0 succeeded"
fi
grep -q -- '--epochs' "$work/err" || fail "bench --epochs 0: $(cat "$work/err")"
echo "ok: bench --epochs 0 is refused: $(head -1 "$work/err")"
