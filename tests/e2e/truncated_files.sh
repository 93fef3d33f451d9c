#!/bin/bash
# A file cut short at every tenth of its length (0/10 .. 9/10) is an error naming it, with
# exit status 1 and no crash or sanitizer report (the trainers are built with ASan + UBSan):
# MNIST's IDX images and labels (training data of samples/mnist.net), a CSV file (of
# samples/xor.net) and a safetensors weights file (eval --weights).
source tests/e2e/common.bash
tools/fetch-data.sh mnist
sanitized_trainer samples/mnist.net "$work"
sanitized_trainer samples/xor.net "$work"
checked=0

# expect_failure FILE COMMAND...: exit 1, FILE named in the first error line, no report.
expect_failure() {
    local file=$1 status; shift
    set +e; "$@" > /dev/null 2> "$work/err"; status=$?; set -e
    if [ "$status" != 1 ] || ! head -1 "$work/err" | grep -qF "error: $file:" ||
       grep -q 'Sanitizer\|runtime error' "$work/err"; then
        head -30 "$work/err"
        fail "$file: exit $status (expected 1 and a message naming the file)"
    fi
    printf '  %-28s %s\n' "$(basename "$file")" "$(head -1 "$work/err" | sed "s|.*error: $file:* *||" | cut -c1-90)"
    checked=$((checked + 1))
}

# cuts FILE: the ten truncated copies FILE.cutK (K = 0..9, K tenths of the length).
cuts() {
    local size k
    size=$(stat -c %s "$1")
    for k in 0 1 2 3 4 5 6 7 8 9; do
        head -c $((size * k / 10)) "$1" > "$1.cut$k"
    done
}

mkdir -p "$work/idx"
cp data/mnist/t10k-images-idx3-ubyte data/mnist/t10k-labels-idx1-ubyte "$work/idx/"
images=$work/idx/t10k-images-idx3-ubyte labels=$work/idx/t10k-labels-idx1-ubyte
cuts "$images"
cuts "$labels"
echo "IDX:"
for k in 0 1 2 3 4 5 6 7 8 9; do
    expect_failure "$images.cut$k" "$work/mnist" train --train-images "$images.cut$k" \
        --train-labels "$labels" --epochs 1 --save "$work/m.safetensors"
    expect_failure "$labels.cut$k" "$work/mnist" train --train-images "$images" \
        --train-labels "$labels.cut$k" --epochs 1 --save "$work/m.safetensors"
done

# A CSV whose rows have different lengths, so that no cut ends exactly at a row's end
# (such a prefix would be a valid, shorter file): checked first.
awk 'BEGIN { for (i = 0; i < 43; i++) printf "%.*f,%.*f,%d\n", i % 5 + 1, (i % 7) / 7, i % 3 + 1, (i % 4) / 4, i % 2 }' > "$work/data.csv"
size=$(stat -c %s "$work/data.csv")
for k in 1 2 3 4 5 6 7 8 9; do
    at=$((size * k / 10))
    case "$(head -c $((at + 1)) "$work/data.csv" | tail -c 2 | od -An -c | tr -d ' ')" in
        *'\n'*) fail "data.csv: the cut at $at bytes ends a row; change the generator" ;;
    esac
done
cuts "$work/data.csv"
echo "CSV:"
for k in 0 1 2 3 4 5 6 7 8 9; do
    expect_failure "$work/data.csv.cut$k" "$work/xor" train --train-csv "$work/data.csv.cut$k" \
        --label-column last --epochs 1 --save "$work/x.safetensors"
done

"$work/xor" train --train-csv "$work/data.csv" --label-column last --epochs 2 --quiet \
    --save "$work/x.safetensors"
cuts "$work/x.safetensors"
echo "safetensors:"
for k in 0 1 2 3 4 5 6 7 8 9; do
    expect_failure "$work/x.safetensors.cut$k" "$work/xor" eval --test-csv "$work/data.csv" \
        --label-column last --weights "$work/x.safetensors.cut$k"
done
echo "ok: $checked truncated files: exit 1, the file named, no sanitizer report"
