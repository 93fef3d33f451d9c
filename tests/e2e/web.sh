#!/bin/bash
# netc --emit web (docs/web.md): the page in headless Chromium, driven over the DevTools
# protocol with real mouse events (tests/e2e/web.js): a drawn vertical stroke is a 1, the
# embedded test digits get predict's class and outputs (within 1e-5), one epoch of
# training in the page lowers the loss and gives the native trainer's weights, no errors,
# screenshots not blank; for samples/mnist.net and samples/mnist_relu.net.  Also: the
# usage errors, and a network the page cannot draw.
# WEB_SHOTS=DIR keeps the screenshots there (docs/: web-draw.png, web-train.png).
source tests/e2e/common.bash
command -v chromium > /dev/null || fail "chromium is missing (apt-get install chromium)"
[ -f data/mnist/t10k-images-idx3-ubyte ] || tools/fetch-data.sh mnist > /dev/null
seed=5

# One network: trained native weights and their outputs; one epoch of the page's subset;
# the page from those weights in Chromium.  web_page NET EPOCHS [SHOTS]
web_page() {
    local net=$1 epochs=$2 dir=$work/$1
    "$netc" build "samples/$net.net" -o "$dir/native" > /dev/null
    "$dir/native/$net" train --quiet --data data/mnist --epochs "$epochs" --save "$dir/w.safetensors" > /dev/null
    "$dir/native/$net" predict --raw --weights "$dir/w.safetensors" data/mnist/t10k-images-idx3-ubyte \
        > "$dir/raw.txt"
    "$dir/native/$net" train --quiet --data data/mnist --limit 3000 --epochs 1 --seed $seed \
        --save "$dir/epoch1.safetensors" > /dev/null

    # The page: one self-contained file, nothing fetched from elsewhere.
    "$netc" --emit web --weights "$dir/w.safetensors" "samples/$net.net" -o "$dir/web"
    local page=$dir/web/$net.html
    [ -f "$page" ] && [ -f "$dir/web/$net.wasm" ] || fail "--emit web wrote no $net.html and $net.wasm"
    if grep -Eo '(src|href)="[^"]*"|https?://[a-z0-9.]+' "$page"; then
        fail "$net.html refers to something outside itself"
    fi
    echo "ok: $net.html, $(wc -c < "$page") bytes, refers to nothing outside itself"

    mkdir -p "$dir/shots"
    node --experimental-websocket --no-warnings tests/e2e/web.js "$page" "$dir/raw.txt" \
        "$dir/epoch1.safetensors" $seed "$dir/shots" || fail "$net.html in Chromium"
    for png in web-draw.png web-train.png; do
        colours=$(identify -format '%k' "$dir/shots/$png")
        [ "$colours" -gt 100 ] || fail "$net: $png looks blank ($colours colours)"
        echo "ok: $net: $png: $colours colours"
    done
}

# The 3Blue1Brown network (sigmoid, MSE, SGD, batch 10): its screenshots are the docs'.
web_page mnist 10
[ -z "${WEB_SHOTS:-}" ] || cp "$work/mnist/shots/web-draw.png" "$work/mnist/shots/web-train.png" "$WEB_SHOTS"/
# ReLU, softmax, cross-entropy, Adam with weight decay, a cosine schedule, batch 32.
web_page mnist_relu 2

# What it refuses, with the reason.
out=$("$netc" --emit web samples/xor.net -o "$work/xor" 2>&1) && fail "--emit web accepted xor.net"
grep -q "takes 2 inputs; the page draws" <<<"$out" || fail "xor.net: $out"
out=$("$netc" --emit web tests/e2e/quantize/lenet.net -o "$work/lenet" 2>&1) && fail "--emit web accepted a conv network"
grep -q "layer 'conv1' (line [0-9]*) is a conv layer; the page draws and trains dense layers only" <<<"$out" ||
    fail "lenet.net: $out"
out=$("$netc" --emit web --data "$work/nowhere" samples/mnist.net -o "$work/x" 2>&1) && fail "--data nowhere accepted"
grep -q "tools/fetch-data.sh mnist" <<<"$out" || fail "--data nowhere: $out"
out=$("$netc" --data data/mnist samples/mnist.net -o "$work/x" 2>&1) && fail "--data without --emit web accepted"
grep -q "only for --emit web" <<<"$out" || fail "--data alone: $out"
out=$(PATH=/nonexistent NETC_WASM_CC=/nonexistent/clang "$netc" --emit web samples/mnist.net -o "$work/x" 2>&1) &&
    fail "--emit web without a toolchain succeeded"
grep -q "apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32" <<<"$out" || fail "no toolchain: $out"
echo "ok: refused: a network that is not 28 x 28 -> 10, a conv network, missing digits, --data alone, no toolchain"
