#!/bin/bash
# Inputs that are not regular files are refused at once, never waited on (issue 19,
# items 9 and 16): a FIFO with no writer (opening it would block for ever) and a
# directory, given as the .net file to netc --check, and as training data, IDX images,
# weights and the predict input to a trainer.  Each must exit non-zero within the
# timeout, naming the file and what it is.
source tests/e2e/common.bash
"$netc" build samples/xor.net -o "$work" > /dev/null
cp samples/xor.csv "$work/xor.csv"
"$work/xor" train --epochs 1 --train-csv "$work/xor.csv" --test-csv "$work/xor.csv" \
    --save "$work/w.safetensors" > /dev/null
mkfifo "$work/fifo"
mkdir "$work/dir"

# refused WHAT KIND COMMAND...: exits non-zero (not by the timeout) saying "is KIND".
refused() {
    local what=$1 kind=$2 status
    shift 2
    set +e; timeout 20 "$@" > /dev/null 2> "$work/err" < /dev/null; status=$?; set -e
    [ "$status" != 124 ] || fail "$what: still waiting after 20 s"
    [ "$status" != 0 ] || fail "$what: exit 0"
    grep -q "is $kind" "$work/err" || { cat "$work/err" >&2; fail "$what: no 'is $kind'"; }
    printf '  ok: %-34s %s\n' "$what" "$(head -1 "$work/err")"
}

for input in fifo dir; do
    kind=$([ $input = fifo ] && echo "a FIFO" || echo "a directory")
    f=$work/$input
    refused "netc --check $input" "$kind" "$netc" --check "$f"
    refused "train --train-csv $input" "$kind" "$work/xor" train --train-csv "$f" \
        --test-csv "$work/xor.csv" --save "$work/out.safetensors"
    refused "train --train-images $input" "$kind" "$work/xor" train --train-images "$f" \
        --train-labels "$f" --save "$work/out.safetensors"
    refused "train --init-weights $input" "$kind" "$work/xor" train --init-weights "$f" \
        --train-csv "$work/xor.csv" --test-csv "$work/xor.csv" --save "$work/out.safetensors"
    refused "eval --weights $input" "$kind" "$work/xor" eval --weights "$f" \
        --test-csv "$work/xor.csv"
    refused "predict INPUT=$input" "$kind" "$work/xor" predict --weights "$work/w.safetensors" "$f"
    refused "report --log $input" "$kind" "$work/xor" report --weights "$work/w.safetensors" \
        --log "$f" --test-csv "$work/xor.csv" -o "$work/report"
done
# A FIFO as the log (an output): opening it to write would wait for a reader for ever.
refused "train --log fifo" "a FIFO" "$work/xor" train --log "$work/fifo" \
    --train-csv "$work/xor.csv" --test-csv "$work/xor.csv" --save "$work/out.safetensors"
[ ! -e "$work/out.safetensors" ] || fail "a refused run wrote its weights"

# A sparse 1 GB IDX file whose header is valid (issue 19, item 15): the memory check comes
# before any allocation or reading, so under ulimit -v the refusal names the limit (it
# used to read the whole file first, or fail allocating it with 'out of memory').
python3 -c "import struct, sys; sys.stdout.buffer.write(struct.pack('>IIII', 0x803, 1275510, 28, 28))" \
    > "$work/big-idx"
truncate -s $((16 + 1275510 * 784)) "$work/big-idx"
timer=()                                    # GNU time, when installed: the peak RSS
[ ! -x /usr/bin/time ] || timer=(/usr/bin/time -f 'rss %M')
set +e
(ulimit -v 800000; exec "${timer[@]}" "$work/xor" train --train-images "$work/big-idx" \
    --train-labels "$work/big-idx" --save "$work/out.safetensors") > /dev/null 2> "$work/err"
status=$?
set -e
[ "$status" = 1 ] && grep -q "big-idx: 1275510 x 784 bytes .*ulimit -v" "$work/err" ||
    { cat "$work/err" >&2; fail "sparse 1 GB IDX: exit $status"; }
rss=$(sed -n 's/^rss //p' "$work/err")
[ "${rss:-0}" -lt 100000 ] || fail "sparse 1 GB IDX: peak RSS $rss KB before refusing"
echo "  ok: sparse 1 GB IDX refused before reading (peak RSS $rss KB)"

# predict and netc's --calibration given a gzip'd IDX file, or one of floats (type 0x0d):
# the IDX reader's message (gunzip; unsigned bytes only), not the CSV reader's comma hint
# (issue 19, item 16).
python3 -c "import struct, sys; sys.stdout.buffer.write(struct.pack('>IIII', 0x803, 2, 1, 2) + bytes(4))" \
    > "$work/small-idx"
gzip -c "$work/small-idx" > "$work/small-idx.gz"
python3 -c "import struct, sys; sys.stdout.buffer.write(struct.pack('>IIII', 0xd03, 2, 1, 2) + bytes(16))" \
    > "$work/float-idx"
for f in small-idx.gz:"gunzip" float-idx:"data type 0x0d"; do
    set +e; "$work/xor" predict --weights "$work/w.safetensors" "$work/${f%%:*}" > /dev/null 2> "$work/err"
    status=$?; set -e
    [ "$status" = 1 ] && grep -q "${f#*:}" "$work/err" && ! grep -q "comma" "$work/err" ||
        { cat "$work/err" >&2; fail "predict ${f%%:*}: exit $status"; }
    echo "  ok: predict ${f%%:*}: $(head -1 "$work/err" | cut -c1-100)"
    # the same files as netc --emit infer --quantize int8's calibration samples
    set +e; "$netc" --emit infer --weights "$work/w.safetensors" --quantize int8 \
        --calibration "$work/${f%%:*}" samples/xor.net -o "$work/int8" > /dev/null 2> "$work/err"
    status=$?; set -e
    [ "$status" = 1 ] && grep -q "${f#*:}" "$work/err" && ! grep -q "comma" "$work/err" ||
        { cat "$work/err" >&2; fail "--calibration ${f%%:*}: exit $status"; }
    echo "  ok: --calibration ${f%%:*}: $(head -1 "$work/err" | sed 's/^netc: error: //' | cut -c1-90)"
done

# More threads than the address space has stacks for: the message gives the reason.
set +e
(ulimit -v 150000; exec "$work/xor" train --threads 64 --epochs 1 --train-csv "$work/xor.csv" \
    --test-csv "$work/xor.csv" --save "$work/out.safetensors") > /dev/null 2> "$work/err"
status=$?
set -e
if grep -q "cannot start thread" "$work/err"; then
    [ "$status" = 1 ] && grep -q "cannot start thread [0-9]* of 64: .*hint: a limit on threads" \
        <(tr '\n' ' ' < "$work/err") || { cat "$work/err" >&2; fail "threads: no reason given"; }
    echo "  ok: $(head -1 "$work/err")"
fi

# Weights carrying input.min/input.max (CSV scaling statistics) given to a network that
# reads IDX bytes, which it scales by /255 itself: refused, not applied on top (item 14).
mkdir "$work/tiny"
cat > "$work/tiny/tiny.net" <<'NET'
network tiny
input 2x1
dense 1 sigmoid
train {
    loss          binary_cross_entropy
    learning_rate 0.1
}
data {
    train_images "images"
    train_labels "labels"
}
NET
"$netc" build "$work/tiny/tiny.net" -o "$work/tiny" > /dev/null
python3 - "$work/tiny" <<'PY'
import json, struct, sys
d = sys.argv[1]
tensors = [("dense1.weight", [1, 2], [0.5, -0.5]), ("dense1.bias", [1], [0.1]),
           ("input.min", [2], [0.0, 0.0]), ("input.max", [2], [9.0, 9.0])]
header, data = {"__metadata__": {"network": "tiny"}}, b""
for name, shape, values in tensors:
    header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + 4 * len(values)]}
    data += struct.pack("<%df" % len(values), *values)
h = json.dumps(header).encode()
h += b" " * (-len(h) % 8)
open(d + "/w.safetensors", "wb").write(struct.pack("<Q", len(h)) + h + data)
open(d + "/images", "wb").write(struct.pack(">IIII", 0x803, 2, 2, 1) + bytes([0, 255, 255, 0]))
open(d + "/labels", "wb").write(struct.pack(">II", 0x801, 2) + bytes([1, 0]))
PY
for command in "eval --test-images $work/tiny/images --test-labels $work/tiny/labels" \
               "predict $work/tiny/images"; do
    set +e
    # shellcheck disable=SC2086
    "$work/tiny/tiny" $command --weights "$work/tiny/w.safetensors" > /dev/null 2> "$work/err"
    status=$?
    set -e
    [ "$status" = 1 ] && grep -q "holds input.min and input.max" "$work/err" ||
        { cat "$work/err" >&2; fail "${command%% *} with CSV statistics on IDX data: exit $status"; }
    echo "  ok: ${command%% *}: $(head -1 "$work/err" | sed 's/.*: holds/holds/' | cut -c1-90)"
done
