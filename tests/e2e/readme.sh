#!/bin/bash
# README.md's "Using netc" block, run as a reader would: every command in the order
# written, from a fresh directory holding the repository's samples, tools and data, with
# the build under test as build/ (the `make` line is that build).  Training is cut to one
# epoch of 2,000 images.  A command that needs a file a later one makes (as `--emit infer
# --weights mnist.safetensors` once came before the `train` that writes it) fails here,
# and so do the figures the block promises (the parameter count, the saved weights).
source tests/e2e/common.bash
tools/deps.sh graphviz
tools/fetch-data.sh mnist
root=$PWD
build=$(cd "$(dirname "$netc")" && pwd)

# The block: from "## Using netc" to the end of its first ```sh fence, continuation lines
# joined.
commands=$(awk '/^## Using netc/ { on = 1 } on && /^```sh/ { inside = 1; next }
                inside && /^```/ { exit } inside' README.md | sed -e ':a' -e '/\\$/N; s/\\\n */ /; ta')
[ -n "$commands" ] || fail "no \`\`\`sh block under '## Using netc' in README.md"

cd "$work"
ln -s "$root/samples" samples
ln -s "$root/tools" tools
ln -s "$root/data" data
ln -s "$build" build
n=0
while IFS= read -r line; do
    cmd=${line%%  #*}               # the comment after the command
    cmd=${cmd%"${cmd##*[![:space:]]}"}
    [[ -z $cmd || $cmd == \#* ]] && continue
    [ "$cmd" = make ] && continue   # the build under test
    [[ $cmd == *" train "* ]] && cmd+=" --limit 2000 --epochs 1"
    n=$((n + 1))
    echo "\$ $cmd"
    bash -c "set -o pipefail; $cmd" > "out.$n" 2>&1 || { cat "out.$n"; fail "README command $n failed: $cmd"; }
    head -3 "out.$n"
done <<<"$commands"
at_least "$n" 14 "commands run from README's 'Using netc'"

grep -q '13,002' out.* || fail "--summary did not print the 13,002 parameters the README gives"
grep -qx 'saved mnist.safetensors' out.* || fail "train did not say 'saved mnist.safetensors'"
for f in out/mnist plain/mnist mnist.svg lib/mnist.h lib/mnist.c lib8/mnist.h mnist.safetensors; do
    [ -s "$f" ] || fail "README's commands did not make $f"
done
echo "ok: README's 'Using netc' runs in order ($n commands)"
