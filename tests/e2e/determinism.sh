#!/bin/bash
# Same file, seed and data: bit-identical weights files; another seed: other weights.
source tests/e2e/common.bash
tools/fetch-data.sh mnist
"$netc" build samples/mnist_relu.net -o "$work"
train() { "$work/mnist_relu" train --data data/mnist --limit 3000 --epochs 2 --quiet --save "$work/$1" "${@:2}"; }
train a.safetensors
train b.safetensors
cmp "$work/a.safetensors" "$work/b.safetensors" || fail "two runs with seed 7 differ"
train c.safetensors --seed 8
cmp -s "$work/a.safetensors" "$work/c.safetensors" && fail "seeds 7 and 8 gave the same weights"
echo "ok: identical bytes for one seed, different for another"

# A conv network with dropout: the masks come from the seeded generator, so two runs, and
# runs on 1 and 2 threads, give the same bytes; another seed does not.
cat > "$work/conv_drop.net" <<'NET'
network conv_drop
input 1x28x28
conv 4 5x5 relu padding 2
maxpool 2x2
conv 6 3x3 relu
avgpool 2x2
dense 32 relu
dropout 0.5
dense 10 softmax
train {
    loss cross_entropy
    optimizer adam
    learning_rate 0.002
    batch 16
    seed 5
}
NET
"$netc" build "$work/conv_drop.net" -o "$work"
conv() { "$work/conv_drop" train --data data/mnist --limit 2000 --epochs 2 --quiet --save "$work/$1" "${@:2}"; }
conv d1.safetensors
conv d2.safetensors
conv d3.safetensors --threads 2
cmp "$work/d1.safetensors" "$work/d2.safetensors" || fail "two conv + dropout runs with seed 5 differ"
cmp "$work/d1.safetensors" "$work/d3.safetensors" || fail "conv + dropout: --threads 2 differs from 1 thread"
conv d4.safetensors --seed 6
cmp -s "$work/d1.safetensors" "$work/d4.safetensors" && fail "conv + dropout: seeds 5 and 6 gave the same weights"
echo "ok: conv + dropout: identical bytes for one seed on 1 and 2 threads, different for another"
