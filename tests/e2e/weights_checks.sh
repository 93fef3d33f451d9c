#!/bin/bash
# What every reader of a weights file refuses beyond a bad layout (issue 19, item 14):
#  - another network's weights whose tensors happen to have the same names and shapes
#    (the file's "network" metadata names another network): the trainer's eval, predict,
#    report and train --init-weights, and netc --emit infer, onnx and web, each exit 1
#    naming the file and both networks, and load it with --allow-other-network.  A file
#    without the metadata (PyTorch's) and one from an edited .net file of the same name
#    load silently.  Before, every one of them loaded the other network's file, exit 0.
#  - scaling statistics no network could have been trained with, in --emit infer: a NaN,
#    0 or negative input.std and an input.max below its input.min are refused naming the
#    tensor and the element, as the trainer refuses them (the exporter replaced them by 1).
source tests/e2e/common.bash

# rewrite SRC DST META [NAME=V,V,...]: SRC's tensors (some replaced by the values given)
# with META as __metadata__ (JSON; null: none at all).
rewrite() {
    python3 - "$@" <<'PY'
import json, struct, sys
src, dst, meta = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
raw = open(src, "rb").read()
(n,) = struct.unpack("<Q", raw[:8])
header, body = json.loads(raw[8:8 + n]), raw[8 + n:]
header.pop("__metadata__", None)
values = {name: list(struct.unpack("<%df" % ((e - b) // 4), body[b:e]))
          for name, info in header.items() for b, e in [info["data_offsets"]]}
for arg in sys.argv[4:]:
    name, text = arg.split("=")
    values[name] = [float(v) for v in text.split(",")]
out, data = ({"__metadata__": meta} if meta is not None else {}), b""
for name, info in header.items():
    out[name] = {"dtype": "F32", "shape": info["shape"],
                 "data_offsets": [len(data), len(data) + 4 * len(values[name])]}
    data += struct.pack("<%df" % len(values[name]), *values[name])
h = json.dumps(out).encode()
h += b" " * (-len(h) % 8)
open(dst, "wb").write(struct.pack("<Q", len(h)) + h + data)
PY
}

# expect STATUS WHAT TEXT COMMAND...: exits STATUS, and with 1 says TEXT on stderr.
expect() {
    local want=$1 what=$2 text=$3 status
    shift 3
    set +e; "$@" > "$work/out" 2> "$work/err"; status=$?; set -e
    [ "$status" = "$want" ] || { cat "$work/err" >&2; fail "$what: exit $status, expected $want"; }
    if [ "$want" = 1 ]; then
        grep -qF -- "$text" "$work/err" || { cat "$work/err" >&2; fail "$what: no '$text'"; }
        printf '  ok: %-44s %s\n' "$what" "$(head -1 "$work/err" | sed "s|$work/||g" | cut -c1-90)"
    else
        ! grep -q "another network" "$work/err" || { cat "$work/err" >&2; fail "$what: a message"; }
        printf '  ok: %-44s exit %s\n' "$what" "$status"
    fi
}

# xor, and the same layers under another name (as a copied .net file would have them).
"$netc" build samples/xor.net -o "$work/xor" > /dev/null
sed 's/^network xor$/network xor_copy/' samples/xor.net > "$work/xor_copy.net"
"$netc" build "$work/xor_copy.net" -o "$work/copy" > /dev/null
"$work/xor/xor" train --epochs 20 --save "$work/w.safetensors" > /dev/null
own=$("$work/xor/xor" eval --weights "$work/w.safetensors")

other="w.safetensors: saved by network 'xor', not 'xor_copy'"
copy=$work/copy/xor_copy
echo "another network's weights, refused:"
expect 1 "eval" "$other" "$copy" eval --weights "$work/w.safetensors"
expect 1 "predict" "$other" "$copy" predict --weights "$work/w.safetensors" --header \
    --label-column last samples/xor.csv
expect 1 "report" "$other" "$copy" report --weights "$work/w.safetensors" -o "$work/report"
expect 1 "train --init-weights" "$other" "$copy" train --init-weights "$work/w.safetensors" \
    --save "$work/trained.safetensors"
[ ! -e "$work/trained.safetensors" ] || fail "train --init-weights: refused, yet saved weights"
expect 1 "netc --emit infer" "$other" "$netc" --emit infer --weights "$work/w.safetensors" \
    "$work/xor_copy.net" -o "$work/infer"
expect 1 "netc --emit onnx" "$other" "$netc" --emit onnx --weights "$work/w.safetensors" \
    "$work/xor_copy.net" -o "$work/xor_copy.onnx"
grep -q -- "--allow-other-network" "$work/err" || fail "the message does not name --allow-other-network"

echo "... and loaded when asked:"
expect 0 "eval --allow-other-network" "" "$copy" eval --weights "$work/w.safetensors" \
    --allow-other-network
[ "$(cat "$work/out")" = "$own" ] || fail "eval of the same weights: '$(cat "$work/out")', xor's own '$own'"
expect 0 "predict --allow-other-network" "" "$copy" predict --weights "$work/w.safetensors" \
    --allow-other-network --header --label-column last samples/xor.csv
expect 0 "report --allow-other-network" "" "$copy" report --weights "$work/w.safetensors" \
    --allow-other-network -o "$work/report"
expect 0 "train --init-weights --allow-other-network" "" "$copy" train --epochs 1 --quiet \
    --init-weights "$work/w.safetensors" --allow-other-network --save "$work/trained.safetensors"
expect 0 "netc --emit infer --allow-other-network" "" "$netc" --emit infer --allow-other-network \
    --weights "$work/w.safetensors" "$work/xor_copy.net" -o "$work/infer"
expect 0 "netc --emit onnx --allow-other-network" "" "$netc" --emit onnx --allow-other-network \
    --weights "$work/w.safetensors" "$work/xor_copy.net" -o "$work/xor_copy.onnx"
expect 2 "netc --allow-other-network without --weights" "" "$netc" --allow-other-network \
    "$work/xor_copy.net" -o "$work/gen"

echo "files that do not name another network, loaded silently:"
rewrite "$work/w.safetensors" "$work/torch.safetensors" null
expect 0 "no metadata (as PyTorch writes)" "" "$copy" eval --weights "$work/torch.safetensors"
expect 0 "no metadata, netc --emit infer" "" "$netc" --emit infer \
    --weights "$work/torch.safetensors" "$work/xor_copy.net" -o "$work/infer"
sed 's/^    epochs        500$/    epochs        7/' samples/xor.net > "$work/xor_edited.net"
! cmp -s samples/xor.net "$work/xor_edited.net" || fail "xor_edited.net is not edited"
"$netc" build "$work/xor_edited.net" -o "$work/edited" > /dev/null
expect 0 "the same network, its .net file edited" "" "$work/edited/xor" eval \
    --weights "$work/w.safetensors"

# --emit web reads the weights first: mnist's weights (zeros here) for a copy of
# samples/mnist.net named digits.
python3 - "$work/mnist.safetensors" <<'PY'
import json, struct, sys
layers = [("dense1", 16, 784), ("dense2", 16, 16), ("dense3", 10, 16)]
header, n = {"__metadata__": {"network": "mnist"}}, 0
for name, out, fan_in in layers:
    for tensor, size, shape in [("weight", out * fan_in, [out, fan_in]), ("bias", out, [out])]:
        header[f"{name}.{tensor}"] = {"dtype": "F32", "shape": shape, "data_offsets": [4 * n, 4 * (n + size)]}
        n += size
h = json.dumps(header).encode()
h += b" " * (-len(h) % 8)
open(sys.argv[1], "wb").write(struct.pack("<Q", len(h)) + h + bytes(4 * n))
PY
sed 's/^network mnist$/network digits/' samples/mnist.net > "$work/digits.net"
expect 1 "netc --emit web" "mnist.safetensors: saved by network 'mnist', not 'digits'" \
    "$netc" --emit web --weights "$work/mnist.safetensors" "$work/digits.net" -o "$work/web"

# Scaling statistics: a CSV network that standardizes its inputs, and one that maps them
# to [0, 1]; each trained an epoch, then its statistics damaged.
printf '1,2,0\n3,5,1\n2,2,0\n4,1,1\n' > "$work/d.csv"
for scale in standardize unit; do
    cat > "$work/$scale.net" <<NET
network $scale
input 2
dense 2 tanh
dense 1 sigmoid
train {
    loss          binary_cross_entropy
    learning_rate 0.1
    batch         4
    epochs        1
}
data {
    train_csv     "$work/d.csv"
    test_csv      "$work/d.csv"
    label_column  last
    scale         $scale
}
NET
    "$netc" build "$work/$scale.net" -o "$work/$scale" > /dev/null
    "$work/$scale/$scale" train --quiet --save "$work/$scale.safetensors" > /dev/null
done
expect 0 "netc --emit infer, statistics as trained" "" "$netc" --emit infer \
    --weights "$work/standardize.safetensors" "$work/standardize.net" -o "$work/infer"
echo "unusable statistics, refused by netc --emit infer (and the trainer):"
for bad in "input.std=1,nan:element 1 is NaN" "input.std=1,-2:element 1 is -2: a standard deviation" \
           "input.std=0,1:element 0 is 0: a standard deviation"; do
    rewrite "$work/standardize.safetensors" "$work/bad.safetensors" '{"network": "standardize"}' "${bad%%:*}"
    expect 1 "${bad%%:*}" "bad.safetensors: byte " "$netc" --emit infer \
        --weights "$work/bad.safetensors" "$work/standardize.net" -o "$work/infer"
    grep -qF "tensor 'input.std' ${bad#*:}" "$work/err" || fail "${bad%%:*}: $(cat "$work/err")"
    expect 1 "  the same, eval" "tensor 'input.std' ${bad#*:}" "$work/standardize/standardize" \
        eval --weights "$work/bad.safetensors"
done
rewrite "$work/unit.safetensors" "$work/bad.safetensors" '{"network": "unit"}' \
    "input.min=1,1" "input.max=4,0.5"
below="tensor 'input.max' element 1 is 0.5, below input.min's 1"
expect 1 "input.max below input.min" "$below" "$netc" --emit infer \
    --weights "$work/bad.safetensors" "$work/unit.net" -o "$work/infer"
expect 1 "  the same, eval" "$below" "$work/unit/unit" eval --weights "$work/bad.safetensors"
echo "ok: weights checks"
