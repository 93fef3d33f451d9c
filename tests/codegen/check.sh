#!/bin/sh
# check.sh NETC CHECK - one of the code generator's checks, by name (all.sh --list):
#
#   NAME        the network samples/NAME.net or tests/codegen/nets/NAME.net: NETC writes
#               its trainer, then warnings.sh, gradcheck.sh, portable.sh, vectorize.sh
#               and torch_step.py (skipped, with a note, when python3 has no torch);
#               the harness builds they share (harness.sh) are compiled once
#   expf        expf.sh on samples/mnist.net's code, every 61st float
#               (`expf.sh DIR 1` tests all of them)
#   two_models  two_models.sh: fashion's and mnist's models linked into one program
#
# Prints a few lines per check, and a check's whole output when it fails, ending with
# a FAIL line that names it.  all.sh runs several, one per processor.
# Needs: cc, gcc (clang optional), python3 with torch and numpy.  Exit 0 = pass.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
netc=$(cd "$(dirname "${1:?usage: check.sh NETC CHECK}")" && pwd)/$(basename "$1")
name=${2:?usage: check.sh NETC CHECK}
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$work/log" failed=0

# run SUMMARY WHAT COMMAND...: COMMAND's output into $log; all of it when COMMAND
# fails (then a FAIL line naming WHAT), else only what the filter SUMMARY keeps.
run() {
    summary=$1 what=$2
    shift 2
    if "$@" >"$log" 2>&1; then
        $summary "$log"
    else
        cat "$log"
        echo "FAIL: $name: $what"
        failed=1
    fi
}
gradients() { grep -E '^[a-z_0-9]+: ' "$1"; }

# generate NET: NETC's trainer files for NET (a path from the root) in $work/NAME.
generate() {
    run true "netc $1" sh -c 'cd "$1" && "$2" -o "$3" "$4"' sh "$root" "$netc" "$work/$(basename "$1" .net)" "$1"
}

echo "== $name"
case $name in
expf)
    generate samples/mnist.net
    [ $failed = 0 ] && run cat expf.sh sh "$here/expf.sh" "$work/mnist" 61 ;;
two_models)
    generate samples/fashion.net
    generate samples/mnist.net
    [ $failed = 0 ] && run "tail -1" two_models.sh sh "$here/two_models.sh" "$work/fashion" "$work/mnist" ;;
*)
    net=samples/$name.net
    [ -f "$root/$net" ] || net=tests/codegen/nets/$name.net
    [ -f "$root/$net" ] || { echo "check.sh: no check named $name (all.sh --list)"; exit 2; }
    generate "$net"
    [ $failed = 0 ] || exit 1
    out="$work/$name"
    export HARNESS_DIR="$work/harness"     # harness.sh: each harness build compiled once
    run cat warnings.sh sh "$here/warnings.sh" "$out"
    run gradients gradcheck.sh sh "$here/gradcheck.sh" "$out"
    run "head -1" portable.sh sh "$here/portable.sh" "$out"
    run "tail -1" vectorize.sh sh "$here/vectorize.sh" "$out"
    if ! "$python" -c 'import torch, numpy' 2>/dev/null; then
        [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null && python=/usr/bin/python3
    fi
    if "$python" -c 'import torch, numpy' 2>/dev/null; then
        run "tail -1" torch_step.py "$python" "$here/torch_step.py" "$out" 3 0.05
    else
        echo "(no torch for $python: torch_step.py skipped)"
    fi ;;
esac
exit $failed
