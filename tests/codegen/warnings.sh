#!/bin/sh
# warnings.sh GENDIR - the generated C compiles without a single warning.
#
# NAME.c and NAME_main.c under -std=c99 -Wall -Wextra -Wpedantic -Werror, with gcc
# and clang (whichever are installed; at least one), at -O2 and -O3, and NAME.c once
# more with -DNETC_PORTABLE (the plain-C kernels) at -O3.  Exit 0 = pass.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
gendir=${1:?usage: warnings.sh GENDIR}
name=$(basename "$(ls "$gendir"/*_main.c)" _main.c)
status=0 compilers=0
for cc in gcc clang; do
    command -v $cc >/dev/null 2>&1 || continue
    compilers=$((compilers + 1))
    for opt in -O2 -O3; do
        for file in "$name.c" "${name}_main.c"; do
            if ! $cc -std=c99 -Wall -Wextra -Wpedantic -Werror $opt -I"$gendir" -I"$here/../../runtime" \
                    -c "$gendir/$file" -o /dev/null; then
                echo "FAIL: $cc $opt $file"; status=1
            fi
        done
    done
    if ! $cc -std=c99 -Wall -Wextra -Wpedantic -Werror -O3 -DNETC_PORTABLE -I"$gendir" \
            -c "$gendir/$name.c" -o /dev/null; then
        echo "FAIL: $cc -O3 -DNETC_PORTABLE $name.c"; status=1
    fi
    echo "$name: $cc -O2/-O3 -Wall -Wextra -Wpedantic -Werror: $([ $status = 0 ] && echo OK || echo FAIL)"
done
[ $compilers -gt 0 ] || { echo "warnings.sh: neither gcc nor clang found"; exit 1; }
exit $status
