#!/bin/sh
# demo.sh - the main job: fetch MNIST, compile samples/mnist.net, train it, report accuracy.
set -eu
cd "$(dirname "$0")/.."
tools/fetch-data.sh mnist
./netc build samples/mnist.net -o build/demo
echo "demo: training 3Blue1Brown's 784-16-16-10 network on MNIST (samples/mnist.net)"
build/demo/mnist train --data data/mnist --save build/demo/mnist.safetensors
build/demo/mnist eval --data data/mnist --weights build/demo/mnist.safetensors
