#!/bin/bash
# The Debian package (debian/): built with dpkg-buildpackage from a copy of the tree (the
# checkout stays clean), its contents listed, lintian run on it (an error fails), then
# unpacked into a throwaway root with dpkg -x (nothing installed system-wide) and the
# unpacked netc run from an unrelated directory: --version, build samples/xor.net from
# the package's examples, train it for an epoch.
source tests/e2e/common.bash
for tool in dpkg-buildpackage dh lintian; do
    command -v "$tool" > /dev/null || fail "$tool is missing (apt-get install dpkg-dev debhelper lintian)"
done
version=$(dpkg-parsechangelog -S Version)
arch=$(dpkg-architecture -q DEB_HOST_ARCH)
multiarch=$(dpkg-architecture -q DEB_HOST_MULTIARCH)

# The working tree's files that git knows or would (not build trees, data, untracked junk).
src=$work/netc-$version
mkdir "$src"
git ls-files -z -co --exclude-standard | tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -x -C "$src"
# The quick tests run in make test already: not again in the package build.
(cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" dpkg-buildpackage -us -uc -b -Pnocheck) \
    > "$work/build.log" 2>&1 || { tail -30 "$work/build.log"; fail "dpkg-buildpackage"; }
deb=$work/netc_${version}_$arch.deb
[ -f "$deb" ] || fail "no $deb"
echo "ok: dpkg-buildpackage: $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB"

dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' > "$work/contents"
for f in /usr/bin/netc /usr/lib/$multiarch/libnetcrt.a /usr/lib/$multiarch/pkgconfig/netc.pc \
         /usr/include/netc/netc_runtime.h /usr/include/netc/io/error.h \
         /usr/share/netc/mpi/netc_mpi.c /usr/share/man/man1/netc.1.gz \
         /usr/share/man/man1/netc-trainer.1.gz /usr/share/man/man5/netc.5.gz \
         /usr/share/bash-completion/completions/netc /usr/share/zsh/vendor-completions/_netc \
         /usr/share/vim/vimfiles/syntax/netc.vim /usr/share/vim/vimfiles/ftdetect/netc.vim \
         /usr/share/emacs/site-lisp/netc-mode.el /usr/share/netc/editors/netc.tmLanguage.json \
         /usr/share/doc/netc/copyright /usr/share/doc/netc/examples/xor.net \
         /usr/share/doc/netc/examples/xor.csv; do
    grep -qx -- "$f" "$work/contents" || fail "the package has no $f"
done
grep -q '^/usr/share/doc/netc/README.md' "$work/contents" || fail "the package has no README"
outside=$(grep -v '/$' "$work/contents" | grep -v '^/usr/' || true)
[ -z "$outside" ] || fail "files outside /usr: $outside"
echo "ok: dpkg-deb -c: $(grep -vc '/$' "$work/contents") files where Debian puts them"

# lintian: every tag is printed; an error fails (debian/copyright's licence placeholder is
# a warning until the authors choose a licence).
lintian --fail-on error --info "$work/netc_${version}_${arch}.changes" > "$work/lintian.log" 2>&1 ||
    { cat "$work/lintian.log"; fail "lintian"; }
grep -v 'root privileges' "$work/lintian.log" || true
echo "ok: lintian: no errors ($(grep -c '^[WIPX]:' "$work/lintian.log" || true) other tags)"

# Unpacked, not installed: the netc in the throwaway root must use that root's runtime.
root=$work/root
dpkg -x "$deb" "$root"
inst=$root/usr/bin/netc
away=$work/away
mkdir -p "$away/samples"
cp "$root/usr/share/doc/netc/examples/xor.net" "$root/usr/share/doc/netc/examples/xor.csv" "$away/samples/"
(
    cd "$away"
    unset NETC_RUNTIME_DIR NETC_RUNTIME_LIB
    "$inst" --version > version.txt
    grep -qx "runtime library: $root/usr/lib/$multiarch/libnetcrt.a" version.txt ||
        fail "--version: $(cat version.txt)"
    [ "$("$inst" --print-runtime-dir)" = "$root/usr/include/netc" ] || fail "--print-runtime-dir"
    "$inst" build samples/xor.net -o out > /dev/null
    out/xor train --epochs 1 > train.log
    grep -q 'epoch' train.log || fail "the trainer printed no epoch: $(cat train.log)"
) || fail "the unpacked netc, from $away"
echo "ok: the unpacked netc: $(head -1 "$away/version.txt"); built and trained samples/xor.net for an epoch"
