#!/bin/sh
# harness.sh GENDIR KIND DIR - GENDIR's model built with harness.c as DIR/KIND; prints its path.
#
#   float            NAME.c and NAME_main.c (separate objects) in float: the vector kernels
#   portable         the same with -DNETC_PORTABLE: the plain-C kernels
#   double           one translation unit computed in double (-include dbl.h)
#   double_portable  the same with -DNETC_PORTABLE
#
# $CC [cc] -std=c99 $HARNESS_OPT [-O2] for the baseline machine, the float builds with
# -Wall -Wextra -Wpedantic -Werror, the double ones (no warning flags: they only
# compute) with $HARNESS_DOUBLE_OPT [$HARNESS_OPT] (tests/e2e/gradcheck.sh's 90 small
# networks take -O1 and -Og: their runs are instant, their compiles are the time), with
# AVX2 or AVX-512 where there is some (isa below: the same arithmetic, many times faster).
# No -O level changes the arithmetic (no contraction, no -ffast-math): the double
# gradient checks print the same bits at -Og, -O1, -O2 and -O3.
# DIR/KIND already there is used as it is: check.sh passes one DIR
# (HARNESS_DIR) to gradcheck.sh, portable.sh and torch_step.py, so that each build is
# compiled once per network.  Exit 0 = built.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
runtime="$here/../../runtime"
gendir=$(cd "${1:?usage: harness.sh GENDIR KIND DIR}" && pwd)
kind=${2:?usage: harness.sh GENDIR KIND DIR}
dir=${3:?usage: harness.sh GENDIR KIND DIR}
name=$(basename "$(ls "$gendir"/*_main.c)" _main.c)
cc=${CC:-cc}
exe=$dir/$kind

# isa KIND: the instruction set the build may use, where $cc and this processor have it:
# -mavx2 for the float builds, -mavx512f for the double ones (a kernel vector of 8
# floats is then one ymm, or in double one zmm, register), always with -mno-fma; else
# nothing, the baseline machine.  On the baseline gcc splits each 32- or 64-byte vector
# operation into pieces through memory: mnist_conv's double gradient check took 72
# CPU-s there, 5 with AVX-512; the float one 45, 4 with AVX2.  The arithmetic is the
# same: without FMA V_MADD is a multiply then an add, as on the baseline, and nothing
# is contracted (-std=c99, the kernels' fp-contract=off), so every build computes the
# same bits as its baseline build (checked on every codegen network's dumps and
# gradient checks).
isa() {
    case $1 in double*) feature=__AVX512F__ flag=-mavx512f ;; *) feature=__AVX2__ flag=-mavx2 ;; esac
    if echo | $cc -march=native -dM -E -x c - 2>/dev/null | grep -q "$feature"; then
        echo "$flag -mno-fma"
    fi
}
if [ ! -x "$exe" ]; then
    mkdir -p "$dir"
    opt=${HARNESS_OPT:--O2}
    case $kind in double*) opt=${HARNESS_DOUBLE_OPT:-$opt} ;; esac
    opt="$opt $(isa "$kind")"
    strict="-std=c99 $opt -Wall -Wextra -Wpedantic -Werror -I$gendir -I$runtime"
    one_unit="-std=c99 $opt -include $here/dbl.h -DMODEL_C=\"$name.c\" -DMAIN_C=\"${name}_main.c\" -I$gendir -I$runtime"
    case $kind in
    float|portable)
        [ -f "$dir/main.o" ] ||
            $cc $strict -Dmain=generated_main -c "$gendir/${name}_main.c" -o "$dir/main.o"
        define=""
        [ "$kind" = portable ] && define=-DNETC_PORTABLE
        $cc $strict $define "$here/harness.c" "$gendir/$name.c" "$dir/main.o" -o "$exe.tmp" -lm ;;
    double) $cc $one_unit "$here/harness.c" -o "$exe.tmp" -lm ;;
    double_portable) $cc $one_unit -DNETC_PORTABLE "$here/harness.c" -o "$exe.tmp" -lm ;;
    *) echo "harness.sh: no kind $kind (float, portable, double, double_portable)" >&2; exit 2 ;;
    esac
    mv "$exe.tmp" "$exe"
fi
echo "$exe"
