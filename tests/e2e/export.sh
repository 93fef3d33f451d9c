#!/bin/bash
# netc --emit infer: the exported forward pass (docs/export.md) gives the trainer's outputs
# bit for bit, compiles warning-free as C99 (gcc, clang) and C++, links two exported
# networks into one program, and refuses a missing or mismatched weights file; the same
# for conv networks (one channel from IDX, three from a scaled CSV), and a conv weight of
# the wrong shape or a conv layer too large to export are refused.
source tests/e2e/common.bash
cc=${CC:-cc}
cflags=${CFLAGS:--O3 -march=native}     # what `netc build` uses, so outputs can match exactly
strict="-std=c99 -Wall -Wextra -Wpedantic -Werror"

# xor: train, export, compare with `predict --raw`.
"$netc" build samples/xor.net -o "$work/xt" > /dev/null
"$work/xt/xor" train --quiet --save "$work/xor.safetensors" > /dev/null
"$netc" --emit infer --weights "$work/xor.safetensors" samples/xor.net -o "$work/ex"
[ -f "$work/ex/xor.h" ] && [ -f "$work/ex/xor.c" ] && [ ! -e "$work/ex/xor_main.c" ] ||
    fail "--emit infer should write xor.h and xor.c only"
grep -q 'malloc\|#include "netc' "$work/ex/xor.c" "$work/ex/xor.h" && fail "exported code allocates or uses the runtime"
want_xor=$("$work/xt/xor" predict --raw --weights "$work/xor.safetensors" --header \
           --label-column last samples/xor.csv)

# mnist: a short training on the first 2000 images.
[ -f data/mnist/t10k-images-idx3-ubyte ] || tools/fetch-data.sh mnist > /dev/null
"$netc" build samples/mnist.net -o "$work/mt" > /dev/null
"$work/mt/mnist" train --quiet --data data/mnist --limit 2000 --epochs 1 \
    --save "$work/mnist.safetensors" > /dev/null
"$netc" --emit infer --weights "$work/mnist.safetensors" samples/mnist.net -o "$work/ex"
n=200
"$work/mt/mnist" predict --raw --weights "$work/mnist.safetensors" \
    data/mnist/t10k-images-idx3-ubyte > "$work/mnist.raw"
want_mnist=$(head -n $n "$work/mnist.raw")

# Both networks in one program, with the trainer's compiler and flags: identical text.
# shellcheck disable=SC2086
$cc $strict $cflags -I"$work/ex" tests/e2e/export/driver.c "$work/ex/xor.c" "$work/ex/mnist.c" \
    -lm -o "$work/driver"
got=$("$work/driver" xor)
[ "$(head -1 <<<"$got")" = "0 1 1 0" ] || fail "xor classes: $(head -1 <<<"$got")"
[ "$(tail -n +2 <<<"$got")" = "$want_xor" ] ||
    fail "xor outputs differ from the trainer's: $(tail -n +2 <<<"$got" | tr '\n' ' ') vs $(tr '\n' ' ' <<<"$want_xor")"
echo "ok: exported xor classifies 0 1 1 0, outputs identical to predict --raw"
got=$("$work/driver" mnist data/mnist/t10k-images-idx3-ubyte $n)
[ "$(tail -1 <<<"$got")" = "same" ] || fail "mnist_predict and mnist_predict_batch disagree"
[ "$(head -n $n <<<"$got")" = "$want_mnist" ] || {
    diff <(head -n $n <<<"$got") <(cat <<<"$want_mnist") | head -5 >&2 || true
    fail "mnist outputs differ from the trainer's"
}
echo "ok: exported mnist: $n images, outputs identical to predict --raw; xor + mnist in one program"

# The stack the header promises (MNIST_STACK_BYTES, MNIST_BATCH_STACK_BYTES) against the
# frames the compilers report (-fstack-usage), an upper bound of the deepest chain: classify
# calls predict, which (like predict_batch) calls forward, which calls one layer function
# at a time (each of these unless inlined).  gcc names a function file:line:col:name,
# clang file:line:name.
# A conv layer's forward calls its columns and product functions (layerN_columns,
# layerN_product, then matmul): for those the deepest chain below forward is counted as
# all the layer functions' frames together, an upper bound.  A classify frame as large
# as predict's has predict inlined (clang does that when the scratch is large).
stack_check() {     # compiler and flags; the export in $ex (default $work/ex)
    local ex=${ex:-$work/ex}
    rm -f "$ex/mnist.su"    # gcc names it after the source, clang after the object
    (cd "$ex" && "$@" -std=c99 -fstack-usage -c mnist.c -o mnist.o) ||
        fail "$*: exported mnist.c does not compile"
    local su=$ex/mnist.su limit batch_limit
    limit=$(awk '$2 == "MNIST_STACK_BYTES" { print $3 }' "$ex/mnist.h")
    batch_limit=$(awk '$2 == "MNIST_BATCH_STACK_BYTES" { print $3 }' "$ex/mnist.h")
    awk -F'\t' -v limit="$limit" -v batch_limit="$batch_limit" -v what="$*" '
        { n = split($1, p, ":"); f = p[n]; sub(/\..*/, "", f); size[f] = $2 }
        f ~ /^layer/ && $2 > layers { layers = $2 }
        f ~ /^layer|^matmul/ { all += $2 }
        f ~ /_columns$|_product$/ { conv = 1 }
        END {
            if (conv) layers = all
            top = size["mnist_classify"] + size["mnist_predict"]
            if (size["mnist_classify"] >= size["mnist_predict"]) top = size["mnist_classify"]
            one = top + size["forward"] + layers
            many = size["mnist_predict_batch"] + size["forward"] + layers
            printf "%s: predict %d of %d bytes, predict_batch %d of %d\n", what, one, limit, many, batch_limit
            exit !(one <= limit && many <= batch_limit)
        }' "$su" || fail "$*: the exported code needs more stack than mnist.h says"
}
for c in "gcc -O2" "gcc -Os" "gcc -O3" "gcc -O3 -march=native" "clang -O2" "clang -O3 -march=native"; do
    command -v "${c%% *}" > /dev/null || continue
    # shellcheck disable=SC2086
    stack_check $c
done > "$work/stack.log"
echo "ok: stack within MNIST_STACK_BYTES and MNIST_BATCH_STACK_BYTES: $(tr '\n' ';' < "$work/stack.log")"
read -r st_xor st_mnist <<<"$("$work/driver" selftest)"
awk -v a="$st_xor" -v b="$st_mnist" 'BEGIN { exit !(a < 1e-5 && b < 1e-5) }' ||
    fail "selftest errors too large: xor $st_xor, mnist $st_mnist"
echo "ok: xor_selftest() = $st_xor, mnist_selftest() = $st_mnist (< 1e-5)"

# The ReLU sample (128 and 64 wide, 10 softmax outputs: a remainder of 2 columns for the
# vector kernels), renamed mnist so that the same driver runs it: also identical to the
# trainer's outputs, and one sample at a time identical to a batch.
mkdir -p "$work/relu"
sed 's/^network mnist_relu/network mnist/' samples/mnist_relu.net > "$work/relu/mnist.net"
"$netc" build "$work/relu/mnist.net" -o "$work/relu" > /dev/null
"$work/relu/mnist" train --quiet --data data/mnist --limit 2000 --epochs 1 \
    --save "$work/relu.safetensors" > /dev/null
"$netc" --emit infer --weights "$work/relu.safetensors" "$work/relu/mnist.net" -o "$work/exr"
# shellcheck disable=SC2086
$cc $strict $cflags -I"$work/exr" -I"$work/ex" tests/e2e/export/driver.c "$work/ex/xor.c" "$work/exr/mnist.c" \
    -lm -o "$work/driver_relu"
got=$("$work/driver_relu" mnist data/mnist/t10k-images-idx3-ubyte $n)
[ "$(tail -1 <<<"$got")" = "same" ] || fail "relu: mnist_predict and mnist_predict_batch disagree"
"$work/relu/mnist" predict --raw --weights "$work/relu.safetensors" \
    data/mnist/t10k-images-idx3-ubyte | head -n $n > "$work/relu.raw" || true
[ "$(head -n $n <<<"$got")" = "$(cat "$work/relu.raw")" ] || fail "relu: outputs differ from the trainer's"
echo "ok: exported ReLU network: $n images, outputs identical to predict --raw, single = batch"

# A conv network (tests/e2e/export/conv.net: stride 2, padding 1, conv -> conv, average
# and overlapping max pooling, dropout, dense; named mnist for the driver): the trainer's
# outputs bit for bit, one sample at a time identical to a batch, linked with xor into
# one program, its self-test passed, its stack within the header's figures, and
# warning-free C99 and C++.
mkdir -p "$work/conv"
"$netc" build tests/e2e/export/conv.net -o "$work/conv" > /dev/null
"$work/conv/mnist" train --quiet --data data/mnist --limit 2000 --epochs 1 \
    --save "$work/conv.safetensors" > /dev/null
"$netc" --emit infer --weights "$work/conv.safetensors" tests/e2e/export/conv.net -o "$work/exc"
grep -q 'malloc\|#include "netc' "$work/exc/mnist.c" "$work/exc/mnist.h" && fail "conv: exported code allocates"
# shellcheck disable=SC2086
$cc $strict $cflags -I"$work/exc" -I"$work/ex" tests/e2e/export/driver.c "$work/ex/xor.c" \
    "$work/exc/mnist.c" -lm -o "$work/driver_conv"
got=$("$work/driver_conv" mnist data/mnist/t10k-images-idx3-ubyte $n)
[ "$(tail -1 <<<"$got")" = "same" ] || fail "conv: mnist_predict and mnist_predict_batch disagree"
"$work/conv/mnist" predict --raw --weights "$work/conv.safetensors" \
    data/mnist/t10k-images-idx3-ubyte | head -n $n > "$work/conv.raw" || true
head -n $n <<<"$got" > "$work/conv_export.raw"
d=$(max_abs_diff "$work/conv_export.raw" "$work/conv.raw")
cmp -s "$work/conv_export.raw" "$work/conv.raw" || fail "conv: outputs differ from the trainer's by $d"
[ "$("$work/driver_conv" xor | head -1)" = "0 1 1 0" ] || fail "conv + xor: xor classes"
read -r st_xor st_conv <<<"$("$work/driver_conv" selftest)"
awk -v b="$st_conv" 'BEGIN { exit !(b < 1e-5) }' || fail "conv: selftest error $st_conv"
echo "ok: exported conv network: $n images, outputs identical to predict --raw (largest" \
     "difference $d), single = batch, linked with xor; mnist_selftest() = $st_conv"
for c in "gcc -O2" "gcc -O3" "gcc -O3 -march=native" "clang -O2"; do
    command -v "${c%% *}" > /dev/null || continue
    # shellcheck disable=SC2086
    ex=$work/exc stack_check $c
done > "$work/stack_conv.log"
echo "ok: conv stack within MNIST_STACK_BYTES and MNIST_BATCH_STACK_BYTES: $(tr '\n' ';' < "$work/stack_conv.log")"
for c in gcc clang; do
    command -v $c > /dev/null || continue
    $c $strict -O2 -c "$work/exc/mnist.c" -o /dev/null || fail "$c -std=c99 warns on the conv export"
done
for cxx in g++ clang++; do
    command -v $cxx > /dev/null || continue
    $cxx -x c++ -Wall -Wextra -Werror -O2 -c "$work/exc/mnist.c" -o /dev/null ||
        fail "$cxx -x c++ warns on the conv export"
done
echo "ok: conv export warning-free: gcc, clang $strict; g++, clang++ -x c++ -Wall -Wextra -Werror"

# Three input channels, a non-square image and kernel, padding, tanh and sigmoid conv
# layers and baked-in input scaling (standardize) on a CSV of 3x6x5 images: float and
# int8 exports, the float one identical to predict --raw on every row.
awk 'BEGIN { srand(5); for (n = 0; n < 300; n++) { line = ""
             for (i = 0; i < 90; i++) line = line sprintf("%.3f,", (n % 3) * 10 + i % 7 + 20 * (rand() - 0.5))
             print line n % 3 } }' > "$work/rgb.csv"
cat > "$work/rgb.net" <<'NET'
network rgb
input 3x6x5
conv 4 3x2 tanh padding 1
maxpool 2x2
conv 5 2x2 sigmoid
dense 3 softmax
train {
    loss cross_entropy
    optimizer adam
    learning_rate 0.01
    batch 16
    epochs 5
    seed 2
}
data {
    train_csv "rgb.csv"
    test_csv "rgb.csv"
    label_column last
    scale standardize
}
NET
cat > "$work/rgb_driver.c" <<'C'
#include <stdio.h>
#include <string.h>
#include "rgb.h"
enum { ROWS = 300 };
int main(void)      /* rgb.csv's rows through rgb_predict_batch, as predict --raw prints them */
{
    static float x[ROWS * RGB_N_INPUT], y[ROWS * RGB_N_OUTPUT];
    float one[RGB_N_OUTPUT];
    int label, same = 1;
    for (int n = 0; n < ROWS; n++) {
        for (int i = 0; i < RGB_N_INPUT; i++)
            if (scanf("%f,", &x[n * RGB_N_INPUT + i]) != 1)
                return 1;
        if (scanf("%d", &label) != 1)
            return 1;
    }
    rgb_predict_batch(x, y, ROWS);
    for (int n = 0; n < ROWS; n++) {
        for (int k = 0; k < RGB_N_OUTPUT; k++)
            printf(k ? " %.9g" : "%.9g", (double)y[n * RGB_N_OUTPUT + k]);
        printf("\n");
        rgb_predict(x + n * RGB_N_INPUT, one);      /* one at a time: the same bits */
        same &= memcmp(one, y + n * RGB_N_OUTPUT, sizeof one) == 0;
    }
    return same && rgb_selftest() < 1e-5f ? 0 : 1;
}
C
netc_path=$(cd "$(dirname "$netc")" && pwd)/$(basename "$netc")   # run from $work, where rgb.net's data is
(cd "$work" && "$netc_path" build rgb.net -o rgbt > /dev/null && rgbt/rgb train --quiet --save rgb.safetensors > /dev/null &&
 "$netc_path" --emit infer --weights rgb.safetensors rgb.net -o rgbx &&
 "$netc_path" --emit infer --weights rgb.safetensors --quantize int8 rgb.net -o rgbq > rgbq.table) ||
    fail "rgb: train or export"
for kind in x q; do
    # shellcheck disable=SC2086
    $cc $strict $cflags -I"$work/rgb$kind" "$work/rgb_driver.c" "$work/rgb$kind/rgb.c" -lm \
        -o "$work/rgb_$kind" || fail "rgb$kind: does not compile"
    "$work/rgb_$kind" < "$work/rgb.csv" > "$work/rgb_$kind.out" ||
        fail "rgb$kind: selftest, or rgb_predict differs from rgb_predict_batch"
done
"$work/rgbt/rgb" predict --raw --weights "$work/rgb.safetensors" --label-column last \
    "$work/rgb.csv" > "$work/rgb.want"
cmp -s "$work/rgb_x.out" "$work/rgb.want" ||
    fail "rgb: outputs differ from predict --raw by $(max_abs_diff "$work/rgb_x.out" "$work/rgb.want")"
echo "ok: 3x6x5 CSV images, 3x2 kernels, tanh/sigmoid conv, scaled inputs: float outputs identical" \
     "to predict --raw on 300 rows, batches of $(awk '$1 == "RGB_CHUNK" { print $3 }' "$work/rgbx/rgb.h")" \
     "identical to one at a time (int8 too); self-tests passed ($(tail -1 "$work/rgbq.table"))"

# Input scaling baked in (standardize), leaky_relu, relu and softmax, three layers.
sed -e 's/^network xor/network sx/' -e 's/dense 4 tanh *as hidden/dense 8 leaky_relu\ndense 6 relu/' \
    -e 's/dense 1 sigmoid *as output/dense 2 softmax/' -e 's/binary_cross_entropy/cross_entropy/' \
    -e 's/label_column  last/label_column  last\n    scale standardize/' samples/xor.net > "$work/sx.net"
grep -q standardize "$work/sx.net" && grep -q softmax "$work/sx.net" || fail "sx.net: $(cat "$work/sx.net")"
"$netc" build "$work/sx.net" -o "$work/st" > /dev/null
"$work/st/sx" train --quiet --save "$work/sx.safetensors" > /dev/null
"$netc" --emit infer --weights "$work/sx.safetensors" "$work/sx.net" -o "$work/ex"
grep -q sx_in_offset "$work/ex/sx.c" || fail "sx: no input scaling in the exported code"
cat > "$work/sx_driver.c" <<'C'
#include <stdio.h>
#include "sx.h"
int main(void)
{
    static const float x[4 * SX_N_INPUT] = { 0, 0, 0, 1, 1, 0, 1, 1 };
    float y[4 * SX_N_OUTPUT];
    sx_predict_batch(x, y, 4);
    for (int i = 0; i < 4 * SX_N_OUTPUT; i++)
        printf("%.9g\n", (double)y[i]);
    return sx_selftest() < 1e-5f ? 0 : 1;
}
C
# shellcheck disable=SC2086
$cc $strict $cflags -I"$work/ex" "$work/sx_driver.c" "$work/ex/sx.c" -lm -o "$work/sx_driver"
got=$("$work/sx_driver" | tr ' ' '\n') || fail "sx: selftest"
want=$("$work/st/sx" predict --raw --weights "$work/sx.safetensors" --header --label-column last \
       samples/xor.csv | tr ' ' '\n')
[ "$got" = "$want" ] || fail "sx outputs differ: $(tr '\n' ' ' <<<"$got") vs $(tr '\n' ' ' <<<"$want")"
echo "ok: scaled inputs, leaky_relu/relu/softmax: outputs identical to predict --raw"

# Warning-free with each compiler there is, as C99 and as C++.
for c in gcc clang; do
    command -v $c > /dev/null || continue
    $c $strict -O2 -c "$work/ex/sx.c" -o /dev/null || fail "$c -std=c99 warns on sx.c"
    $c $strict -O2 -c "$work/ex/xor.c" -o "$work/x.o" && $c $strict -O2 -c "$work/ex/mnist.c" -o "$work/m.o" ||
        fail "$c -std=c99 warns on the exported code"
    $c $strict -O2 -I"$work/ex" tests/e2e/export/driver.c "$work/x.o" "$work/m.o" -lm -o "$work/d_$c" ||
        fail "$c: driver"
    [ "$("$work/d_$c" xor | head -1)" = "0 1 1 0" ] || fail "$c build: xor classes"
    echo "ok: $c -std=c99 -Wall -Wextra -Wpedantic -Werror"
done
for cxx in g++ clang++; do
    command -v $cxx > /dev/null || continue
    $cxx -x c++ -Wall -Wextra -Werror -O2 -c "$work/ex/sx.c" -o /dev/null || fail "$cxx -x c++: sx.c"
    for f in "$work/ex/xor.c" "$work/ex/mnist.c" tests/e2e/export/driver.c; do
        $cxx -x c++ -Wall -Wextra -Werror -O2 -I"$work/ex" -c "$f" -o "$work/$(basename "$f" .c).o" 2>&1 |
            head -20 >&2
        [ -f "$work/$(basename "$f" .c).o" ] || fail "$cxx -x c++ warns on $f"
    done
    $cxx "$work/driver.o" "$work/xor.o" "$work/mnist.o" -lm -o "$work/d_$cxx" || fail "$cxx: link"
    [ "$("$work/d_$cxx" xor | head -1)" = "0 1 1 0" ] || fail "$cxx build: xor classes"
    rm -f "$work"/*.o
    echo "ok: $cxx -x c++ -Wall -Wextra -Werror (extern \"C\" header, C++ driver)"
done

# 32-bit x86 (gcc-multilib).  With SSE arithmetic (-msse2 -mfpmath=sse) a 32-bit build
# computes in IEEE single precision as x86-64 does; with neither side using fused
# multiply-adds (plain -O2) and the kernels' sums in a fixed order, mnist's and sx's outputs
# (sigmoid, relu, leaky_relu, softmax: exp_f is netc's own code) must be bit-identical to the
# 64-bit build's.  xor's tanh comes from each libm's tanhf, which may differ in the last bit.
m32="-m32 -msse2 -mfpmath=sse"
elf_class() { od -An -tx1 -j4 -N1 "$1" | tr -d ' '; }     # 01: 32-bit, 02: 64-bit
for c in gcc clang; do
    command -v $c > /dev/null || continue
    $c -m32 -x c - -o "$work/empty32" <<<'int main(void) { return 0; }' ||
        fail "$c -m32 cannot build a program: install gcc-multilib (make check does)"
    # A kernel without IA32 emulation builds 32-bit programs but cannot run them ("Exec
    # format error"): run them under qemu's user-mode i386 emulator (qemu-user) there.
    run32=()
    if ! "$work/empty32" 2> /dev/null; then
        command -v qemu-i386 > /dev/null ||
            fail "this kernel cannot run 32-bit programs and qemu-i386 is missing: install qemu-user (make check does)"
        qemu-i386 "$work/empty32" || fail "qemu-i386 cannot run a 32-bit program"
        run32=(qemu-i386)
        [ "$c" = gcc ] && echo "note: this kernel runs no 32-bit programs; they run under qemu-i386"
    fi
    for bits in 64 32; do
        flags=$([ $bits = 32 ] && echo "$m32" || true)
        run=(); [ $bits = 32 ] && run=("${run32[@]}")
        # shellcheck disable=SC2086
        $c $strict -O2 $flags -I"$work/ex" tests/e2e/export/driver.c "$work/ex/xor.c" \
            "$work/ex/mnist.c" -lm -o "$work/d$bits" || fail "$c $flags: xor + mnist"
        # shellcheck disable=SC2086
        $c $strict -O2 $flags -I"$work/ex" "$work/sx_driver.c" "$work/ex/sx.c" -lm \
            -o "$work/sx$bits" || fail "$c $flags: sx"
        "${run[@]}" "$work/d$bits" mnist data/mnist/t10k-images-idx3-ubyte $n > "$work/mnist$bits.out"
        "${run[@]}" "$work/d$bits" xor > "$work/xor$bits.out"
        "${run[@]}" "$work/sx$bits" > "$work/sx$bits.out" || fail "$c $flags: sx_selftest() too large"
    done
    [ "$(elf_class "$work/d32")" = 01 ] && [ "$(elf_class "$work/d64")" = 02 ] ||
        fail "$c $m32 did not build a 32-bit program"
    read -r st_xor st_mnist <<<"$("${run32[@]}" "$work/d32" selftest)"
    awk -v a="$st_xor" -v b="$st_mnist" 'BEGIN { exit !(a < 1e-5 && b < 1e-5) }' ||
        fail "$c $m32: selftest errors too large: xor $st_xor, mnist $st_mnist"
    cmp -s "$work/mnist32.out" "$work/mnist64.out" && cmp -s "$work/sx32.out" "$work/sx64.out" || {
        diff "$work/mnist32.out" "$work/mnist64.out" | head -5 >&2 || true
        fail "$c $m32: mnist or sx outputs differ from the 64-bit build's"
    }
    d=$(max_abs_diff "$work/xor32.out" "$work/xor64.out")
    awk -v d="$d" 'BEGIN { exit !(d <= 1e-6) }' || fail "$c $m32: xor outputs differ by $d"
    echo "ok: $c $m32 $strict: selftest xor $st_xor, mnist $st_mnist; mnist ($n images) and sx" \
         "outputs identical to the 64-bit build's, xor within $d"

    # Plain -m32: x87 arithmetic (FLT_EVAL_METHOD 2, float expressions in 80 bits).  The
    # kernels fall back to plain loops there and exp_f takes n from t's stored bits: it
    # must compile cleanly, pass its selftest, and stay within 1e-5 of the 64-bit build.
    $c $strict -O2 -m32 -I"$work/ex" tests/e2e/export/driver.c "$work/ex/xor.c" \
        "$work/ex/mnist.c" -lm -o "$work/x87" || fail "$c -m32 (x87) does not compile"
    read -r st_xor st_mnist <<<"$("${run32[@]}" "$work/x87" selftest)"
    awk -v a="$st_xor" -v b="$st_mnist" 'BEGIN { exit !(a < 1e-5 && b < 1e-5) }' ||
        fail "$c -m32 (x87): selftest xor $st_xor, mnist $st_mnist"
    "${run32[@]}" "$work/x87" mnist data/mnist/t10k-images-idx3-ubyte $n > "$work/mnist87.out"
    d=$(max_abs_diff "$work/mnist87.out" "$work/mnist64.out")
    awk -v d="$d" 'BEGIN { exit !(d <= 1e-5) }' || fail "$c -m32 (x87): mnist outputs differ by $d"
    echo "ok: $c -m32 (x87 arithmetic): selftest xor $st_xor, mnist $st_mnist; mnist within $d"
done

# Errors: a clear message naming the file (and tensor), exit 1, nothing written.
rm -rf "$work/bad"
set +e
msg=$("$netc" --emit infer --weights "$work/none.safetensors" samples/xor.net -o "$work/bad" 2>&1)
rc=$?
set -e
[ $rc -eq 1 ] && grep -q "none.safetensors" <<<"$msg" || fail "missing weights file: rc $rc: $msg"
set +e
msg=$("$netc" --emit infer --weights "$work/mnist.safetensors" samples/xor.net -o "$work/bad" 2>&1)
rc=$?
set -e
[ $rc -eq 1 ] && grep -q "mnist.safetensors" <<<"$msg" && grep -q "hidden.weight" <<<"$msg" ||
    fail "mismatched weights file: rc $rc: $msg"
[ ! -e "$work/bad/xor.c" ] && [ ! -e "$work/bad/xor.h" ] || fail "partial output after an error"
# a leftover tensor (an unrenamed PyTorch name next to the right ones), as the trainer refuses
/usr/bin/python3 - "$work/xor.safetensors" "$work/extra.safetensors" <<'PY'
import sys
sys.path.insert(0, "tools")
import netc_weights
tensors = netc_weights.read_safetensors(sys.argv[1])
tensors["0.weight"] = tensors["hidden.weight"]
netc_weights.write_safetensors(sys.argv[2], tensors)
PY
set +e
msg=$("$netc" --emit infer --weights "$work/extra.safetensors" samples/xor.net -o "$work/bad" 2>&1)
rc=$?
set -e
[ $rc -eq 1 ] && grep -q "unknown tensor '0.weight'" <<<"$msg" || fail "leftover tensor: rc $rc: $msg"
[ ! -e "$work/bad/xor.c" ] || fail "partial output after an error"
echo "ok: missing, mismatched and leftover weights: exit 1, message names file and tensor, no output"

# A conv weight of the wrong shape (3x3 kernels for the 4x4 layer) is refused naming the
# tensor, both shapes and what the four dimensions are; a conv layer whose columns would
# not fit any stack (1000 x 1000 positions of a 9x9 kernel) is refused naming the layer.
/usr/bin/python3 - "$work/conv.safetensors" "$work/badconv.safetensors" "$work/big.safetensors" <<'PY'
import sys
sys.path.insert(0, "tools")
import numpy as np
import netc_weights
tensors = netc_weights.read_safetensors(sys.argv[1])
tensors["conv1.weight"] = tensors["conv1.weight"][:, :, :3, :3]
netc_weights.write_safetensors(sys.argv[2], tensors)
netc_weights.write_safetensors(sys.argv[3], {
    "conv1.weight": np.zeros((1, 1, 9, 9)), "conv1.bias": np.zeros(1),
    "dense1.weight": np.zeros((2, 100)), "dense1.bias": np.zeros(2)})
PY
set +e
msg=$("$netc" --emit infer --weights "$work/badconv.safetensors" tests/e2e/export/conv.net -o "$work/bad" 2>&1)
rc=$?
set -e
grep -qF "conv1.weight: shape [4, 1, 3, 3] in file, network expects [4, 1, 4, 4] (filters, input channels, kernel height, kernel width)" <<<"$msg" &&
    [ $rc -eq 1 ] || fail "a conv weight of the wrong shape: rc $rc: $msg"
[ ! -e "$work/bad/mnist.c" ] || fail "partial output after an error"
printf 'network big\ninput 1x1000x1000\nconv 1 9x9 relu padding 4\nmaxpool 100x100\ndense 2 softmax\n' \
    > "$work/big.net"
set +e
msg=$("$netc" --emit infer --weights "$work/big.safetensors" "$work/big.net" -o "$work/bad" 2>&1)
rc=$?
set -e
grep -qF "layer 'conv1' (line 3): its columns take 1000000 x 81 = 81000000 values per sample" <<<"$msg" &&
    [ $rc -eq 2 ] || fail "a conv layer too large to export: rc $rc: $msg"
[ ! -e "$work/bad/big.c" ] || fail "partial output after an error"
echo "ok: a conv weight of the wrong shape (exit 1) and a conv layer too large to export (exit 2):" \
     "refused, the tensor or layer named, no output"
