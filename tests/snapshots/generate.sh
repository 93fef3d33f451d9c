#!/bin/sh
# generate.sh NETC CASE DIR - what NETC writes for tests/snapshots/CASE.cmd, into DIR.
#
# CASE.cmd is a netc command line as run from the repository root, writing to `out`
# (lines starting with # are comments).  It runs as written: in a scratch directory
# where samples/ and tests/ are the repository's and `netc` is NETC, so the provenance
# comments the generated files open with record the same command and paths wherever
# the tests run.  DIR is emptied and receives out/'s files.  The CUnit suite
# `snapshots` compares DIR with tests/snapshots/CASE/; `make golden` passes that as DIR.
# netc's output is printed only when it fails.  Exit 0 = written.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
usage="usage: generate.sh NETC CASE DIR"
netc=$(cd "$(dirname "${1:?$usage}")" && pwd)/$(basename "$1")
case=${2:?$usage}
dir=${3:?$usage}
[ -x "$netc" ] || { echo "generate.sh: $1 is not an executable netc" >&2; exit 2; }
[ -f "$root/tests/snapshots/$case.cmd" ] || { echo "generate.sh: no tests/snapshots/$case.cmd" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
ln -s "$netc" "$work/bin/netc"
ln -s "$root/samples" "$work/samples"
ln -s "$root/tests" "$work/tests"
if ! (cd "$work" && PATH="$work/bin:$PATH" sh -eu "$root/tests/snapshots/$case.cmd") >"$work/log" 2>&1; then
    cat "$work/log"
    exit 1
fi
mkdir -p "$dir"
rm -f "$dir"/*
cp "$work"/out/* "$dir"/
