#!/bin/bash
# The runtime and a generated trainer under the checkers, on samples/mnist.net:
#  - built with ASan + UBSan (runtime sources compiled in): a short training (2,000
#    images, 1 epoch, with --log, --report and a checkpoint), then resume of a finished
#    checkpoint, eval, predict, gradcheck and report: zero reports (any aborts the run);
#  - the same sources built -O1 -g without sanitizers, under valgrind memcheck on 200
#    images (train, eval): zero errors, zero leaks
#    (--errors-for-leak-kinds=definite,indirect,possible).
source tests/e2e/common.bash
tools/fetch-data.sh mnist
tools/deps.sh valgrind clang > /dev/null
mkdir -p "$work/asan" "$work/plain"
sanitized_trainer samples/mnist.net "$work/asan"
san=$work/asan/mnist
run() { echo "+ $*"; "$@" > "$work/out" 2> "$work/err" || { cat "$work/err"; fail "$* (exit $?)"; }; }
run "$san" train --data data/mnist --limit 2000 --epochs 1 --save "$work/w.safetensors" \
    --log "$work/log.csv" --report "$work/report" --keep-checkpoint
run "$san" train --data data/mnist --resume "$work/w.ckpt" --save "$work/w.safetensors"
run "$san" eval --data data/mnist --weights "$work/w.safetensors"
run "$san" predict --weights "$work/w.safetensors" data/mnist/t10k-images-idx3-ubyte
[ "$(wc -l < "$work/out")" = 10000 ] || fail "predict printed $(wc -l < "$work/out") lines"
run "$san" gradcheck
run "$san" report --weights "$work/w.safetensors" --log "$work/log.csv" --data data/mnist -o "$work/again"
echo "ok: ASan + UBSan: train, resume, eval, predict, gradcheck, report without a report"

source_trainer cc samples/mnist.net "$work/plain" -O1 -g
vg() {
    echo "+ valgrind $*"
    valgrind -q --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=definite,indirect,possible \
        --error-exitcode=99 "$@" > "$work/out" 2> "$work/err" || { cat "$work/err"; fail "valgrind: $* (exit $?)"; }
    ! grep -q '^==[0-9]*==' "$work/err" || { cat "$work/err"; fail "valgrind reported on $*"; }
}
vg "$work/plain/mnist" train --data data/mnist --limit 200 --epochs 1 --save "$work/v.safetensors"
vg "$work/plain/mnist" eval --data data/mnist --weights "$work/v.safetensors"
echo "ok: valgrind memcheck: zero errors, zero leaks"
