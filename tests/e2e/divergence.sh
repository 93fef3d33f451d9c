#!/bin/bash
# Divergence is caught and the last good weights kept:
#  - Nielsen's eta = 100 on samples/mnist.net (1,000 images), over the weights and
#    checkpoint of an earlier good run: the sigmoids saturate, the output stops depending
#    on the input; training stops in epoch 1 naming the layer and the learning rate, exit
#    1; having finished no epoch it writes no weights: the trained file and the checkpoint
#    are untouched, and it says so;
#  - eta = 50 diverges later (epoch 3 here): the weights of the start of that epoch are
#    kept, and the message names the file;
#  - a tanh/linear regression at lr 1000, started from known weights (--init-weights):
#    the loss overflows; the message names the epoch, the batch and the first layer
#    holding a non-finite value; the weights kept are exactly those epoch 1 started from.
source tests/e2e/common.bash
tools/fetch-data.sh mnist
"$netc" build samples/mnist.net -o "$work" > /dev/null
run=(--data data/mnist --limit 1000 --epochs 3)
"$work/mnist" train "${run[@]}" --epochs 1 --quiet --save "$work/w.safetensors" --keep-checkpoint  # a good run
good=$(sha256sum < "$work/w.safetensors"); ckpt=$(sha256sum < "$work/w.ckpt")
set +e
"$work/mnist" train "${run[@]}" --lr 100 --save "$work/w.safetensors" > "$work/out" 2> "$work/err"
status=$?
set -e
cat "$work/out" "$work/err"
[ "$status" = 1 ] || fail "eta = 100: exit $status, expected 1"
grep -q '^mnist: error: epoch 1, after its last batch (100): the network.s output no longer depends on its input' "$work/err" \
    || fail "eta = 100: no epoch/batch in the message"
grep -q "layer dense[123]" "$work/err" || fail "eta = 100: no layer named"
grep -qx 'hint: learning rate 100 is likely too high; try 10 (10x smaller)' "$work/err" || fail "eta = 100: no hint"
grep -qx "no epoch finished, so no weights were written: $work/w.safetensors is as it was" "$work/err" \
    || fail "eta = 100: does not say the weights were left alone"
[ "$(sha256sum < "$work/w.safetensors")" = "$good" ] || fail "eta = 100: the trained weights were replaced"
[ "$(sha256sum < "$work/w.ckpt")" = "$ckpt" ] || fail "eta = 100: the previous checkpoint was overwritten"
grep -q "the last checkpoint, $work/w.ckpt, is untouched" "$work/err" || fail "eta = 100: checkpoint not mentioned"
! grep -q '^saved' "$work/out" || fail "eta = 100: the diverged weights were saved"
echo "ok: eta = 100 stops in epoch 1, leaves the trained weights and the checkpoint alone"

set +e
"$work/mnist" train "${run[@]}" --epochs 4 --lr 50 --save "$work/w50.safetensors" > "$work/out" 2> "$work/err"
set -e
cat "$work/err"
if grep -q '^mnist: error: epoch [2-4],' "$work/err"; then
    epoch=$(grep -o '^mnist: error: epoch [0-9]' "$work/err" | grep -o '[0-9]$')
    grep -qx "kept the last good weights, from the start of epoch $epoch: $work/w50.safetensors" "$work/err" \
        || fail "eta = 50: the weights of the last finished epoch not kept"
    "$work/mnist" eval --data data/mnist --weights "$work/w50.safetensors" || fail "eta = 50: the kept weights do not load"
    echo "ok: eta = 50 stops in epoch $epoch and keeps the start of that epoch's weights"
else
    echo "note: eta = 50 did not diverge after epoch 1 here: $(head -1 "$work/err")"
fi

# An overflow: NaN/Inf in the loss.
cat > "$work/reg.net" <<'NET'
network reg
input 2
dense 4 tanh
dense 1 linear
train {
    loss mse
    optimizer sgd
    learning_rate 0.001
    batch 4
    epochs 20
}
NET
awk 'BEGIN { srand(1); for (i = 0; i < 64; i++) { a = rand() * 10; b = rand() * 10; printf "%.3f,%.3f,%d\n", a, b, int(a + b) } }' > "$work/reg.csv"
"$netc" build "$work/reg.net" -o "$work" > /dev/null
reg=(train --train-csv "$work/reg.csv" --label-column last --quiet)
"$work/reg" "${reg[@]}" --epochs 2 --save "$work/start.safetensors" || fail "lr 0.001 should train"
cp "$work/start.safetensors" "$work/reg.safetensors"
set +e
"$work/reg" "${reg[@]}" --init-weights "$work/start.safetensors" --save "$work/reg.safetensors" --lr 1000 2> "$work/err"
status=$?
set -e
cat "$work/err"
[ "$status" = 1 ] || fail "lr 1000: exit $status, expected 1"
grep -qE '^reg: error: epoch 1, batch [0-9]+ of 16: the training loss is (inf|-?nan); layer dense[12] is the first with a non-finite value' "$work/err" \
    || fail "lr 1000: message"
grep -qx 'hint: learning rate 1000 is likely too high; try 100 (10x smaller)' "$work/err" || fail "lr 1000: hint"
cmp "$work/start.safetensors" "$work/reg.safetensors" || fail "lr 1000: the kept weights are not those epoch 1 started from"
/usr/bin/python3 - "$work/reg.safetensors" <<'PY' || fail "lr 1000: the kept weights are not finite"
import json, math, struct, sys
data = open(sys.argv[1], "rb").read()
(n,) = struct.unpack("<Q", data[:8])
body = data[8 + n:]
values = struct.unpack("<%df" % (len(body) // 4), body)
assert values and all(math.isfinite(v) for v in values), "non-finite weights"
print("kept weights: %d finite floats" % len(values))
PY
echo "ok: an infinite loss stops training, naming epoch, batch and layer"
