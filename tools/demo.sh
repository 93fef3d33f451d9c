#!/bin/sh
# demo.sh - the main job: fetch MNIST, compile samples/mnist.net, train it, report accuracy.
# BUILD [build]: the build tree whose netc runs and where the trainer goes (BUILD/demo).
set -eu
cd "$(dirname "$0")/.."
build=${BUILD:-build}
tools/fetch-data.sh mnist
"$build/netc" build samples/mnist.net -o "$build/demo"
echo "demo: training 3Blue1Brown's 784-16-16-10 network on MNIST (samples/mnist.net)"
"$build/demo/mnist" train --data data/mnist --save "$build/demo/mnist.safetensors"
"$build/demo/mnist" eval --data data/mnist --weights "$build/demo/mnist.safetensors"
