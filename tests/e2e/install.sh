#!/bin/bash
# make install into a DESTDIR staging root and into a real prefix (a temporary directory),
# then the installed netc, copied away from both the checkout and its build tree and run
# from an unrelated directory: check, build (and build --mpi), train samples/xor.net for
# an epoch, export it, compile the trainer's sources and a program using the export with
# the flags from pkg-config; man pages readable; make uninstall leaves nothing behind.
source tests/e2e/common.bash
build=${BUILD:-build}
root=$PWD
run_make() { make --no-print-directory -s -C "$root" BUILD="$build" "$@"; }
files() { (cd "$1" && find . -type f -o -type l | sort); }

# DESTDIR: every file under the prefix, nothing outside it; uninstall removes them all.
stage=$work/stage
run_make install DESTDIR="$stage" PREFIX=/opt/netc > "$work/install.log"
outside=$(cd "$stage" && find . -type f | grep -v '^\./opt/netc/' || true)
[ -z "$outside" ] || fail "DESTDIR install wrote outside PREFIX: $outside"
for f in bin/netc lib/libnetcrt.a lib/pkgconfig/netc.pc include/netc/netc_runtime.h \
         include/netc/io/error.h share/netc/mpi/netc_mpi.c share/man/man1/netc.1 \
         share/man/man1/netc-trainer.1 share/man/man5/netc.5; do
    [ -e "$stage/opt/netc/$f" ] || fail "DESTDIR install: no $f"
done
echo "ok: DESTDIR install: $(files "$stage" | wc -l) files under /opt/netc"
run_make uninstall DESTDIR="$stage" PREFIX=/opt/netc
left=$(files "$stage")
[ -z "$left" ] || fail "uninstall left: $left"
echo "ok: DESTDIR uninstall left no file"

# A real prefix, then a copy of it elsewhere: the copy must not reach the checkout.
prefix=$work/prefix
run_make install PREFIX="$prefix" > "$work/install.log"
cp -a "$prefix" "$work/moved"
inst=$work/moved/bin/netc
objcopy --strip-debug "$inst" "$work/netc.stripped"
! strings "$work/netc.stripped" | grep -qF "$root" || fail "the installed netc names the checkout ($root)"
! strings "$work/netc.stripped" | grep -qF "$prefix" || fail "the installed netc names its prefix"
"$inst" --version > "$work/version"
grep -qx "runtime library: $work/moved/lib/libnetcrt.a" "$work/version" ||
    fail "--version of the moved copy: $(cat "$work/version")"
[ "$("$inst" --print-runtime-dir)" = "$work/moved/include/netc" ] || fail "--print-runtime-dir"
echo "ok: the moved copy uses its own runtime: $("$inst" --print-runtime-dir)"

# From an unrelated directory, with the checkout's files out of the way.
away=$work/away
mkdir -p "$away/samples"
cp samples/xor.net samples/xor.csv "$away/samples/"
(
    cd "$away"
    unset NETC_RUNTIME_DIR NETC_RUNTIME_LIB
    "$inst" --check samples/xor.net
    "$inst" build samples/xor.net -o out > /dev/null
    out/xor train --epochs 1 --save xor.safetensors > train.log
    "$inst" --emit infer --weights xor.safetensors samples/xor.net -o lib
    if command -v mpicc > /dev/null; then
        "$inst" build --mpi samples/xor.net -o mpi > /dev/null
        [ -x mpi/xor ] || fail "build --mpi: no trainer"
    fi
    # The trainer's sources, compiled with pkg-config's flags only (the library is static:
    # --static brings libpng, libm and threads).
    export PKG_CONFIG_PATH=$work/moved/lib/pkgconfig
    pc_flags() { pkg-config --define-variable=prefix="$work/moved" "$@" netc; }
    cc -std=c99 -O2 $(pc_flags --cflags) out/xor.c out/xor_main.c -o xor-pc $(pc_flags --static --libs)
    ./xor-pc eval --weights xor.safetensors > eval.log
    cat > use.c <<'C'
#include <stdio.h>
#include "xor.h"
int main(void)
{
    const float x[2] = { 1, 0 };
    float y[1];
    xor_predict(x, y);
    printf("%.3f\n", y[0]);
    return 0;
}
C
    cc -std=c99 -O2 -Ilib use.c lib/xor.c -o use -lm
    ./use > use.log
) || fail "the installed netc, from $away"
echo "ok: check, build, build --mpi, train 1 epoch, export, pkg-config build, export used: $(cat "$away/use.log")"
grep -q -- '-I.*/include/netc' <(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags netc) ||
    fail "pkg-config --cflags netc"
grep -q -- '-lpng' <(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --static --libs netc) ||
    fail "pkg-config --static --libs netc: no -lpng"

# The man pages, through man's own formatter.
if command -v man > /dev/null; then
    for page in man1/netc.1 man1/netc-trainer.1 man5/netc.5; do
        MANWIDTH=80 man -l "$prefix/share/man/$page" 2> "$work/man.err" | grep -q . || fail "man -l $page"
        ! grep -q . "$work/man.err" || fail "man -l $page: $(cat "$work/man.err")"
    done
    MANPATH=$prefix/share/man man -w netc > /dev/null || fail "man netc: not found in MANPATH"
    echo "ok: man -l netc.1 netc-trainer.1 netc.5; man -w netc"
fi

# uninstall: the prefix holds no file again.
run_make uninstall PREFIX="$prefix"
left=$(files "$prefix")
[ -z "$left" ] || fail "uninstall left: $left"
echo "ok: make uninstall left no file under $prefix"
