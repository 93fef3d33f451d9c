#!/bin/bash
# Checkpoints and resuming (samples/mnist_relu.net: Adam, so the optimizer's moments and
# step counter must survive too; 20,000 images, 3 epochs):
#  - SIGINT and SIGTERM mid-epoch: exit 130 / 143, a checkpoint and the weights saved,
#    how to resume printed; `--resume` then ends with weights bit-identical to an
#    uninterrupted run, and prints the same epoch lines;
#  - the same for a small conv network with dropout (its masks' keys come from the
#    checkpointed generator: the resumed run draws the same ones);
#  - a checkpoint refuses another network, other data, changed settings, and a damaged
#    file, each with a message naming the file.
source tests/e2e/common.bash
tools/fetch-data.sh mnist
"$netc" build samples/mnist_relu.net -o "$work" > /dev/null
"$netc" build samples/xor.net -o "$work" > /dev/null
net=$work/mnist_relu
data=(--data data/mnist)
limit=20000
"$net" train "${data[@]}" --limit $limit --epochs 3 --save "$work/whole.safetensors" > "$work/whole.out"

# mid_epoch SIG FILE: FILE says the run stopped in epoch 2 after some but not all of its
# samples (after all of them, while the epoch's test set is evaluated, it says N of N).
mid_epoch() {
    local done
    done=$(grep -Eo "stopped by SIG$1 in epoch 2/3 after [0-9]+ of $limit samples" "$2" |
           grep -Eo 'after [0-9]+' | grep -Eo '[0-9]+') || return 1
    [ "$done" -lt "$limit" ]
}

# interrupt SIGNAL STATUS NAME: a run stopped by SIGNAL in the middle of epoch 2, resumed.
interrupt() {
    local sig=$1 want=$2 name=$3 delay status
    for delay in 0.1 0.05 0.2 0.02; do     # retried if the signal missed the middle of an epoch
        rm -f "$work/$name".*
        "$net" train "${data[@]}" --limit $limit --epochs 3 --save "$work/$name.safetensors" \
            > "$work/$name.out" 2> "$work/$name.err" &
        local pid=$!
        until grep -q 'epoch 1/3' "$work/$name.out" 2> /dev/null; do
            kill -0 "$pid" 2> /dev/null || fail "$name: the trainer ended before epoch 1's line"
            sleep 0.02
        done
        sleep "$delay"
        kill "-$sig" "$pid"
        set +e; wait "$pid"; status=$?; set -e
        if [ "$status" = 0 ] && grep -q '^epoch 3/3' "$work/$name.out"; then
            echo "note: the run ended before SIG$sig arrived; retrying"    # a miss, not a failure
            continue
        fi
        [ "$status" = "$want" ] || { cat "$work/$name.err"; fail "$name: exit $status after SIG$sig, expected $want"; }
        mid_epoch "$sig" "$work/$name.err" && break
        echo "note: SIG$sig did not land mid-epoch: $(head -1 "$work/$name.err"); retrying"
    done
    mid_epoch "$sig" "$work/$name.err" || fail "$name: never stopped mid-epoch"
    cat "$work/$name.err"
    grep -qx "checkpoint $work/$name.ckpt" "$work/$name.err" || fail "$name: no checkpoint line"
    grep -q "resume with: $net train --resume $work/$name.ckpt --train-images data/mnist/train-images-idx3-ubyte" "$work/$name.err" || fail "$name: no resume hint"
    [ -s "$work/$name.ckpt" ] && [ -s "$work/$name.safetensors" ] || fail "$name: files missing"
    "$net" eval "${data[@]}" --weights "$work/$name.safetensors" > /dev/null || fail "$name: the saved weights do not load"
    "$net" train "${data[@]}" --resume "$work/$name.ckpt" --save "$work/$name.safetensors" --keep-checkpoint > "$work/$name.resumed"
    cat "$work/$name.resumed"
    cmp "$work/whole.safetensors" "$work/$name.safetensors" || fail "$name: resumed weights differ from an uninterrupted run's"
    # the interrupted run's lines, then the resumed run's: the uninterrupted run's lines
    diff <(grep -o '^epoch [23]/3  loss [0-9.]*  test acc [0-9.]*%' "$work/whole.out") \
         <(cat "$work/$name.out" "$work/$name.resumed" | grep -o '^epoch [23]/3  loss [0-9.]*  test acc [0-9.]*%') \
        || fail "$name: the interrupted and resumed runs' epoch lines differ from an uninterrupted run's"
    echo "ok: SIG$sig mid-epoch, exit $want, resumed to bit-identical weights"
}
interrupt INT 130 int
interrupt TERM 143 term

# A conv network with dropout: interrupted and resumed, bit-identical to a whole run.
cat > "$work/conv_drop.net" <<'NET'
network conv_drop
input 1x28x28
conv 4 5x5 relu
maxpool 2x2
dense 32 relu
dropout 0.5
dense 10 softmax
train {
    loss cross_entropy
    optimizer adam
    learning_rate 0.002
    batch 32
    seed 3
}
NET
"$netc" build "$work/conv_drop.net" -o "$work" > /dev/null
mv "$work/whole.safetensors" "$work/whole_dense.safetensors"
mv "$work/whole.out" "$work/whole_dense.out"
net=$work/conv_drop limit=20000    # an epoch long enough (~0.3 s) for the signal to land mid-epoch
"$net" train "${data[@]}" --limit $limit --epochs 3 --save "$work/whole.safetensors" > "$work/whole.out"
interrupt INT 130 conv_int
net=$work/mnist_relu limit=20000
mv "$work/whole_dense.safetensors" "$work/whole.safetensors"
mv "$work/whole_dense.out" "$work/whole.out"

# expect_error STATUS TEXT COMMAND...: exits STATUS and says TEXT on stderr.
expect_error() {
    local want=$1 text=$2 status; shift 2
    set +e; "$@" > /dev/null 2> "$work/err"; status=$?; set -e
    [ "$status" = "$want" ] || { cat "$work/err"; fail "$*: exit $status, expected $want"; }
    grep -qF -- "$text" "$work/err" || { cat "$work/err"; fail "$*: no '$text' in the message"; }
    echo "ok: $(head -1 "$work/err")"
}
ck=$work/int.ckpt
"$work/xor" train --save "$work/xor.safetensors" --quiet --keep-checkpoint
expect_error 1 "$work/xor.ckpt: checkpoint of network 'xor'" "$net" train "${data[@]}" --resume "$work/xor.ckpt"
expect_error 1 "$ck: the run was trained on 20000 samples" "$net" train --data data/mnist --train-images data/mnist/t10k-images-idx3-ubyte --train-labels data/mnist/t10k-labels-idx1-ubyte --resume "$ck"
expect_error 2 "--resume continues with the checkpoint's settings" "$net" train "${data[@]}" --resume "$ck" --lr 0.1
expect_error 1 "$work/whole.safetensors: byte 0: expected the magic" "$net" train "${data[@]}" --resume "$work/whole.safetensors"
head -c 5000 "$ck" > "$work/short.ckpt"
expect_error 1 "$work/short.ckpt: byte 4992: stored checksum" "$net" train "${data[@]}" --resume "$work/short.ckpt"
cp "$ck" "$work/flipped.ckpt"
printf '\x01' | dd of="$work/flipped.ckpt" bs=1 seek=3000 conv=notrunc 2> /dev/null
expect_error 1 "truncated or corrupt" "$net" train "${data[@]}" --resume "$work/flipped.ckpt"
