#!/bin/sh
# all.sh NETC - every code generator check, on every sample and test network.
#
# Runs NETC on samples/*.net and tests/codegen/nets/*.net (which between them cover
# each activation, loss and optimizer), then on each generated directory, as many at a
# time as there are processors: warnings.sh, gradcheck.sh, portable.sh, vectorize.sh
# and torch_step.py (skipped, with a note, when python3 has no torch); two_models.sh
# on the first two, and expf.sh (every 61st float; `expf.sh DIR 1` tests all of them)
# on the first.
# Needs: cc, gcc (clang optional), python3 with torch and numpy.  Exit 0 = pass.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root="$here/../.."
netc=$(cd "$(dirname "${1:?usage: all.sh NETC}")" && pwd)/$(basename "$1")
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0 dirs=""
note() { echo "== $*"; }

if ! "$python" -c 'import torch, numpy' 2>/dev/null; then
    [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch, numpy' 2>/dev/null && python=/usr/bin/python3
fi
# check NAME DIR: every check on one generated directory; prints what it found, and
# leaves DIR.failed behind when something failed.
check() {
    name=$1 out=$2 failed=0
    note "$name"
    sh "$here/warnings.sh" "$out" || failed=1
    sh "$here/gradcheck.sh" "$out" >"$out.log" || { cat "$out.log"; failed=1; }
    grep -E '^[a-z_0-9]+: ' "$out.log"
    sh "$here/portable.sh" "$out" >"$out.log" || { cat "$out.log"; failed=1; }
    head -1 "$out.log"
    sh "$here/vectorize.sh" "$out" >"$out.log" || { cat "$out.log"; failed=1; }
    tail -1 "$out.log"
    if "$python" -c 'import torch, numpy' 2>/dev/null; then
        "$python" "$here/torch_step.py" "$out" 3 0.05 >"$out.log" || { cat "$out.log"; failed=1; }
        tail -1 "$out.log"
    else
        echo "(no torch for $python: torch_step.py skipped)"
    fi
    [ $failed = 0 ] || touch "$out.failed"
}

# The networks are independent: one at a time per processor (the checks are mostly
# compiler runs), each one's report printed whole and in order afterwards.
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
running=0
for net in "$root"/samples/*.net "$here"/nets/*.net; do
    name=$(basename "$net" .net)
    out="$work/$name"
    mkdir -p "$out"
    (cd "$root" && "$netc" -o "$out" "$net") 2>"$out.err" || { note "$name: netc failed"; cat "$out.err"; status=1; continue; }
    dirs="$dirs $out"
    check "$name" "$out" >"$out.report" 2>&1 &
    running=$((running + 1))
    [ $running -lt "$jobs" ] || { wait; running=0; }
done
wait
for out in $dirs; do
    cat "$out.report"
    [ ! -e "$out.failed" ] || status=1
done
set -- $dirs
if [ $# -ge 1 ]; then
    sh "$here/expf.sh" "$1" 61 || status=1
fi
if [ $# -ge 2 ]; then
    sh "$here/two_models.sh" "$1" "$2" >"$work/two.log" || status=1
    tail -1 "$work/two.log"
fi
echo "codegen checks: $([ $status = 0 ] && echo PASS || echo FAIL)"
exit $status
