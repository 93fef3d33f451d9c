#!/bin/sh
# portable.sh GENDIR - the plain-C path (NETC_PORTABLE) computes what the vector path does.
#
# The kernels' vectors run across independent outputs only, so both paths add the
# same numbers in the same order.  Builds the model with harness.c twice, with GNU
# vectors and with -DNETC_PORTABLE ($CC [cc] -O2 for the baseline machine, which has
# no fused multiply-add: a compiler may fuse different a + b·c in the two paths),
# runs 3 optimizer steps on one batch (harness `dump`) and requires the losses,
# gradients and parameters to be bit-identical.  Also gradchecks the portable path
# in double.  Exit 0 = pass.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
runtime="$here/../../runtime"
gendir=$(cd "${1:?usage: portable.sh GENDIR}" && pwd)
name=$(basename "$(ls "$gendir"/*_main.c)" _main.c)
cc=${CC:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
flags="-std=c99 -O2 -Wall -Wextra -Wpedantic -Werror -I$gendir -I$runtime"
$cc $flags -Dmain=generated_main -c "$gendir/${name}_main.c" -o "$work/main.o"
for path in vector portable; do
    define=""
    [ $path = portable ] && define=-DNETC_PORTABLE
    $cc $flags $define "$here/harness.c" "$gendir/$name.c" "$work/main.o" -o "$work/$path" -lm
    mkdir "$work/$path.out"
    "$work/$path" dump "$work/$path.out" 3 0.05
done
status=0
for f in "$work"/vector.out/*.f32; do
    cmp -s "$f" "$work/portable.out/$(basename "$f")" || { echo "FAIL: $(basename "$f") differs"; status=1; }
done
echo "$name: portable path bit-identical to the vector path: $([ $status = 0 ] && echo OK || echo FAIL)"
$cc -std=c99 -O2 -DNETC_PORTABLE -include "$here/dbl.h" -DMODEL_C="\"$name.c\"" \
    -DMAIN_C="\"${name}_main.c\"" -I"$gendir" -I"$runtime" "$here/harness.c" -o "$work/double" -lm
"$work/double" gradcheck 1e-6 1e-5 | tail -1 | sed 's/^/portable, double: /' || status=1
exit $status
