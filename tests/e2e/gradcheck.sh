#!/bin/bash
# Backpropagation against central differences for every hidden activation x output/loss
# pairing x optimizer, every tensor (biases included).  The generated model is compiled
# in double (tests/codegen/gradcheck.sh), where differences are exact enough to hold
# each tensor to a 1e-6 relative error; float32 differences would drown in rounding
# and ReLU kinks.  Then the trainer's own `gradcheck` command, in float, must pass on a
# smooth network and must fail once a bias gradient is broken in the generated C.
source tests/e2e/common.bash
hidden=(sigmoid relu "leaky_relu(0.1)" tanh linear)
outputs=("sigmoid mse" "softmax cross_entropy" "sigmoid binary_cross_entropy" "linear mse"
         "tanh mse" "sigmoid cross_entropy")
optimizers=(sgd "sgd(momentum = 0.9, nesterov = true)" adam)
write_net() {   # write_net NAME HIDDEN OUTPUT LOSS OPTIMIZER
    cat > "$work/$1.net" <<NET
network $1
input 7
dense 6 $2
dense 5 $2
dense 4 $3
train {
    loss $4
    optimizer $5
    learning_rate 0.1
    batch 3
}
NET
}
# -O1, and -Og for the double builds (no warning flags there): these networks' checks run
# in milliseconds and compiling them is the time (a quarter less at -O1 than at -O2; a
# double build 1.5 CPU-s at -O1, 1.0 at -Og); the arithmetic (no -ffast-math, no
# contraction) is the same.
export HARNESS_OPT=-O1 HARNESS_DOUBLE_OPT=-Og
check() {   # check N WHAT: network gN's double-precision gradient check; gN.failed if not
    if ! sh tests/codegen/gradcheck.sh "$work/g$1" > "$work/g$1.log" 2>&1; then
        { echo "FAIL: $2"; cat "$work/g$1.log"; } > "$work/g$1.failed"
    fi
}
# The networks are independent: one per processor at a time (mostly compiler runs).
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
n=0 running=0
for h in "${hidden[@]}"; do
    for pair in "${outputs[@]}"; do
        read -r out loss <<<"$pair"
        for opt in "${optimizers[@]}"; do
            n=$((n + 1))
            write_net "g$n" "$h" "$out" "$loss" "$opt"
            mkdir -p "$work/g$n"
            "$netc" "$work/g$n.net" -o "$work/g$n" 2>/dev/null
            check $n "dense $h -> $out, $loss, $opt" &
            running=$((running + 1))
            [ $running -lt "$jobs" ] || { wait; running=0; }
        done
    done
done
wait
failed=0
for ((i = 1; i <= n; i++)); do
    [ ! -e "$work/g$i.failed" ] || { cat "$work/g$i.failed"; failed=$((failed + 1)); }
done
echo "double-precision gradient checks: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ] || exit 1

# The trainer's gradcheck command (float32): passes on a smooth network ...
write_net smooth tanh sigmoid mse sgd
"$netc" build "$work/smooth.net" -o "$work" 2>/dev/null
"$work/smooth" gradcheck || fail "gradcheck of a correct tanh/sigmoid network"
# ... and catches biases that never learn: zero every layer's bias gradient (the
# kernel column_sum).
sed -i 's/dbias\[o\] += delta/dbias[o] += 0.0f * delta/' "$work/smooth_kernels.h"
grep -q '0.0f \* delta' "$work/smooth_kernels.h" || fail "could not break the bias gradient (generated code changed?)"
cc -std=c99 -O1 -Iruntime "$work/smooth.c" "$work/smooth_main.c" "${BUILD:-build}/libnetcrt.a" -lpng -lm -pthread -o "$work/broken"
if "$work/broken" gradcheck > "$work/broken.log"; then
    cat "$work/broken.log"
    fail "gradcheck passed with broken bias gradients"
fi
grep 'bias.*FAIL' "$work/broken.log"
echo "ok: gradcheck fails when bias gradients are zeroed"
