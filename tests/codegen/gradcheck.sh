#!/bin/sh
# gradcheck.sh GENDIR - backprop of a generated model against central differences.
#
# Builds GENDIR/NAME.c + NAME_main.c with harness.c standing in for the runtime,
# twice: as one translation unit computed in double (dbl.h; tolerance 1e-6, norm-wise
# relative error per tensor), and as the real float code linked from separate
# objects, which checks that NAME_init is deterministic.  When the double check fails,
# the float code's gradient check follows, for information only (float differences are
# rounding noise on wide layers and cross relu kinks on others; the float code's
# gradients are held to 1e-5 against PyTorch by torch_step.py instead): it judges
# nothing, and on a conv network it cost half as much as the double check.
# Needs: cc (or $CC).  Exit 0 = pass.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
gendir=$(cd "${1:?usage: gradcheck.sh GENDIR}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

builds=${HARNESS_DIR:-$work}         # check.sh shares one with portable.sh and torch_step.py
double=$(sh "$here/harness.sh" "$gendir" double "$builds")
float=$(sh "$here/harness.sh" "$gendir" float "$builds")

status=0
echo "double:"; "$double" gradcheck 1e-6 1e-5 || status=1
if [ $status != 0 ]; then
    echo "float (information only):"
    "$float" gradcheck 3e-2 3e-3 | sed 's/: \(OK\|FAIL\)$/: (float, not judged)/' || true
fi
"$float" init || status=1
exit $status
