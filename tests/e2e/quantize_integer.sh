#!/bin/bash
# netc --emit infer --quantize int8-integer (docs/export.md, "Fully integer export"): for
# briefly trained samples/mnist.net (sigmoid: tables), samples/mnist_relu.net (relu,
# softmax in fixed point) and a LeNet (conv, maxpool, dropout), the integer export's
# classes on the 10,000 MNIST test images
# agree with the float export's on at least 99.5% of them, its accuracy is within 1 point
# of float's and its outputs within a mean 0.01 of float's; its C has no floating point
# (no float type or literal, nothing from <math.h>, and gcc compiles it with
# -mgeneral-regs-only: no floating-point or vector register at all), is warning-free C99
# (gcc, clang) and C++, and gives the same bits with gcc and clang, at -O0 and -O3, with
# -mgeneral-regs-only and for 32-bit x86 (the checksum of every output).  Then
# tests/e2e/export/conv.net (strides, padding, a leaky_relu table, avgpool), xor (tanh, one
# sigmoid output) and sine (a linear regression output), and a refusal.
source tests/e2e/common.bash
strict="-std=c99 -Wall -Wextra -Wpedantic -Werror"
images=data/mnist/t10k-images-idx3-ubyte
labels=data/mnist/t10k-labels-idx1-ubyte
train_images=data/mnist/train-images-idx3-ubyte
driver=tests/e2e/quantize_integer/driver.c
[ -f $images ] || tools/fetch-data.sh mnist > /dev/null

expect_status() {   # expect_status STATUS COMMAND...: stdout in $work/out, stderr in $work/err
    local want=$1; shift
    set +e; "$@" > "$work/out" 2> "$work/err"; local got=$?; set -e
    [ "$got" -eq "$want" ] || { cat "$work/err" >&2; fail "$* exited $got, expected $want"; }
}

# export_net NET EPOCHS: NET renamed "net" (the driver's name), trained for EPOCHS, exported
# as float ($dir/f32) and integer ($dir/int) with netc's report in $dir/report.
export_net() {
    local net=$1 epochs=$2
    dir=$work/$(basename "$net" .net)
    mkdir -p "$dir"
    sed 's/^network .*/network net/' "$net" > "$dir/net.net"
    "$netc" build "$dir/net.net" -o "$dir/t" > /dev/null
    "$dir/t/net" train --quiet --data data/mnist --epochs "$epochs" --save "$dir/w.safetensors" > /dev/null
    "$netc" --emit infer --weights "$dir/w.safetensors" "$dir/net.net" -o "$dir/f32"
    expect_status 0 "$netc" --emit infer --weights "$dir/w.safetensors" --quantize int8-integer \
        --calibration $train_images "$dir/net.net" -o "$dir/int"
    cp "$work/out" "$dir/report"
    [ ! -s "$work/err" ] || fail "$net: --quantize int8-integer wrote to stderr: $(cat "$work/err")"
}

# run_driver DIR BUILD IMAGES CC FLAGS...: DIR's export compiled by CC with FLAGS (the
# driver with cc), run on the first IMAGES test images: its output in DIR/BUILD.out, its
# classes and outputs in DIR/BUILD.classes.
run_driver() {
    local dir=$1 build=$2 n=$3 cc=$4 define=
    shift 4
    [ "${dir##*/}" = int ] && define=-DINTEGER
    # shellcheck disable=SC2086
    $cc "$@" -c "$dir/net.c" -o "$dir/$build.o"
    cc -std=c99 -O2 -D_POSIX_C_SOURCE=200809L $define "${driver_flags[@]}" -I"$dir" $driver \
        "$dir/$build.o" -lm -o "$dir/$build"
    "$dir/$build" $images $labels "$dir/$build.classes" "$n" > "$dir/$build.out"
}
driver_flags=()

# check_files NAME DIR: DIR/net.{h,c} have no floating point (no float type or literal,
# no <math.h>, outside comments) and are warning-free C99 and C++.
check_files() {
    local name=$1 dir=$2 code includes
    code=$(cat "$dir/net.h" "$dir/net.c" | gcc -fpreprocessed -dD -E -P -x c - 2> /dev/null)
    if grep -nwE 'float|double|expf|exp|fabsf|math\.h' <<<"$code" ||
        grep -nE '[0-9]\.[0-9]|[0-9]e-?[0-9]|[0-9]f\b' <<<"$code"; then
        fail "$name: floating point in the integer export"
    fi
    includes=$(grep -h '^#include <' "$dir/net.c" "$dir/net.h" | sort -u | tr '\n' ' ')
    [ "$includes" = "#include <stddef.h> #include <stdint.h> " ] ||
        fail "$name: the integer export includes $includes"
    for c in gcc clang; do
        $c $strict -O2 -c "$dir/net.c" -o /dev/null || fail "$name: $c $strict warns"
    done
    for cxx in g++ clang++; do
        $cxx -x c++ -Wall -Wextra -Wpedantic -Werror -O2 -c "$dir/net.c" -o /dev/null ||
            fail "$name: $cxx -x c++ warns"
    done
    # NAME_STACK_BYTES holds net_classify's deepest chain: with gcc -O2, classify plus
    # every function but the other entry points (at most: forward, a layer, a kernel).
    local used claimed
    (cd "$dir" && gcc -O2 -fstack-usage -c net.c -o net.o)
    used=$(awk -F'\t' '{ split($1, f, ":"); n = f[4] }
                       n !~ /^net_(predict|predict_batch|quantize_image|selftest)$/ { s += $2 }
                       END { print s }' "$dir/net.su")
    claimed=$(sed -n 's/^#define NET_STACK_BYTES \([0-9]*\).*/\1/p' "$dir/net.h")
    [ "$used" -le "$claimed" ] || fail "$name: net_classify uses $used bytes of stack, the header says $claimed"
    echo "ok: $name: net_classify's stack $used bytes (gcc -O2 -fstack-usage) <= NET_STACK_BYTES $claimed"
}

# check_builds NAME DIR IMAGES: the same bits (the checksum of every output and class of
# the first IMAGES test images) from every build, -mgeneral-regs-only and 32-bit x86
# included; the self-test passes and the entry points agree in each.
check_builds() {
    local name=$1 dir=$2 n=$3 b build checksum first=
    local builds=(
        "gcc_O0 gcc $strict -O0"
        "gcc_O3 gcc $strict -O3 -march=native"
        "clang_O0 clang $strict -O0"
        "clang_O3 clang $strict -O3 -march=native"
        "gxx_O2 g++ -x c++ -O2"
        "gcc_regs gcc $strict -O3 -mgeneral-regs-only"
        "clang_regs clang $strict -O3 -mgeneral-regs-only"
    )
    if gcc -m32 -x c -c /dev/null -o /dev/null 2> /dev/null; then     # gcc-multilib
        builds+=("gcc_m32 gcc -m32 $strict -O2 -mgeneral-regs-only")
    fi
    for b in "${builds[@]}"; do
        build=${b%% *}
        driver_flags=()
        [ "$build" = gcc_m32 ] && driver_flags=(-m32)
        # shellcheck disable=SC2086
        run_driver "$dir" "$build" "$n" ${b#* }
        grep -qx 'selftest 0' "$dir/$build.out" || fail "$name $build: $(cat "$dir/$build.out")"
        grep -qx same "$dir/$build.out" || fail "$name $build: predict and predict_batch disagree"
        checksum=$(sed -n 's/^checksum //p' "$dir/$build.out")
        first=${first:-$checksum}
        [ "$checksum" = "$first" ] || fail "$name: $build's outputs differ from gcc -O0's ($checksum, $first)"
    done
    driver_flags=()
    echo "ok: $name: no floating point, warning-free C99 and C++, selftest 0, checksum $first of" \
         "$n images' outputs from ${#builds[@]} builds (gcc and clang, -O0 and -O3, C++," \
         "-mgeneral-regs-only, -m32)"
}

# compare NAME DIR EPOCHS: the integer export against the float one on the 10,000 test
# images: classes, accuracy, outputs.
compare() {
    local name=$1 dir=$2 epochs=$3 float_ok int_ok agree mean drop
    run_driver "$dir/f32" f32 10000 gcc -O3 -march=native
    run_driver "$dir/int" int 10000 gcc $strict -O3 -march=native
    float_ok=$(awk '/^correct/ { print $2 }' "$dir/f32/f32.out")
    int_ok=$(awk '/^correct/ { print $2 }' "$dir/int/int.out")
    agree=$(paste -d ' ' "$dir/f32/f32.classes" "$dir/int/int.classes" |
            awk '{ n = NF / 2 } $1 == $(n + 1) { s++ } END { print s + 0 }')
    mean=$(paste -d ' ' "$dir/f32/f32.classes" "$dir/int/int.classes" |
           awk '{ n = NF / 2; for (k = 2; k <= n; k++) { d = $k - $(k + n); s += d < 0 ? -d : d; c++ } }
                END { printf "%.5f", s / c }')
    drop=$(awk -v f="$float_ok" -v q="$int_ok" 'BEGIN { printf "%.2f", (f - q) / 100 }')
    awk -v a="$agree" 'BEGIN { exit !(a >= 9950) }' ||
        fail "$name: integer classes agree with float's on $agree of 10000 test images (< 99.5%)"
    awk -v d="$drop" 'BEGIN { exit !(d <= 1) }' ||
        fail "$name: integer accuracy $int_ok/10000 is $drop points below float's $float_ok/10000"
    awk -v m="$mean" 'BEGIN { exit !(m < 0.01) }' ||
        fail "$name: mean |integer - float| of the outputs $mean >= 0.01"
    echo "ok: $name ($epochs epochs): test accuracy float $float_ok/10000, integer $int_ok/10000" \
         "(a drop of $drop points, <= 1); classes agree on $agree of 10000; mean |integer - float|" \
         "of the outputs $mean"
}

# check_net NET EPOCHS IMAGES: all of the above for NET, the builds on IMAGES images.
check_net() {
    local net=$1 epochs=$2 n=$3 name
    name=$(basename "$net" .net)
    export_net "$net" "$epochs"
    grep -q "^int8-integer quantisation of net (integers only), calibrated on 2000 samples of $train_images\$" \
        "$dir/report" && grep -q '^total ' "$dir/report" &&
        grep -q '^classes: integer agrees with float on [0-9]* of 2000 samples' "$dir/report" ||
        fail "$name: report: $(cat "$dir/report")"
    check_files "$name" "$dir/int"
    check_builds "$name" "$dir/int" "$n"
    compare "$name" "$dir" "$epochs"
}

check_net samples/mnist.net 3 10000
check_net samples/mnist_relu.net 2 10000
# a LeNet (conv, maxpool, dropout; the integer code on one core takes about 1 ms an image)
check_net tests/e2e/quantize/lenet.net 2 1000

# conv.net: strides, padding, a leaky_relu conv (a table), avgpool and maxpool, tanh.
mkdir -p "$work/conv"
sed 's/^network .*/network net/' tests/e2e/export/conv.net > "$work/conv/net.net"
expect_status 0 "$netc" --emit infer --weights tests/snapshots/inputs/conv.safetensors --allow-other-network \
    --quantize int8-integer --calibration tests/snapshots/inputs/mnist_100.idx "$work/conv/net.net" -o "$work/conv/int"
grep -qE '^conv2 +4x14x14 -> 6x12x12 +526 .* leaky_relu \(table\)$' "$work/out" &&
    grep -qE '^avgpool1 +6x12x12 -> 6x6x6 +0 .* avgpool \(rounded mean\)$' "$work/out" ||
    fail "conv.net report: $(cat "$work/out")"
check_files conv.net "$work/conv/int"
check_builds conv.net "$work/conv/int" 300

# xor: tanh tables and one sigmoid output; inputs 0 and 1 are 0 and 127 (s_x = 1/127).
"$netc" build samples/xor.net -o "$work/xt" > /dev/null
"$work/xt/xor" train --quiet --save "$work/xor.safetensors" > /dev/null
expect_status 0 "$netc" --emit infer --weights "$work/xor.safetensors" --quantize int8-integer \
    samples/xor.net -o "$work/xq"
grep -q '^classes: integer agrees with float on 4 of 4 samples (100.00%); accuracy on them: float 100.00%, integer 100.00%$' \
    "$work/out" || fail "xor report: $(cat "$work/out")"
grep -q 'XOR_INPUT_SCALE_M 1082196480 ' "$work/xq/xor.h" && grep -q 'XOR_INPUT_SCALE_SHIFT 37 ' "$work/xq/xor.h" ||
    fail "xor: the input scale is not 1/127: $(grep INPUT_SCALE "$work/xq/xor.h")"
cat > "$work/xor_driver.c" <<'C'
#include <stdio.h>
#include "xor.h"
int main(void)
{
    static const int8_t x[4][XOR_N_INPUT] = { { 0, 0 }, { 0, 127 }, { 127, 0 }, { 127, 127 } };
    for (int i = 0; i < 4; i++)
        printf(i ? " %d" : "%d", xor_classify(x[i]));
    printf("\n");
    return xor_selftest();
}
C
gcc $strict -O2 -mgeneral-regs-only -c "$work/xq/xor.c" -o "$work/xq/xor.o"
gcc $strict -O2 -I"$work/xq" "$work/xor_driver.c" "$work/xq/xor.o" -o "$work/xor_driver"
[ "$("$work/xor_driver")" = "0 1 1 0" ] || fail "integer xor classes: $("$work/xor_driver" || true)"
echo "ok: xor: classes 0 1 1 0, selftest 0, built with -mgeneral-regs-only"

# sine: a regression network (tanh, a linear output in units of its calibrated range).
"$netc" build samples/sine.net -o "$work/st" > /dev/null
"$work/st/sine" train --quiet --save "$work/sine.safetensors" > /dev/null
expect_status 0 "$netc" --emit infer --weights "$work/sine.safetensors" --quantize int8-integer \
    samples/sine.net -o "$work/sq"
grep -q '^outputs: |integer - float| max [0-9.e-]*, mean [0-9.e-]* on those samples$' "$work/out" &&
    ! grep -q '^classes' "$work/out" || fail "sine report: $(cat "$work/out")"
sine_mean=$(sed -n 's/^outputs: .*, mean \([0-9.e-]*\) on those samples$/\1/p' "$work/out")
awk -v m="$sine_mean" 'BEGIN { exit !(m < 0.05) }' || fail "sine: mean |integer - float| $sine_mean >= 0.05"
gcc $strict -O2 -mgeneral-regs-only -c "$work/sq/sine.c" -o "$work/sq/sine.o"
printf '#include "sine.h"\nint main(void) { return sine_selftest(); }\n' > "$work/sine_driver.c"
gcc $strict -O2 -I"$work/sq" "$work/sine_driver.c" "$work/sq/sine.o" -o "$work/sine_driver"
"$work/sine_driver" || fail "sine: selftest $?"
echo "ok: sine: mean |integer - float| $sine_mean on its training points, selftest 0"

# Refusals.
expect_status 2 "$netc" --emit infer --weights "$work/xor.safetensors" --quantize int16 samples/xor.net -o "$work/bad"
grep -q "unknown --quantize kind 'int16'" "$work/err" && grep -q '^hint: .*int8-integer' "$work/err" ||
    fail "--quantize int16: $(cat "$work/err")"
echo "ok: an unknown kind is refused with the reason"
