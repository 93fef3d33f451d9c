#!/bin/sh
# slow.sh JOB... - the slow suites' jobs, side by side, the longest first.
#
#   codegen/CHECK      sh tests/codegen/check.sh NETC CHECK  -> BUILD/codegen/CHECK.log, .status
#   end_to_end/NAME    bash tests/e2e/NAME.sh                -> BUILD/e2e/NAME.log, .status
#
# Runs as many jobs at a time as there are processors (compiler runs, single-threaded
# trainings), the longest first by tests/slow.cost (each job's measured seconds; jobs
# it does not list go first, as if long), so that no processor idles at the end while
# one long job runs.  The data sets the end-to-end scripts fetch are fetched first,
# once.  Prints a line per finished job, with its wall and its processor (user +
# system) seconds.  The CUnit suites codegen and end_to_end (tests/unit/test_scripts.c)
# run their active cases through it, then report one case per job from its .status
# and .log.  Run from the repository root, with BUILD and NETC
# as the runner exports them (default build/ and BUILD/netc).  Exit 0.
#
# slow.sh --one JOB runs one job (what the others run side by side).
set -u
build=${BUILD:-build}
netc=${NETC:-$build/netc}
export BUILD="$build" NETC="$netc"
[ $# -gt 0 ] || { echo "usage: slow.sh JOB... (codegen/CHECK, end_to_end/NAME)" >&2; exit 2; }

# output JOB: where its .log and .status go, without the suffix
output() {
    case $1 in
    codegen/*) echo "$build/codegen/${1#codegen/}" ;;
    end_to_end/*) echo "$build/e2e/${1#end_to_end/}" ;;
    *) echo "slow.sh: no job $1 (codegen/CHECK, end_to_end/NAME)" >&2; exit 2 ;;
    esac
}

if [ "$1" = --one ]; then
    job=${2:?usage: slow.sh --one JOB}
    out=$(output "$job") || exit 2
    start=$(date +%s)
    case $job in
    codegen/*) sh tests/codegen/check.sh "$netc" "${job#codegen/}" >"$out.log" 2>&1 ;;
    end_to_end/*) bash "tests/e2e/${job#end_to_end/}.sh" >"$out.log" 2>&1 ;;
    esac
    status=$?
    echo $status >"$out.status"
    # the job's processor time: user + system seconds of this shell's children
    times >"$out.times"                 # in this shell: a subshell's children are not its
    cpu=$(awk 'NR == 2 { gsub(/[ms]/, " "); printf "%.0f", $1 * 60 + $2 + $3 * 60 + $4 }' "$out.times")
    rm -f "$out.times"
    echo "  $job: $([ $status = 0 ] && echo ok || echo FAILED), $(($(date +%s) - start)) s ($cpu CPU-s)"
    exit 0
fi

mkdir -p "$build/codegen" "$build/e2e"
for job in "$@"; do
    out=$(output "$job") || exit 2
    rm -f "$out.log" "$out.status"
done
datasets=$(for job in "$@"; do
               case $job in end_to_end/*) cat "tests/e2e/${job#end_to_end/}.sh" ;; esac
           done | sed -n 's/.*tools\/fetch-data\.sh \([a-z ]*\).*/\1/p' | tr ' ' '\n' | sort -u)
[ -z "$datasets" ] || tools/fetch-data.sh $datasets >/dev/null

printf '%s\n' "$@" |
    awk 'NR == FNR { if ($1 !~ /^#/ && NF == 2) cost[$2] = $1; next }
         { print ($0 in cost ? cost[$0] : 1e9), $0 }' tests/slow.cost - |
    sort -k1,1nr | cut -d' ' -f2 |
    xargs -P "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)" -I {} sh "$0" --one {}
exit 0
