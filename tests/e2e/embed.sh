#!/bin/bash
# samples/embed (its README's flow, with a short training): samples/mnist_relu.net trained
# by its trainer with --save, exported with --emit infer --weights, and the sample built
# from a copy outside the repository with nothing of netc's but the exported files.  Its
# classes for MNIST test images written as PGM files must be the trainer's `predict`
# classes for the same images, its NAME_selftest() must pass, and its outputs (--raw) must
# be the trainer's `predict --raw` to 1e-6.  (Not bit for bit: with fused multiply-adds
# gcc -O3 rounds some products of a single sample's forward pass differently from a
# batch's; see docs/export.md.  Outputs then differ by up to ~2e-7.)
source tests/e2e/common.bash
tools/fetch-data.sh mnist
cc=${CC:-cc}
cflags=${CFLAGS:--O3 -march=native}     # what `netc build` uses
first=200 count=40

"$netc" build samples/mnist_relu.net -o "$work/trainer" > /dev/null
"$work/trainer/mnist_relu" train --quiet --data data/mnist --epochs 1 --limit 5000 \
    --save "$work/mnist_relu.safetensors"
"$netc" --emit infer --weights "$work/mnist_relu.safetensors" samples/mnist_relu.net -o "$work/infer"
[ "$(ls "$work/infer")" = "$(printf 'mnist_relu.c\nmnist_relu.h')" ] ||
    fail "the export should be mnist_relu.c and mnist_relu.h alone: $(ls "$work/infer")"

cp -r samples/embed "$work/embed"
make -C "$work/embed" clean > /dev/null
make -C "$work/embed" NET="$work/infer" MNIST="$PWD/data/mnist" FIRST=$first COUNT=$count \
    CC="$cc" CFLAGS="$cflags -Werror" run > "$work/run.log" 2>&1 || {
    cat "$work/run.log" >&2
    fail "make run in a copy of samples/embed"
}
grep -q 'netcrt\|runtime' "$work/run.log" && fail "samples/embed uses netc's runtime: $(cat "$work/run.log")"
grep -q '^selftest: largest error .*, passed' "$work/run.log" ||
    fail "no passed selftest in the sample's output: $(grep selftest "$work/run.log")"
echo "ok: samples/embed built with -Werror from main.c, mnist_relu.c, -lm; $(grep selftest "$work/run.log")"

# classify's digit per image (digits/NNNNN-L.pgm, in order) against the trainer's predict.
got=$(sed -n 's|^digits/[0-9]*-[0-9]\.pgm: \([0-9]\) .*|\1|p' "$work/run.log")
want=$("$work/trainer/mnist_relu" predict --weights "$work/mnist_relu.safetensors" \
       data/mnist/t10k-images-idx3-ubyte | sed -n "$((first + 1)),$((first + count))p")
[ "$(wc -l <<<"$got")" -eq $count ] || fail "expected $count classified images: $(cat "$work/run.log")"
[ "$got" = "$want" ] || {
    diff <(cat <<<"$got") <(cat <<<"$want") >&2 || true
    fail "the sample's classes differ from the trainer's predict"
}
right=$(sed -n 's|^digits/[0-9]*-\([0-9]\)\.pgm: \1 .*|x|p' "$work/run.log" | wc -l)
echo "ok: $count PGM files (test images $first-$((first + count - 1))): classes identical to" \
     "predict's; $right of $count right"
(cd "$work/embed" && ./classify --raw digits/*.pgm) | sed -n 's|^digits/[0-9]*-[0-9]\.pgm: ||p' \
    > "$work/embed.raw"
"$work/trainer/mnist_relu" predict --raw --weights "$work/mnist_relu.safetensors" \
    data/mnist/t10k-images-idx3-ubyte | sed -n "$((first + 1)),$((first + count))p" > "$work/predict.raw"
[ "$(wc -l < "$work/embed.raw")" -eq $count ] || fail "classify --raw: $(cat "$work/embed.raw")"
d=$(max_abs_diff "$work/embed.raw" "$work/predict.raw")
awk -v d="$d" 'BEGIN { exit !(d <= 1e-6) }' ||
    fail "the sample's outputs (--raw) differ from the trainer's predict --raw by $d"
echo "ok: classify --raw: $count x 10 outputs, largest difference from predict --raw $d" \
     "($(cmp -s "$work/embed.raw" "$work/predict.raw" && echo identical || echo "not bit-identical"))"

# --invert on a dark-on-light copy gives the same digit; a wrong-sized image is refused.
pgms=("$work"/embed/digits/*.pgm)
pgm=${pgms[0]##*/}
/usr/bin/python3 - "$work/embed/digits/$pgm" "$work/inverted.pgm" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
head, pixels = data[:-784], data[-784:]
open(sys.argv[2], "wb").write(head + bytes(255 - b for b in pixels))
PY
printf 'P5\n27 28\n255\n' > "$work/small.pgm"
head -c 784 /dev/zero >> "$work/small.pgm"
set +e
out=$("$work/embed/classify" --invert "$work/inverted.pgm" "$work/small.pgm" 2>&1)
rc=$?
set -e
digit=$(sed -n "s|^digits/$pgm: \([0-9]\) .*|\1|p" "$work/run.log")
grep -q "^$work/inverted.pgm: $digit " <<<"$out" || fail "--invert: expected $digit: $out"
[ $rc -eq 1 ] && grep -q "small.pgm: 27x28 pixels" <<<"$out" || fail "a 27x28 image: rc $rc: $out"
echo "ok: --invert classifies an inverted copy as $digit; a 27x28 image: exit 1, the file named"

# A conv network in the same sample: issue 15's LeNet (tests/e2e/quantize/lenet.net)
# briefly trained, exported as float and as int8, built from a fresh copy with NAME=lenet.
# The float build's classes are the trainer's predict's and its outputs within 1e-6 of
# predict --raw; the int8 build passes its self-test and agrees with float on most images.
"$netc" build tests/e2e/quantize/lenet.net -o "$work/lenet" > /dev/null
"$work/lenet/lenet" train --quiet --data data/mnist --epochs 1 --limit 5000 \
    --save "$work/lenet.safetensors"
"$netc" --emit infer --weights "$work/lenet.safetensors" tests/e2e/quantize/lenet.net -o "$work/lenet_f32"
"$netc" --emit infer --weights "$work/lenet.safetensors" --quantize int8 \
    tests/e2e/quantize/lenet.net -o "$work/lenet_int8" > /dev/null
for kind in f32 int8; do
    rm -rf "$work/embed_$kind"
    cp -r samples/embed "$work/embed_$kind"
    make -C "$work/embed_$kind" clean > /dev/null
    make -C "$work/embed_$kind" NET="$work/lenet_$kind" NAME=lenet MNIST="$PWD/data/mnist" \
        FIRST=$first COUNT=$count CC="$cc" CFLAGS="$cflags -Werror" run > "$work/lenet_$kind.log" 2>&1 || {
        cat "$work/lenet_$kind.log" >&2
        fail "make run NAME=lenet ($kind) in a copy of samples/embed"
    }
    grep -q '^selftest: largest error .*, passed' "$work/lenet_$kind.log" ||
        fail "lenet ($kind): no passed selftest: $(grep selftest "$work/lenet_$kind.log")"
done
got=$(sed -n 's|^digits/[0-9]*-[0-9]\.pgm: \([0-9]\) .*|\1|p' "$work/lenet_f32.log")
want=$("$work/lenet/lenet" predict --weights "$work/lenet.safetensors" \
       data/mnist/t10k-images-idx3-ubyte | sed -n "$((first + 1)),$((first + count))p")
[ "$(wc -l <<<"$got")" -eq $count ] && [ "$got" = "$want" ] ||
    fail "lenet: the sample's classes differ from the trainer's predict: $got vs $want"
(cd "$work/embed_f32" && ./classify --raw digits/*.pgm) | sed -n 's|^digits/[0-9]*-[0-9]\.pgm: ||p' \
    > "$work/lenet_embed.raw"
"$work/lenet/lenet" predict --raw --weights "$work/lenet.safetensors" \
    data/mnist/t10k-images-idx3-ubyte | sed -n "$((first + 1)),$((first + count))p" > "$work/lenet_predict.raw"
d=$(max_abs_diff "$work/lenet_embed.raw" "$work/lenet_predict.raw")
awk -v d="$d" 'BEGIN { exit !(d <= 1e-6) }' ||
    fail "lenet: the sample's outputs (--raw) differ from predict --raw by $d"
got8=$(sed -n 's|^digits/[0-9]*-[0-9]\.pgm: \([0-9]\) .*|\1|p' "$work/lenet_int8.log")
agree=$(paste <(cat <<<"$got") <(cat <<<"$got8") | awk '$1 == $2' | wc -l)
[ "$agree" -ge $((count - 2)) ] || fail "lenet: int8 agrees with float on only $agree of $count images"
echo "ok: samples/embed with a conv network (NAME=lenet): float classes identical to predict's," \
     "outputs within $d of predict --raw; int8 self-test passed, $agree of $count classes as float"

# Another NET or NAME rebuilds classify, though the exported files are older than it (it
# used to run the last-built classifier): lenet's export into the mnist_relu build, then
# back; the same settings again rebuild nothing.
touch -d '2001-01-01' "$work"/lenet_f32/* "$work"/infer/*
again() { make -C "$work/embed" CC="$cc" CFLAGS="$cflags -Werror" "$@" classify 2>&1; }
grep -q -- '-DNETWORK=lenet ' <<<"$(again NET="$work/lenet_f32" NAME=lenet)" ||
    fail "NET=.../lenet_f32 NAME=lenet did not rebuild classify"
"$work/embed/classify" "$work"/embed/digits/*.pgm | grep -q '^selftest: .*passed' || fail "lenet classify"
grep -q -- '-DNETWORK=mnist_relu ' <<<"$(again NET="$work/infer")" ||
    fail "back to NET=.../infer NAME=mnist_relu did not rebuild classify"
! grep -q -- '-DNETWORK' <<<"$(again NET="$work/infer")" || fail "the same settings rebuilt classify"
echo "ok: samples/embed rebuilds classify when NET or NAME changes, and only then"
