#!/bin/sh
# int8.sh [NET...] - the int8 export's inference against the float export's, side by side:
# for each of W1-W4 (or the NETs named: w1 w2 w3 w4), train the network, export it as
# float and as int8 (`--emit infer`, `--quantize int8` calibrated on the first 2000
# training images), link both into one program (bench/infer_int8.c) and time them in
# turns on the 10,000 MNIST test images, batched and one image per call; report each
# one's test accuracy.  `make bench` runs it after the training benchmark (bench/run.sh);
# alone it takes 1-2 minutes.  See bench/README.md, "int8 inference".
#
# Writes build/bench/int8/ and bench/results/int8.md and int8.json; prints the table.
# Settings (environment, defaults in brackets):
#   INT8_REPEAT [21]   timed passes of each kind (the median counts)
#   INT8_CFLAGS [-O3 -march=native]  how the exports and the driver are compiled (the
#                      int8 kernels pick their instructions from it: try -march=x86-64-v3
#                      for AVX2 without AVX-512, -march=x86-64 for the portable C)
#   BENCH_QUICK=1      one epoch of training on 6000 images, 3 passes
#   INT8_TRAIN=0       reuse the weights the last run trained (another INT8_CFLAGS, say)
#   BUILD [build]      the build tree whose netc is used
set -eu
cd "$(dirname "$0")/.."

netc=${BUILD:-build}/netc
work=build/bench/int8
data=data/mnist
repeat=${INT8_REPEAT:-21}
cflags=${INT8_CFLAGS:--O3 -march=native}
CC=${CC:-cc}
nets=${*:-w1 w2 w3 w4}
limit_opt=""
epochs_opt=""           # the .net file's epochs (W1, W2: 5, W3: 3, W4: 1)
if [ "${BENCH_QUICK:-0}" = 1 ]; then
    limit_opt="--limit 6000"
    epochs_opt="--epochs 1"
    repeat=3
fi
[ -f $data/t10k-labels-idx1-ubyte ] || tools/fetch-data.sh mnist
mkdir -p $work bench/results

for net in $nets; do
    [ -f "bench/$net.net" ] || { echo "int8.sh: no bench/$net.net" >&2; exit 2; }
    dir=$work/$net
    echo "bench: int8, $net: train, export float and int8, time side by side" >&2
    if [ "${INT8_TRAIN:-1}" != 0 ] || [ ! -f "$dir/$net.safetensors" ]; then
        rm -rf "$dir" && mkdir -p "$dir"
        "$netc" build "bench/$net.net" -o "$dir" > /dev/null
        # shellcheck disable=SC2086
        "$dir/$net" train --data $data $epochs_opt $limit_opt --quiet \
            --save "$dir/$net.safetensors" > "$dir/train.log"
    fi
    # The same weights under two names (float: NETf, int8: NETq), so that one program
    # links both exports.
    for kind in f q; do
        sed "s/^network $net\$/network $net$kind/" "bench/$net.net" > "$dir/$net$kind.net"
    done
    "$netc" --emit infer --allow-other-network --weights "$dir/$net.safetensors" \
        "$dir/${net}f.net" -o "$dir" > /dev/null
    "$netc" --emit infer --allow-other-network --weights "$dir/$net.safetensors" \
        --quantize int8 --calibration $data/train-images-idx3-ubyte "$dir/${net}q.net" \
        -o "$dir" > "$dir/quantize.txt"
    up=$(echo "$net" | tr 'a-z' 'A-Z')
    # shellcheck disable=SC2086
    $CC -std=c99 $cflags -D_POSIX_C_SOURCE=200809L -I"$dir" -DF="${net}f" -DF_UP="${up}F" \
        -DQ="${net}q" -DQ_UP="${up}Q" bench/infer_int8.c "$dir/${net}f.c" "$dir/${net}q.c" \
        -lm -o "$dir/infer_int8"
    {
        echo "net $net"
        echo "cflags $cflags"
        echo "int8_isa $("$dir/infer_int8" --isa)"
        echo "load_start $(cut -d' ' -f1-3 /proc/loadavg)"
        "$dir/infer_int8" $data/t10k-images-idx3-ubyte $data/t10k-labels-idx1-ubyte "$repeat"
        echo "load_end $(cut -d' ' -f1-3 /proc/loadavg)"
    } > "$work/int8-$net.txt"
done

python3 bench/report_int8.py $work bench/results/int8.md bench/results/int8.json $nets
cat bench/results/int8.md
