#!/bin/bash
# netc --emit web (docs/web.md): the page in headless Chromium, driven over the DevTools
# protocol with real mouse events (tests/e2e/web.js): a drawn vertical stroke is a 1, the
# embedded test digits get predict's class and outputs (within 1e-5), one epoch of
# training in the page lowers the loss and gives the native trainer's weights, no errors,
# screenshots not blank; for samples/mnist.net, samples/mnist_relu.net and
# samples/lenet.net (convolutions, pooling, dropout).  Also: the usage errors, and
# networks the page cannot draw.
# WEB_SHOTS=DIR keeps the screenshots there (docs/: web-draw.png, web-train.png,
# web-conv-draw.png, web-conv-train.png).
source tests/e2e/common.bash
command -v chromium > /dev/null || fail "chromium is missing (apt-get install chromium)"
[ -f data/mnist/t10k-images-idx3-ubyte ] || tools/fetch-data.sh mnist > /dev/null
seed=5

# One network: one epoch of the page's subset, natively; trained native weights (EPOCHS
# of all of MNIST, or without EPOCHS that one epoch's) and their outputs; the page from
# those weights in Chromium.  web_page NET [EPOCHS]
web_page() {
    local net=$1 epochs=${2:-} dir=$work/$1 weights=$work/$1/epoch1.safetensors
    "$netc" build "samples/$net.net" -o "$dir/native" > /dev/null
    "$dir/native/$net" train --quiet --data data/mnist --limit 3000 --epochs 1 --seed $seed \
        --save "$dir/epoch1.safetensors" > /dev/null
    if [ -n "$epochs" ]; then
        weights=$dir/w.safetensors
        "$dir/native/$net" train --quiet --data data/mnist --epochs "$epochs" --save "$weights" > /dev/null
    fi
    "$dir/native/$net" predict --raw --weights "$weights" data/mnist/t10k-images-idx3-ubyte > "$dir/raw.txt"
    # The page's relaxed-SIMD module is also checked from its given weights, as
    # `train --init-weights` starts.
    "$dir/native/$net" train --quiet --data data/mnist --init-weights "$weights" --limit 3000 --epochs 1 \
        --seed $seed --save "$dir/given1.safetensors" > /dev/null

    # The page: one self-contained file, nothing fetched from elsewhere.
    "$netc" --emit web --weights "$weights" "samples/$net.net" -o "$dir/web"
    local page=$dir/web/$net.html
    [ -f "$page" ] && [ -f "$dir/web/$net.wasm" ] || fail "--emit web wrote no $net.html and $net.wasm"
    if grep -Eo '(src|href)="[^"]*"|https?://[a-z0-9.]+' "$page"; then
        fail "$net.html refers to something outside itself"
    fi
    echo "ok: $net.html, $(wc -c < "$page") bytes, refers to nothing outside itself"

    mkdir -p "$dir/shots"
    node --experimental-websocket --no-warnings tests/e2e/web.js "$page" "$dir/raw.txt" \
        "$dir/epoch1.safetensors" "$dir/given1.safetensors" $seed "$dir/shots" || fail "$net.html in Chromium"
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
# LeNet-5: convolutions and max pooling drawn as feature maps, the first layer's filters,
# dropout (its masks keyed per batch as the trainer keys them), Adam, batch 64.  The
# page's weights are the subset epoch's (all of MNIST would take minutes).  Weights
# within 1e-4, not 1e-5: without relaxed SIMD the page's conv kernels round otherwise
# than the native AVX ones (a native SSE2 build differs from an AVX one by 6e-6 after this
# epoch), and Adam scales a near-zero gradient's rounding up to a step of about lr (1e-3);
# measured 1.4e-5 (relaxed SIMD: 0).  A wrong dropout mask, batch or data order moves weights by 1e-2 (4.6e-2
# with another mask key).
WEB_WEIGHTS_TOLERANCE=1e-4 web_page lenet
[ -z "${WEB_SHOTS:-}" ] || cp "$work/lenet/shots/web-draw.png" "$WEB_SHOTS"/web-conv-draw.png
[ -z "${WEB_SHOTS:-}" ] || cp "$work/lenet/shots/web-train.png" "$WEB_SHOTS"/web-conv-train.png

# What it refuses, with the reason.
out=$("$netc" --emit web samples/xor.net -o "$work/xor" 2>&1) && fail "--emit web accepted xor.net"
grep -q "takes 2 inputs; the page draws" <<<"$out" || fail "xor.net: $out"
printf '%s\n' 'network four' 'input 4x14x14' 'conv 8 3x3 relu' 'maxpool 2x2' 'dense 10 softmax' \
    'train {' 'loss cross_entropy' 'learning_rate 0.1' '}' > "$work/four.net"
out=$("$netc" --emit web "$work/four.net" -o "$work/four" 2>&1) && fail "--emit web accepted 4 x 14 x 14 images"
grep -q "layer 'conv1' (line 3) is a conv layer on 4 x 14 x 14 images; the page draws one-channel 1 x 28 x 28 digits" \
    <<<"$out" || fail "four.net: $out"
out=$("$netc" --emit web --data "$work/nowhere" samples/mnist.net -o "$work/x" 2>&1) && fail "--data nowhere accepted"
grep -q "tools/fetch-data.sh mnist" <<<"$out" || fail "--data nowhere: $out"
out=$("$netc" --data data/mnist samples/mnist.net -o "$work/x" 2>&1) && fail "--data without --emit web accepted"
grep -q "only for --emit web" <<<"$out" || fail "--data alone: $out"
out=$(PATH=/nonexistent NETC_WASM_CC=/nonexistent/clang "$netc" --emit web samples/mnist.net -o "$work/x" 2>&1) &&
    fail "--emit web without a toolchain succeeded"
grep -q "apt-get install clang-16 lld-16 wasi-libc libclang-rt-16-dev-wasm32" <<<"$out" || fail "no toolchain: $out"
echo "ok: refused: a network that is not 28 x 28 -> 10, a conv network on 4 x 14 x 14 images, missing digits, --data alone, no toolchain"
