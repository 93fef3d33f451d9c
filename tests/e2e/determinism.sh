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
