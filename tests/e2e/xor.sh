#!/bin/bash
# samples/xor.net learns XOR exactly from samples/xor.csv (its data block).
source tests/e2e/common.bash
"$netc" build samples/xor.net -o "$work"
out=$("$work/xor" train --save "$work/xor.safetensors")
tail -1 <<<"$out"
[ "$(accuracy "$out")" = "100.00" ] || fail "xor accuracy $(accuracy "$out")"
classes=$("$work/xor" predict --weights "$work/xor.safetensors" --header --label-column last samples/xor.csv | tr '\n' ' ')
[ "$classes" = "0 1 1 0 " ] || fail "xor predictions: $classes"
echo "ok: xor predicts 0 1 1 0"
