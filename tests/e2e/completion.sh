#!/bin/bash
# Bash completion (completion/netc.bash) for netc and for a generated trainer: commands,
# options, option values, .net files, weights files; zsh's file parses.
source tests/e2e/common.bash
source completion/netc.bash
[[ $(complete -p netc) == "complete -F _netc netc" ]] || fail "complete -p netc: $(complete -p netc)"

# completes LINE: what completing the last word of LINE offers (one line, sorted)
completes() {
    local fn=$1
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    COMPREPLY=()
    "$fn" 2>/dev/null
    printf '%s\n' "${COMPREPLY[@]}" | sort -u | tr '\n' ' '
}
expect() {      # expect WANT FUNCTION WORDS...
    local want=$1 got
    shift
    got=$(completes "$@")
    [[ $got == "$want" ]] || fail "completing '${*:2}': got '$got', want '$want'"
    echo "ok: '${*:2}' -> $got"
}

mkdir -p "$work/d/sub"
touch "$work/d/a.net" "$work/d/b.onnx" "$work/d/w.safetensors" "$work/d/notes.txt"
cd "$work/d"
expect "a.net b.onnx build import sub " _netc netc ""
expect "--check " _netc netc --ch
expect "--plain --print-runtime-dir " _netc netc --p
expect "infer " _netc netc --emit in
expect "sub " _netc netc -o s
expect "sub w.safetensors " _netc netc --emit infer --weights ""
expect "a.net sub " _netc netc build --mpi ""
expect "b.onnx sub " _netc netc import ""
cd - > /dev/null

# A trainer: its commands and options come from its own --help.
"$netc" build samples/xor.net -o "$work" > /dev/null
complete -F _netc_trainer "$work/xor"
expect "eval " _netc_trainer "$work/xor" e
expect "--test-csv --test-images --test-labels " _netc_trainer "$work/xor" train --te
expect "--threads " _netc_trainer "$work/xor" train --th
cd "$work/d"
expect "sub w.safetensors " _netc_trainer "$work/xor" eval --weights ""
cd - > /dev/null

if command -v zsh > /dev/null; then
    zsh -n completion/_netc || fail "completion/_netc does not parse"
fi
