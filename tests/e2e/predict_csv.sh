#!/bin/bash
# predict on the CSV a user has (issue 21 item 4), with samples/xor.net (2 inputs; its data
# block: header true, label_column last):
#  - the training file as it is (header, label column): the label column is left out,
#    with a note saying which;
#  - a file without the header row the data block promises: an error (predicting from
#    line 2 would shift every answer against its input), and --no-header reads it all;
#    --header forces a first line of numbers to be a header;
#  - rows of the wrong width: an error saying what is expected;
#  - --csv: "id,class" rows, the 0-based sample index first; --raw --csv: "id,output";
#  - eval, report and predict default --weights to NAME.safetensors, as train saves it.
source tests/e2e/common.bash
"$netc" build samples/xor.net -o "$work" > /dev/null
xor=$work/xor
mkdir "$work/samples" && cp samples/xor.csv "$work/samples/"
cd "$work"
"$xor" train --quiet
[ -s xor.safetensors ] || fail "train saved no xor.safetensors"

# expect_error STATUS TEXT COMMAND...: exits STATUS and says TEXT on stderr, prints nothing.
expect_error() {
    local want=$1 text=$2 status; shift 2
    set +e; "$@" > out 2> err; status=$?; set -e
    [ "$status" = "$want" ] || { cat err; fail "$*: exit $status, expected $want"; }
    grep -qF -- "$text" err || { cat err; fail "$*: no '$text' in the message"; }
    [ ! -s out ] || fail "$*: printed $(head -1 out)"
    echo "ok: $(head -1 err)"
}
answers() { tr '\n' ' ' < out; }

"$xor" predict samples/xor.csv > out 2> err
[ "$(answers)" = "0 1 1 0 " ] || fail "the training file: $(answers)"
grep -qx "xor: note: samples/xor.csv has 3 columns, one more than the network's 2 inputs: the last column (label_column) is taken as the label and left out" err \
    || fail "no note on the label column: $(cat err)"
echo "ok: the training file as it is: its label column left out, with a note"

printf '0,0\n0,1\n1,0\n1,1\n' > features.csv
expect_error 1 "features.csv: line 1 is a row of numbers, not a header, but network 'xor' reads its CSV files with a header row" \
    "$xor" predict features.csv
grep -qF -- "--no-header" err || fail "no --no-header in the hint"
"$xor" predict --no-header features.csv > out
[ "$(answers)" = "0 1 1 0 " ] || fail "--no-header: $(answers)"
printf '0,0,0\n0,1,1\n1,0,1\n1,1,0\n' > labelled.csv
"$xor" predict --no-header labelled.csv > out 2> err
[ "$(answers)" = "0 1 1 0 " ] && grep -q "note: labelled.csv has 3 columns" err || fail "--no-header with labels: $(answers)"
"$xor" predict --header features.csv > out
[ "$(answers)" = "1 1 0 " ] || fail "--header on numbers: $(answers)"
echo "ok: a file without the promised header is refused; --no-header and --header decide"

printf 'a,b\n0,0\n' > named.csv
"$xor" predict named.csv > out && [ "$(answers)" = "0 " ] || fail "a header of names"
expect_error 1 "if the first line is a header, pass --header" "$xor" predict --no-header named.csv
printf '0,0,0,0\n1,1,1,1\n' > wide.csv
expect_error 1 "wide.csv: rows have 4 fields; network 'xor' takes 2 features (3 with a label column, which predict leaves out)" \
    "$xor" predict --no-header wide.csv

"$xor" predict --csv samples/xor.csv > out 2> /dev/null
[ "$(answers)" = "id,class 0,0 1,1 2,1 3,0 " ] || fail "--csv: $(answers)"
"$xor" predict --csv --raw samples/xor.csv > out 2> /dev/null
[ "$(head -1 out)" = "id,output" ] && [ "$(wc -l < out)" = 5 ] && grep -q '^3,0\.[0-9]*$' out \
    || fail "--csv --raw: $(answers)"
echo "ok: --csv writes id,class rows; with --raw id,output"

"$xor" eval > out && grep -q '^test accuracy 100.00% (4 samples)' out || fail "eval without --weights: $(cat out)"
"$xor" report -o rep > /dev/null && [ -s rep/index.html ] || fail "report without --weights"
mv xor.safetensors elsewhere.safetensors
expect_error 2 "no --weights given and no xor.safetensors here" "$xor" eval
"$xor" eval --weights elsewhere.safetensors > /dev/null || fail "eval --weights"
echo "ok: eval and report default --weights to xor.safetensors"
