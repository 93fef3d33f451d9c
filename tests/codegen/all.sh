#!/bin/sh
# all.sh [-o DIR] NETC [CHECK...] - the code generator's checks, one per processor.
# all.sh --list                    - their names.
#
# A check is a network (samples/*.net and tests/codegen/nets/*.net, which between them
# cover each activation, loss and optimizer), expf or two_models: see check.sh, which
# runs one.  Runs the CHECKs named (default: all), as many at a time as there are
# processors (they are mostly compiler runs), and leaves each one's report in
# DIR/CHECK.log and its exit status in DIR/CHECK.status (DIR: a scratch directory
# unless -o is given; the CUnit suite `codegen` reads them, one case per check).
# Then prints the reports whole and in order, and PASS or FAIL.  Exit 0 = pass.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root="$here/../.."
usage="usage: all.sh [-o DIR] NETC [CHECK...] | all.sh --list"

if [ "${1:-}" = --list ]; then
    for net in "$root"/samples/*.net "$here"/nets/*.net; do
        basename "$net" .net
    done
    echo expf
    echo two_models
    exit 0
fi
results=""
if [ "${1:-}" = -o ]; then
    results=${2:?$usage}
    shift 2
fi
netc=${1:?$usage}
shift
[ $# -gt 0 ] || set -- $(sh "$0" --list)
if [ -z "$results" ]; then
    results=$(mktemp -d)
    trap 'rm -rf "$results"' EXIT
fi
mkdir -p "$results"
for check in "$@"; do
    rm -f "$results/$check.log" "$results/$check.status"
done

jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
printf '%s\n' "$@" | xargs -P "$jobs" -I {} sh -c \
    'sh "$1/check.sh" "$2" "$4" >"$3/$4.log" 2>&1; echo $? >"$3/$4.status"' \
    sh "$here" "$netc" "$results" {}

status=0
for check in "$@"; do
    cat "$results/$check.log"
    [ "$(cat "$results/$check.status" 2>/dev/null)" = 0 ] || status=1
done
echo "codegen checks: $([ $status = 0 ] && echo PASS || echo FAIL)"
exit $status
