#!/bin/bash
# netc --emit infer --quantize int8 (docs/export.md, "Quantised export"): on a briefly
# trained samples/mnist_relu.net the int8 export loses at most 0.5 points of test accuracy
# against the float export, in at most 30% of the float export's constant bytes; netc
# prints its per-layer error table on stdout; the code is warning-free C99 and C++, its
# self-test passes, and NAME_predict, NAME_classify and NAME_predict_batch agree.  The
# same for a conv network (a LeNet, 2 epochs).  Then calibration from a data block (xor's
# CSV), and the mistakes users make.
source tests/e2e/common.bash
cc=${CC:-cc}
cflags=${CFLAGS:--O3 -march=native}
strict="-std=c99 -Wall -Wextra -Wpedantic -Werror"
images=data/mnist/t10k-images-idx3-ubyte
labels=data/mnist/t10k-labels-idx1-ubyte
train_images=data/mnist/train-images-idx3-ubyte
[ -f $images ] || tools/fetch-data.sh mnist > /dev/null

expect_status() {   # expect_status STATUS COMMAND...: stdout in $work/out, stderr in $work/err
    local want=$1; shift
    set +e; "$@" > "$work/out" 2> "$work/err"; local got=$?; set -e
    [ "$got" -eq "$want" ] || { cat "$work/err" >&2; fail "$* exited $got, expected $want"; }
}

# Two epochs of mnist_relu, exported as float and as int8.
"$netc" build samples/mnist_relu.net -o "$work/t" > /dev/null
"$work/t/mnist_relu" train --quiet --data data/mnist --epochs 2 --save "$work/w.safetensors" > /dev/null
"$netc" --emit infer --weights "$work/w.safetensors" samples/mnist_relu.net -o "$work/f32"
expect_status 0 "$netc" --emit infer --weights "$work/w.safetensors" --quantize int8 \
    --calibration $train_images samples/mnist_relu.net -o "$work/int8"
cp "$work/out" "$work/table"

# The error table: one row per layer, exact byte counts, numbers where the errors go.
[ ! -s "$work/err" ] || fail "--quantize wrote to stderr: $(cat "$work/err")"
expect_line() {
    grep -qE "$1" "$work/table" || fail "error table: no line matching '$1' in:
$(cat "$work/table")"
}
expect_line "^int8 quantisation of mnist_relu, calibrated on 2000 samples of $train_images;\$"
expect_line '^errors: \|int8 - float\| of each layer.s activation on those samples$'
expect_line '^layer +shape +float32 bytes +int8 bytes +input scale \(max \|x\|\) +max error +mean error$'
num='[0-9.]+(e-[0-9]+)?'
expect_line "^dense1 +784 -> 128 +401,920 +101,384 +0.007874 \(1\) +$num +$num\$"
expect_line "^dense2 +128 -> 64 +33,024 +8,712 +$num \($num\) +$num +$num\$"
expect_line "^dense3 +64 -> 10 +2,600 +728 +$num \($num\) +$num +$num\$"
expect_line '^total +437,544 +110,824 +\(25.3% of float32\)$'
expect_line '^classes: int8 agrees with float on [0-9]+ of 2000 samples \([0-9.]+%\)$'
[ "$(wc -l < "$work/table")" -eq 8 ] || fail "error table: $(wc -l < "$work/table") lines, expected 8"
mean_out=$(awk '$1 == "dense3" { print $NF }' "$work/table")
awk -v e="$mean_out" 'BEGIN { exit !(e < 0.01) }' || fail "output layer's mean error $mean_out >= 0.01"
echo "ok: error table on stdout, output layer's mean |int8 - float| $mean_out"

# What the int8 files are: constant int8 weights in groups of four inputs, C standard
# headers only, and <immintrin.h> only where the target has the vector instructions.
grep -q 'static const int8_t mnist_relu_l1_wq\[MNIST_RELU_L1_KP / 4\]\[MNIST_RELU_L1_OUT \* 4\]' \
    "$work/int8/mnist_relu.c" || fail "no int8 weight array"
includes=$(grep -h '^#include <' "$work/int8/mnist_relu.c" "$work/int8/mnist_relu.h" | grep -v immintrin |
    sort -u | tr '\n' ' ')
[ "$includes" = "#include <math.h> #include <stddef.h> #include <stdint.h> #include <string.h> " ] ||
    fail "int8 export includes $includes"
[ "$(grep -B2 '^#include <immintrin.h>' "$work/int8/mnist_relu.c" | head -1)" = \
  "#if defined(NETC_I8_VNNI) || defined(NETC_I8_AVX2) || defined(NETC_I8_SSE2)" ] ||
    fail "<immintrin.h> is included outside the vector paths' #if"
grep -q 'malloc\|#include "netc' "$work/int8/mnist_relu.c" && fail "int8 export allocates or uses the runtime"
grep -q 'Quantised to int8' "$work/int8/mnist_relu.h" || fail "the header does not say it is quantised"

# Accuracy on the 10,000 test images, with the trainer's compiler and flags.
run_driver() {  # run_driver DIR: the driver built against DIR's export, run on the test set
    # shellcheck disable=SC2086
    $cc $strict $cflags -D_POSIX_C_SOURCE=200809L -I"$1" tests/e2e/quantize/driver.c \
        "$1/mnist_relu.c" -lm -o "$1/driver"
    "$1/driver" $images $labels 3
}
float_out=$(run_driver "$work/f32")
int8_out=$(run_driver "$work/int8")
float_ok=$(awk '/^correct/ { print $2 }' <<<"$float_out")
int8_ok=$(awk '/^correct/ { print $2 }' <<<"$int8_out")
[ -n "$float_ok" ] && [ -n "$int8_ok" ] || fail "driver output: $float_out / $int8_out"
drop=$(awk -v f="$float_ok" -v q="$int8_ok" 'BEGIN { printf "%.2f", (f - q) / 100 }')
awk -v d="$drop" 'BEGIN { exit !(d <= 0.5) }' ||
    fail "int8 accuracy $int8_ok/10000 is $drop points below float's $float_ok/10000"
echo "ok: test accuracy float $float_ok/10000, int8 $int8_ok/10000: a drop of $drop points (<= 0.5)"
grep -qx same <<<"$int8_out" || fail "int8: predict, classify and predict_batch disagree"
selftest=$(awk '/^selftest/ { print $2 }' <<<"$int8_out")
awk -v s="$selftest" 'BEGIN { exit !(s < 1e-5) }' || fail "int8 selftest $selftest"
echo "ok: int8 mnist_relu_selftest() = $selftest; predict, classify and predict_batch agree"

# The same outputs, byte for byte, from each path of the int8 kernels: AVX-512 VNNI
# (vpdpbusd), AVX2 (vpmaddubsw + vpmaddwd), SSE2 (pmaddwd; the x86-64 default) and plain C
# (NETC_PORTABLE), those this compiler and processor have; every output of the 10,000 test images, batched and one
# at a time (integer sums are exact, the float steps the same).
cat > "$work/dump.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include "mnist_relu.h"
int main(int argc, char **argv)      /* dump IMAGES: the raw outputs on stdout */
{
    enum { N_IN = MNIST_RELU_N_INPUT, N_OUT = MNIST_RELU_N_OUTPUT, N = 10000 };
    FILE *f = fopen(argv[argc - 1], "rb");
    unsigned char *px = malloc((size_t)N * N_IN);
    float *x = malloc(sizeof(float) * N * N_IN), *y = malloc(sizeof(float) * N * N_OUT);
    if (!f || !px || !x || !y || fseek(f, 16, SEEK_SET) || fread(px, N_IN, N, f) != N)
        return 1;
    for (size_t i = 0; i < (size_t)N * N_IN; i++)
        x[i] = (float)px[i] * (1.0f / 255.0f);
    mnist_relu_predict_batch(x, y, N);
    fwrite(y, sizeof(float), (size_t)N * N_OUT, stdout);
    for (int i = 0; i < N; i++) {
        mnist_relu_predict(x + (size_t)i * N_IN, y);
        fwrite(y, sizeof(float), N_OUT, stdout);
    }
    return 0;
}
C
paths=0
for flags in "-DNETC_PORTABLE" "" "-mavx2" "-mavx512f -mavx512bw -mavx512vnni"; do
    case $flags in
    -mavx2) grep -qw avx2 /proc/cpuinfo || continue ;;
    -mavx512f*) grep -qw avx512_vnni /proc/cpuinfo && grep -qw avx512bw /proc/cpuinfo || continue ;;
    esac
    # shellcheck disable=SC2086
    $cc $strict -O2 $flags -I"$work/int8" "$work/dump.c" "$work/int8/mnist_relu.c" -lm \
        -o "$work/dump" 2> /dev/null || continue
    "$work/dump" $images > "$work/dump.$paths" || fail "dump ($flags) failed"
    [ $paths = 0 ] || cmp -s "$work/dump.0" "$work/dump.$paths" ||
        fail "int8 outputs with $flags differ from the plain C's"
    paths=$((paths + 1))
done
[ $paths -ge 2 ] || fail "only $paths int8 kernel path(s) compiled and ran"
echo "ok: int8 outputs byte-identical from $paths kernel paths (plain C, SSE2, AVX2, AVX-512 VNNI where present)"
echo "info: microseconds per image (batch, single): float $(awk '/_us/ { printf "%s ", $2 }' <<<"$float_out")," \
     "int8 $(awk '/_us/ { printf "%s ", $2 }' <<<"$int8_out")"

# Bytes: the header's count, and the read-only data the compiler actually emits.
define() { sed -n "s/^#define MNIST_RELU_$1 \([0-9]*\).*/\1/p" "$2/mnist_relu.h"; }
float_bytes=$(define WEIGHT_BYTES "$work/f32")
int8_bytes=$(define WEIGHT_BYTES "$work/int8")
[ "$int8_bytes" = 110824 ] && [ "$float_bytes" = 437544 ] ||
    fail "WEIGHT_BYTES: int8 $int8_bytes, float $float_bytes"
rodata() {
    $cc -O2 -c "$1/mnist_relu.c" -o "$1/m.o"
    size -A "$1/m.o" | awk '$1 ~ /^\.rodata/ { s += $2 } END { print s }'
}
float_ro=$(rodata "$work/f32")
int8_ro=$(rodata "$work/int8")
awk -v q="$int8_ro" -v f="$float_ro" 'BEGIN { exit !(q <= 0.30 * f) }' ||
    fail "int8 read-only data $int8_ro bytes is more than 30% of float's $float_ro"
echo "ok: weights $int8_bytes bytes int8, $float_bytes float32; compiled .rodata $int8_ro vs $float_ro" \
     "($(awk -v q="$int8_ro" -v f="$float_ro" 'BEGIN { printf "%.1f", 100 * q / f }')%)"

# Warning-free with each compiler there is, as C99 and as C++.
for c in gcc clang; do
    command -v $c > /dev/null || continue
    $c $strict -O2 -c "$work/int8/mnist_relu.c" -o /dev/null || fail "$c -std=c99 warns on the int8 export"
    echo "ok: $c $strict"
done
for cxx in g++ clang++; do
    command -v $cxx > /dev/null || continue
    $cxx -x c++ -Wall -Wextra -Wpedantic -Werror -O2 -c "$work/int8/mnist_relu.c" -o /dev/null ||
        fail "$cxx -x c++ warns on the int8 export"
    echo "ok: $cxx -x c++ -Wall -Wextra -Wpedantic -Werror"
done

# A conv network: tests/e2e/quantize/lenet.net (issue 15's LeNet) trained for 2 epochs,
# exported as float and int8, calibrated on its data block's training images (renamed
# mnist_relu so that the same driver runs it).  int8 within 0.5 points of float on the
# 10,000 test images, the float export's accuracy the trainer's, the error table with a
# row per layer (pooling and dropout run in float), a quarter of the bytes, its
# self-test passed, warning-free C99 and C++.
mkdir -p "$work/lenet"
sed 's/^network lenet/network mnist_relu/' tests/e2e/quantize/lenet.net > "$work/lenet/mnist_relu.net"
"$netc" build "$work/lenet/mnist_relu.net" -o "$work/lenet" > /dev/null
"$work/lenet/mnist_relu" train --epochs 2 --save "$work/lenet.safetensors" > "$work/lenet/train.log"
trained=$(sed -n 's/^epoch 2\/2 .*test acc \([0-9.]*\)%.*/\1/p' "$work/lenet/train.log")
"$netc" --emit infer --weights "$work/lenet.safetensors" "$work/lenet/mnist_relu.net" -o "$work/lenet/f32"
expect_status 0 "$netc" --emit infer --weights "$work/lenet.safetensors" --quantize int8 \
    "$work/lenet/mnist_relu.net" -o "$work/lenet/int8"
cp "$work/out" "$work/table"
expect_line "^conv1 +1x28x28 -> 6x28x28 +624 +224 +0.007874 \(1\) +$num +$num\$"
expect_line "^maxpool1 +6x28x28 -> 6x14x14 +0 +0 +- \(runs in float\) +$num +$num\$"
expect_line "^conv2 +6x14x14 -> 16x10x10 +9,664 +2,568 +$num \($num\) +$num +$num\$"
expect_line "^dropout1 +120 -> 120 +0 +0 +- \(runs in float\) +$num +$num\$"
expect_line "^dense1 +400 -> 120 +192,480 +48,968 +$num \($num\) +$num +$num\$"
expect_line '^total +246,824 +63,448 +\(25.7% of float32\)$'
expect_line '^classes: int8 agrees with float on [0-9]+ of 2000 samples \([0-9.]+%\); accuracy on them: .*$'
grep -q 'static const int8_t mnist_relu_l1_wq\[MNIST_RELU_L1_KP / 4\]\[MNIST_RELU_L1_OUT_C \* 4\]' \
    "$work/lenet/int8/mnist_relu.c" || fail "lenet: no int8 conv weights"
grep -q 'malloc\|#include "netc' "$work/lenet/int8/mnist_relu.c" && fail "lenet: int8 export allocates"
float_out=$(run_driver "$work/lenet/f32")
int8_out=$(run_driver "$work/lenet/int8")
float_ok=$(awk '/^correct/ { print $2 }' <<<"$float_out")
int8_ok=$(awk '/^correct/ { print $2 }' <<<"$int8_out")
[ -n "$float_ok" ] && [ -n "$int8_ok" ] || fail "lenet driver output: $float_out / $int8_out"
[ "$(awk -v f="$float_ok" 'BEGIN { printf "%.2f", f / 100 }')" = "$trained" ] ||
    fail "lenet: the float export's accuracy $float_ok/10000 is not the trainer's $trained%"
drop=$(awk -v f="$float_ok" -v q="$int8_ok" 'BEGIN { printf "%.2f", (f - q) / 100 }')
awk -v d="$drop" 'BEGIN { exit !(d <= 0.5) }' ||
    fail "lenet: int8 accuracy $int8_ok/10000 is $drop points below float's $float_ok/10000"
echo "ok: lenet (2 epochs): test accuracy trainer $trained%, float export $float_ok/10000," \
     "int8 $int8_ok/10000: a drop of $drop points (<= 0.5)"
grep -qx same <<<"$int8_out" || fail "lenet int8: predict, classify and predict_batch disagree"
selftest=$(awk '/^selftest/ { print $2 }' <<<"$int8_out")
awk -v s="$selftest" 'BEGIN { exit !(s < 1e-5) }' || fail "lenet int8 selftest $selftest"
for c in gcc clang; do
    command -v $c > /dev/null || continue
    $c $strict -O2 -c "$work/lenet/int8/mnist_relu.c" -o /dev/null || fail "$c -std=c99 warns on the int8 lenet"
done
for cxx in g++ clang++; do
    command -v $cxx > /dev/null || continue
    $cxx -x c++ -Wall -Wextra -Wpedantic -Werror -O2 -c "$work/lenet/int8/mnist_relu.c" -o /dev/null ||
        fail "$cxx -x c++ warns on the int8 lenet"
done
float_ro=$(rodata "$work/lenet/f32")
int8_ro=$(rodata "$work/lenet/int8")
echo "ok: int8 lenet: selftest $selftest, predict/classify/batch agree, warning-free C99 and C++;" \
     "weights $(define WEIGHT_BYTES "$work/lenet/int8") bytes, .rodata $int8_ro vs $float_ro float," \
     "stack $(define STACK_BYTES "$work/lenet/int8") vs $(define STACK_BYTES "$work/lenet/f32") float"
echo "info: lenet microseconds per image (batch, single): float" \
     "$(awk '/_us/ { printf "%s ", $2 }' <<<"$float_out"), int8 $(awk '/_us/ { printf "%s ", $2 }' <<<"$int8_out")"

# Calibration from the data block: xor's CSV (rows with a label), and its labels give
# the table an accuracy.
"$netc" build samples/xor.net -o "$work/xt" > /dev/null
"$work/xt/xor" train --quiet --save "$work/xor.safetensors" > /dev/null
expect_status 0 "$netc" --emit infer --weights "$work/xor.safetensors" --quantize int8 samples/xor.net \
    -o "$work/xq"
grep -q '^int8 quantisation of xor, calibrated on 4 samples of samples/xor.csv;$' "$work/out" &&
    grep -q '^classes: int8 agrees with float on 4 of 4 samples (100.00%); accuracy on them: float 100.00%, int8 100.00%$' \
        "$work/out" || fail "xor error table: $(cat "$work/out")"
cat > "$work/xor_driver.c" <<'C'
#include <stdio.h>
#include "xor.h"
int main(void)
{
    static const float x[4][XOR_N_INPUT] = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } };
    for (int i = 0; i < 4; i++)
        printf(i ? " %d" : "%d", xor_classify(x[i]));
    printf("\n");
    return xor_selftest() < 1e-5f ? 0 : 1;
}
C
# shellcheck disable=SC2086
$cc $strict $cflags -I"$work/xq" "$work/xor_driver.c" "$work/xq/xor.c" -lm -o "$work/xor_driver"
[ "$("$work/xor_driver")" = "0 1 1 0" ] || fail "int8 xor classes: $("$work/xor_driver" || true)"
echo "ok: xor calibrated on its data block's CSV: classes 0 1 1 0, selftest passes"

# Mistakes: a clear message, the right exit status, nothing written.
net=samples/mnist_relu.net
w="$work/w.safetensors"
expect_status 2 "$netc" --emit infer --weights "$w" --quantize int4 $net -o "$work/bad"
grep -q "unknown --quantize kind 'int4'" "$work/err" && grep -q '^hint: .*--quantize int8' "$work/err" ||
    fail "--quantize int4: $(cat "$work/err")"
expect_status 2 "$netc" --quantize int8 $net -o "$work/bad"
grep -q -- "--quantize is only for --emit infer" "$work/err" || fail "--quantize without --emit infer: $(cat "$work/err")"
expect_status 2 "$netc" --emit infer --weights "$w" --calibration $train_images $net -o "$work/bad"
grep -q -- "--calibration is only for --quantize int8" "$work/err" || fail "--calibration alone: $(cat "$work/err")"
expect_status 2 "$netc" --emit infer --weights "$w" --quantize int8 $net -o "$work/bad"
grep -q "mnist_relu.net names no training file" "$work/err" && grep -q '^hint: pass --calibration FILE' "$work/err" ||
    fail "no calibration data: $(cat "$work/err")"
expect_status 1 "$netc" --emit infer --weights "$w" --quantize int8 --calibration "$work/none" $net -o "$work/bad"
grep -q "$work/none" "$work/err" || fail "missing calibration file: $(cat "$work/err")"
printf '1,2,3\n4,5,6\n' > "$work/three.csv"
expect_status 1 "$netc" --emit infer --weights "$w" --quantize int8 --calibration "$work/three.csv" $net -o "$work/bad"
grep -q "three.csv: file has 3 features per sample but network 'mnist_relu' takes 784 inputs" "$work/err" ||
    fail "calibration data of the wrong width: $(cat "$work/err")"
expect_status 1 "$netc" --emit infer --weights "$w" --quantize int8 --calibration samples/xor.csv $net -o "$work/bad"
grep -q "^hint: if the first line is a header, say 'header true' in the .net file's data block$" "$work/err" ||
    fail "calibration CSV with a header: $(cat "$work/err")"
[ ! -e "$work/bad/mnist_relu.c" ] && [ ! -e "$work/bad/mnist_relu.h" ] || fail "files written after an error"
echo "ok: --quantize int4, --quantize or --calibration alone, no, missing, mismatched or headed" \
     "calibration data: clear errors, nothing written"
