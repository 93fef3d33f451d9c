#!/bin/sh
# warnings.sh GENDIR - the generated C compiles without a single warning.
#
# NAME.c and NAME_main.c under -std=c99 -Wall -Wextra -Wpedantic -Werror, with gcc
# and clang (whichever are installed; at least one), at -O2 and -O3, and NAME.c once
# more with -DNETC_PORTABLE (the plain-C kernels) at -O3.  Exit 0 = pass.
#
# gcc compiles each of them: some of its warnings (-Wmaybe-uninitialized,
# -Warray-bounds, -Wstringop-overflow, ...) come from its optimizers and differ between
# -O2 and -O3.  clang's -Wall -Wextra -Wpedantic warnings come from its front end
# (Sema), the same with -fsyntax-only as from a compile at the same -O (which still
# defines __OPTIMIZE__ for the headers): an unused variable, a sign comparison, a
# constant index past an array, a sometimes-uninitialized variable were reported alike
# by both at -O2, -O3 and -O3 -DNETC_PORTABLE.  Only the few diagnostics of its back
# end (-Wpass-failed: a `#pragma clang loop` it could not honour; the `warning`
# attribute) need code generation, so clang compiles NAME.c and NAME_main.c at -O3,
# and checks -O2 and the portable -O3 with -fsyntax-only (a third of the time).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
gendir=${1:?usage: warnings.sh GENDIR}
name=$(basename "$(ls "$gendir"/*_main.c)" _main.c)
status=0 compilers=0

# compile CC OPT... FILE: CC's warnings on GENDIR/FILE (OPT may say -fsyntax-only)
compile() {
    cc=$1 file=$3
    case $2 in *-fsyntax-only*) output="" ;; *) output="-c -o /dev/null" ;; esac
    # shellcheck disable=SC2086 # $2 and $output are lists of flags
    if ! $cc -std=c99 -Wall -Wextra -Wpedantic -Werror $2 -I"$gendir" -I"$here/../../runtime" \
            $output "$gendir/$file"; then
        echo "FAIL: $cc $2 $file"; status=1
    fi
}

for cc in gcc clang; do
    command -v $cc >/dev/null 2>&1 || continue
    compilers=$((compilers + 1))
    syntax=""
    [ $cc = clang ] && syntax=-fsyntax-only
    for file in "$name.c" "${name}_main.c"; do
        compile $cc "-O2 $syntax" "$file"
        compile $cc -O3 "$file"
    done
    compile $cc "-O3 -DNETC_PORTABLE $syntax" "$name.c"
    echo "$name: $cc -O2/-O3 -Wall -Wextra -Wpedantic -Werror: $([ $status = 0 ] && echo OK || echo FAIL)"
done
[ $compilers -gt 0 ] || { echo "warnings.sh: neither gcc nor clang found"; exit 1; }
exit $status
