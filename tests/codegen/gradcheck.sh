#!/bin/sh
# gradcheck.sh GENDIR - backprop of a generated model against central differences.
#
# Builds GENDIR/NAME.c + NAME_main.c with harness.c standing in for the runtime,
# twice: as one translation unit computed in double (dbl.h; tolerance 1e-6, norm-wise
# relative error per tensor), and as the real float code linked from separate
# objects.  The float run is printed for information only: float differences are
# rounding noise on wide layers and cross relu kinks on others; the float code's
# gradients are held to 1e-5 against PyTorch by torch_step.py instead.  Also checks
# that NAME_init is deterministic.  Needs: cc (or $CC).  Exit 0 = pass.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
runtime="$here/../../runtime"
gendir=$(cd "${1:?usage: gradcheck.sh GENDIR}" && pwd)
name=$(basename "$(ls "$gendir"/*_main.c)" _main.c)
cc=${CC:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

$cc -std=c99 -O2 -include "$here/dbl.h" -DMODEL_C="\"$name.c\"" -DMAIN_C="\"${name}_main.c\"" \
    -I"$gendir" -I"$runtime" "$here/harness.c" -o "$work/double" -lm
$cc -std=c99 -O2 -Wall -Wextra -Wpedantic -Werror -I"$gendir" -I"$runtime" -Dmain=generated_main \
    -c "$gendir/${name}_main.c" -o "$work/main.o"
$cc -std=c99 -O2 -Wall -Wextra -Wpedantic -Werror -I"$gendir" -I"$runtime" \
    "$here/harness.c" "$gendir/$name.c" "$work/main.o" -o "$work/float" -lm

status=0
echo "double:"; "$work/double" gradcheck 1e-6 1e-5 || status=1
echo "float (information only):"; "$work/float" gradcheck 3e-2 3e-3 | sed 's/: \(OK\|FAIL\)$/: (float, not judged)/' || true
"$work/float" init || status=1
exit $status
