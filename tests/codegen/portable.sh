#!/bin/sh
# portable.sh GENDIR - the plain-C path (NETC_PORTABLE) computes what the vector path does.
#
# The kernels' vectors run across independent outputs only, so both paths add the
# same numbers in the same order.  Builds the model with harness.c twice, with GNU
# vectors and with -DNETC_PORTABLE ($CC [cc] -O2, without fused multiply-adds: a
# compiler may fuse different a + b·c in the two paths; harness.sh),
# runs 3 optimizer steps on one batch (harness `dump`) and requires the losses,
# gradients and parameters to be bit-identical.  Also gradchecks the portable path
# in double.  Exit 0 = pass.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
gendir=$(cd "${1:?usage: portable.sh GENDIR}" && pwd)
name=$(basename "$(ls "$gendir"/*_main.c)" _main.c)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
builds=${HARNESS_DIR:-$work}         # check.sh shares one with gradcheck.sh and torch_step.py
for kind in float portable; do         # float: the vector path
    exe=$(sh "$here/harness.sh" "$gendir" $kind "$builds")
    mkdir "$work/$kind.out"
    "$exe" dump "$work/$kind.out" 3 0.05
done
status=0
for f in "$work"/float.out/*.f32; do
    cmp -s "$f" "$work/portable.out/$(basename "$f")" || { echo "FAIL: $(basename "$f") differs"; status=1; }
done
echo "$name: portable path bit-identical to the vector path: $([ $status = 0 ] && echo OK || echo FAIL)"
double=$(sh "$here/harness.sh" "$gendir" double_portable "$builds")
"$double" gradcheck 1e-6 1e-5 | tail -1 | sed 's/^/portable, double: /' || status=1
exit $status
