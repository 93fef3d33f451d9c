#!/bin/bash
# The man pages list exactly the options of the --help screens: netc(1) against
# `netc --help`, netc-trainer(1) against a generated trainer's --help (samples/xor.net).
# An option added to one and not the other fails here, named.
source tests/e2e/common.bash

# help_options: the options that start the lines of a help screen's option lists.
help_options() {
    grep -E '^  -' | sed -E 's/^  //; s/  .*//' | grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' |
        tr -d ' ,' | sort -u
}
# man_options PAGE: the options of the OPTIONS section's tagged paragraphs (.TP/.TQ tags).
man_options() {
    awk '/^\.SH /{ on = ($2 == "OPTIONS") } on && /^\.T[PQ]/{ getline; print }' "$1" |
        sed 's/\\-/-/g' | grep -oE '(^|[ "])--?[A-Za-z][A-Za-z0-9-]*' | tr -d ' "' | sort -u
}
# same WHAT A B: the two lists hold the same options
same() {
    local only_a only_b
    only_a=$(comm -23 "$2" "$3" | tr '\n' ' ')
    only_b=$(comm -13 "$2" "$3" | tr '\n' ' ')
    [ -z "$only_a$only_b" ] ||
        fail "$1: only in --help: ${only_a:-none}; only in the man page: ${only_b:-none}"
    echo "ok: $1: the same $(wc -l < "$2") options"
}

"$netc" --help | help_options > "$work/netc.help"
man_options man/netc.1 > "$work/netc.man"
same "netc(1)" "$work/netc.help" "$work/netc.man"

"$netc" build samples/xor.net -o "$work" > /dev/null
"$work/xor" --help | help_options > "$work/trainer.help"
man_options man/netc-trainer.1 > "$work/trainer.man"
same "netc-trainer(1)" "$work/trainer.help" "$work/trainer.man"

# Each page formats without a warning from man's formatter.
if command -v man > /dev/null; then
    for page in man/netc.1 man/netc-trainer.1 man/netc.5; do
        LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2> "$work/warn" > /dev/null
        ! grep -q . "$work/warn" || fail "$page: $(cat "$work/warn")"
    done
    echo "ok: the man pages format without warnings"
fi
