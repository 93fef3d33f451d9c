#!/bin/sh
# embed.sh FILE - FILE's text as C string literals, one per line, for an array:
#
#     static const char *const text[] = {
#     #include "kernels/matmul.inc"       <- make: sh tools/embed.sh compiler/kernels/matmul.h
#     };
#
# The "//" lines that open FILE (its note for readers of the source tree) are left out;
# every other line is kept byte for byte: backslashes and double quotes escaped, every
# "?" written "\?" (so that no "??x" becomes a trigraph), an empty line as "".  A
# carriage return is refused rather than carried into the text.  Exit 0 = written.
set -eu
file=${1:?usage: embed.sh FILE}
[ -r "$file" ] || { echo "embed.sh: cannot read $file" >&2; exit 1; }
if grep -q "$(printf '\r')" "$file"; then
    echo "embed.sh: $file has a carriage return (CRLF line ends?)" >&2
    exit 1
fi
echo "/* $file, made by tools/embed.sh: do not edit */"
LC_ALL=C awk 'text || !/^\/\// { text = 1; print }' "$file" |
    LC_ALL=C sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' -e 's/^/"/' -e 's/$/",/'
