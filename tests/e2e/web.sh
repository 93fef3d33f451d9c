#!/bin/bash
# netc --emit web (docs/web.md): the page in headless Chromium, driven over the DevTools
# protocol with real mouse events (tests/e2e/web.js): a drawn vertical stroke is a 1, the
# embedded test digits get predict's class and outputs (within 1e-5), one epoch of
# training in the page lowers the loss and gives the native trainer's weights, no errors,
# screenshots not blank.  Also: the usage errors, and a network the page cannot draw.
# WEB_SHOTS=DIR keeps the screenshots there (docs/: web-draw.png, web-train.png).
source tests/e2e/common.bash
command -v chromium > /dev/null || fail "chromium is missing (apt-get install chromium)"
[ -f data/mnist/t10k-images-idx3-ubyte ] || tools/fetch-data.sh mnist > /dev/null
seed=5

# The native side: trained weights and their outputs; one epoch of the page's subset.
"$netc" build samples/mnist.net -o "$work/native" > /dev/null
"$work/native/mnist" train --quiet --data data/mnist --epochs 10 --save "$work/w.safetensors" > /dev/null
"$work/native/mnist" predict --raw --weights "$work/w.safetensors" data/mnist/t10k-images-idx3-ubyte \
    > "$work/raw.txt"
"$work/native/mnist" train --quiet --data data/mnist --limit 3000 --epochs 1 --seed $seed \
    --save "$work/epoch1.safetensors" > /dev/null

# The page: one self-contained file, nothing fetched from elsewhere.
"$netc" --emit web --weights "$work/w.safetensors" samples/mnist.net -o "$work/web"
page=$work/web/mnist.html
[ -f "$page" ] && [ -f "$work/web/mnist.wasm" ] || fail "--emit web wrote no mnist.html and mnist.wasm"
if grep -Eo '(src|href)="[^"]*"|https?://[a-z0-9.]+' "$page"; then
    fail "the page refers to something outside itself"
fi
echo "ok: mnist.html, $(wc -c < "$page") bytes, refers to nothing outside itself"

mkdir -p "$work/shots"
node --experimental-websocket --no-warnings tests/e2e/web.js "$page" "$work/raw.txt" \
    "$work/epoch1.safetensors" $seed "$work/shots" || fail "the page in Chromium"
for png in web-draw.png web-train.png; do
    colours=$(identify -format '%k' "$work/shots/$png")
    [ "$colours" -gt 100 ] || fail "$png looks blank ($colours colours)"
    echo "ok: $png: $colours colours"
done
[ -z "${WEB_SHOTS:-}" ] || cp "$work/shots/web-draw.png" "$work/shots/web-train.png" "$WEB_SHOTS"/

# What it refuses, with the reason.
out=$("$netc" --emit web samples/xor.net -o "$work/xor" 2>&1) && fail "--emit web accepted xor.net"
grep -q "takes 2 inputs; the page draws" <<<"$out" || fail "xor.net: $out"
out=$("$netc" --emit web --data "$work/nowhere" samples/mnist.net -o "$work/x" 2>&1) && fail "--data nowhere accepted"
grep -q "tools/fetch-data.sh mnist" <<<"$out" || fail "--data nowhere: $out"
out=$("$netc" --data data/mnist samples/mnist.net -o "$work/x" 2>&1) && fail "--data without --emit web accepted"
grep -q "only for --emit web" <<<"$out" || fail "--data alone: $out"
out=$(PATH=/nonexistent NETC_WASM_CC=/nonexistent/clang "$netc" --emit web samples/mnist.net -o "$work/x" 2>&1) &&
    fail "--emit web without a toolchain succeeded"
grep -q "apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32" <<<"$out" || fail "no toolchain: $out"
echo "ok: refused: a network that is not 28 x 28 -> 10, missing digits, --data alone, no toolchain"
