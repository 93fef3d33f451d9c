#!/bin/sh
# vectorize.sh GENDIR - the hot loops of a generated model vectorise.
#
# Compiles NAME.c with gcc -O3 -fopt-info-vec-optimized and lists, per function, the
# source lines gcc reports vectorised; when gcc's check fails or VECTORIZE_DEBUG is set,
# clang's report too (-O3 -Rpass='loop-vectorize|slp-vectorizer', if clang is installed:
# for comparison, not judged).  Fails unless gcc vectorises something in the
# optimizer step and in the forward and backward function of every dense layer whose
# width OUT is a multiple of 8, the kernels' vector width, and in the matrix products of
# every conv layer with a multiple of 8 filters (the last OUT % 8 outputs
# of a layer, all of a narrower one, are plain scalar loops: a few % of the work).
# The layers' matrix products are written with explicit vectors (GNU vector
# extensions), which gcc does not report: a function also passes when its gcc -O3
# object code holds packed-float arithmetic (mulps, addps, vfmadd...ps; x86 only).
# -fno-math-errno is passed because Adam's sqrtf is otherwise a call that may set
# errno, which blocks vectorising its update loop (the results are unchanged: the
# argument is never negative).  Needs gcc (clang optional).  Exit 0 = pass.
set -eu
gendir=${1:?usage: vectorize.sh GENDIR}
name=$(basename "$(ls "$gendir"/*_main.c)" _main.c)
src="$gendir/$name.c"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gcc -std=c99 -O3 -fno-math-errno -fopt-info-vec-optimized -c "$src" -o "$work/model.o" 2>"$work/gcc" || exit 1
# "function" for every function whose code has packed-float arithmetic
objdump -d --no-show-raw-insn "$work/model.o" 2>/dev/null |
    awk '/^[0-9a-f]+ <.*>:$/ { f = $2; gsub(/[<>:]/, "", f) } /(mul|add|sub|fmadd[0-9]*)ps/ { print f }' |
    sort -u >"$work/packed"
# Function start lines, then the vectorised lines attributed to functions.
awk '/^(static )?[a-z].*\(/ && !/;$/ { match($0, /[A-Za-z_0-9]+\(/); print NR, substr($0, RSTART, RLENGTH - 1) }' "$src" >"$work/functions"
report() {  # report COMPILER FILE: "function: lines"
    grep -i "vectorized" "$2" | sed -n "s#^.*$name\.c:\([0-9]*\):.*#\1#p" | sort -nu >"$work/lines.$1"
    awk -v c="$1" 'NR == FNR { start[++n] = $1; fn[n] = $2; next }
        { f = ""; for (i = 1; i <= n; i++) if (start[i] <= $1) f = fn[i]; hit[f] = hit[f] " " $1 }
        END { for (f in hit) printf "  %-6s %-26s lines%s\n", c, f, hit[f] }' "$work/functions" "$work/lines.$1" | sort -k2
}
report gcc "$work/gcc" >"$work/gcc.report"
cat "$work/gcc.report"

status=0
# The functions that hold each layer's arithmetic: a dense layer's forward and backward;
# a conv layer's matrix products (layerN_product, layerN_product_back), its width being
# its filters OUT_C; none for pooling (gathers and scatters over windows) and dropout (a
# mask per element).  Kinds are read from NAME.h's "Layer N, ..." comments.
wide=$(awk '/^\/\* Layer [0-9]+, / { n = $3 + 0; kind[n] = "dense"
                                    if ($0 ~ /filters of/) kind[n] = "conv"
                                    if ($0 ~ /windows, stride/ || $0 ~ /, dropout /) kind[n] = "none" }
            match($0, /_L[0-9]+_OUT = [0-9]+/) { split(substr($0, RSTART + 2, RLENGTH - 2), f, "_OUT = "); out[f[1] + 0] = f[2] }
            match($0, /_L[0-9]+_OUT_C = [0-9]+/) { split(substr($0, RSTART + 2, RLENGTH - 2), f, "_OUT_C = "); units[f[1] + 0] = f[2] }
            END { for (n in kind) {
                      if (kind[n] == "dense" && out[n] % 8 == 0) printf "layer%d_forward|layer%d_backward|", n, n
                      if (kind[n] == "conv" && units[n] % 8 == 0) printf "layer%d_product|layer%d_product_back|", n, n } }' \
       "$gendir/$name.h")
[ -z "${VECTORIZE_DEBUG:-}" ] || echo "checked: $wide"
for fn in $(awk '{ print $2 }' "$work/functions" | grep -E "^(${wide}sgd_step|adam_step)\$"); do
    grep -q " $fn " "$work/gcc.report" || grep -qx "$fn" "$work/packed" ||
        { echo "FAIL: gcc vectorised nothing in $fn"; status=1; }
done
# clang's report, for comparison, when gcc's fails (or VECTORIZE_DEBUG is set): it is
# not judged, and check.sh shows a passing run's last line only.
if [ $status != 0 ] || [ -n "${VECTORIZE_DEBUG:-}" ] && command -v clang >/dev/null 2>&1; then
    clang -std=c99 -O3 -fno-math-errno -Rpass='loop-vectorize|slp-vectorizer' -c "$src" -o /dev/null 2>"$work/clang"
    report clang "$work/clang"
fi
echo "$name: hot loops $([ $status = 0 ] && echo vectorised: OK || echo FAIL)"
exit $status
