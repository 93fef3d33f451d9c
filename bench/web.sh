#!/bin/sh
# web.sh - `make bench-web`: netc --emit web's page beside the native trainer and the
# JavaScript libraries a web developer would use instead (TensorFlow.js with its wasm and
# cpu backends, ConvNetJS, brain.js), in one headless Chromium, for samples/mnist.net
# (784-16-16-10 sigmoid, MSE, SGD, batch 10) and samples/mnist_relu.net (784-128-64-10
# ReLU/softmax, cross-entropy, Adam, batch 32).  See bench/README.md, "In a browser".
#
# Writes build/bench/web/ (pages, trainers, node_modules) and bench/results/web.md and
# web.json; prints the table.  Not a test: never part of make check.
#   BUILD [build]   the build tree whose netc is timed
#   BENCH_WEB_TOOLS [netc netc-simd tfjs-wasm tfjs-cpu convnetjs brainjs]   the browser rows
set -eu
cd "$(dirname "$0")/.."

netc=${BUILD:-build}/netc
work=${BUILD:-build}/bench/web
site=$work/site

command -v chromium > /dev/null || { echo "bench/web: chromium is missing (apt-get install chromium)" >&2; exit 1; }
command -v npm > /dev/null || { echo "bench/web: npm is missing (apt-get install npm)" >&2; exit 1; }
[ -f data/mnist/t10k-labels-idx1-ubyte ] || tools/fetch-data.sh mnist
mkdir -p "$work/native" "$site/mnist"

# The libraries: the versions package-lock.json pins, each tarball checked against the
# lock's sha512 integrity by npm ci; no install scripts (none of them needs one).
cp bench/web/package.json bench/web/package-lock.json "$work/"
if ! cmp -s bench/web/package-lock.json "$work/node_modules/.package-lock.json.netc" 2> /dev/null; then
    (cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    cp bench/web/package-lock.json "$work/node_modules/.package-lock.json.netc"
fi

# The page's module and the native trainer, from the same .net file.
for net in mnist mnist_relu; do
    "$netc" --emit web "samples/$net.net" -o "$work/page-$net" > /dev/null
    cp "$work/page-$net/$net.wasm" "$site/"
    rm -f "$site/${net}_relaxed.wasm"      # made with clang 16 or later
    [ ! -f "$work/page-$net/${net}_relaxed.wasm" ] || cp "$work/page-$net/${net}_relaxed.wasm" "$site/"
    "$netc" build "samples/$net.net" -o "$work/native-$net" > /dev/null
done
cp bench/web/bench.html bench/web/bench.js "$site/"
ln -sfn "$(pwd)/$work/node_modules" "$site/node_modules"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte; do
    ln -sfn "$(pwd)/data/mnist/$f" "$site/mnist/$f"
done

# The browser: bench.html from a loopback-only server that drive.js starts and stops; it
# runs each native trainer's bench (WORK/native-NET/NET) just before that network's rows.
node --experimental-websocket --no-warnings bench/web/drive.js "$site" "$work" \
    bench/results/web
cat bench/results/web.md
