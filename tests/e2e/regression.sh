#!/bin/bash
# Regression networks (issue 21 item 1): `targets value` with the mse loss.
#  - samples/sine_*.csv are what tools/sine-data.py writes, byte for byte;
#  - samples/sine.net trains on real, negative targets; its epoch lines give the test MAE,
#    RMSE and R² (not an accuracy), its log has the fit columns;
#  - eval's MAE, RMSE and R² are numpy's and scikit-learn's on predict's values (predict
#    prints values, not classes) against the test targets; the report draws error.svg
#    and scatter.svg (not accuracy.svg and confusion.svg) and gives the fit;
#  - two outputs: two target columns (label_column first), R² averaged over the outputs
#    as scikit-learn's r2_score does; predict on the training file leaves both target
#    columns out; the errors for rows too narrow for the targets, label columns past the
#    row's end, and a target that is not a number;
#  - eval under mpirun -np 2 gives one process's figures; the int8 export calibrates on
#    the training file without its targets;
#  - a checkpoint's fingerprint of the data covers the targets;
#  - a classifier's epoch line is unchanged (test acc).
source tests/e2e/common.bash
py=/usr/bin/python3

"$py" tools/sine-data.py "$work"
cmp "$work/sine_train.csv" samples/sine_train.csv || fail "samples/sine_train.csv differs from tools/sine-data.py's"
cmp "$work/sine_test.csv" samples/sine_test.csv || fail "samples/sine_test.csv differs from tools/sine-data.py's"
echo "ok: samples/sine_*.csv as tools/sine-data.py writes them"

"$netc" build samples/sine.net -o "$work" > /dev/null
"$work/sine" train --epochs 40 --log "$work/log.csv" --save "$work/sine.safetensors" > "$work/out"
cat "$work/out"
grep -Eq '^epoch 40/40  loss [0-9.]+  test mae [0-9.e-]+  test rmse [0-9.e-]+  test r2 -?[0-9.]+  test loss [0-9.]+  [0-9]+ samples/s  [0-9.]+ s$' "$work/out" \
    || fail "sine: the epoch line does not give the test MAE, RMSE and R²"
grep -q 'acc' "$work/out" && fail "sine: a regression network's lines name an accuracy"
header=epoch,train_loss,train_mae,train_rmse,train_r2,test_loss,test_mae,test_rmse,test_r2,learning_rate,samples_per_s,elapsed_s
[ "$(head -1 "$work/log.csv")" = "$header" ] || fail "sine: log header: $(head -1 "$work/log.csv")"
[ "$(wc -l < "$work/log.csv")" = 41 ] || fail "sine: the log does not have 40 rows"
awk -F, 'NR > 1 && (NF != 12 || $3 == "" || $7 == "" || $9 == "") { exit 1 }' "$work/log.csv" \
    || fail "sine: a log row lacks a figure"
echo "ok: sine's epoch lines and log give MAE, RMSE and R²"

"$work/sine" eval --weights "$work/sine.safetensors" > "$work/eval"
cat "$work/eval"
grep -Eq '^test mae [0-9.e-]+  test rmse [0-9.e-]+  test r2 -?[0-9.]+ \(100 samples\)  test loss [0-9.e-]+$' "$work/eval" \
    || fail "sine: eval does not print MAE, RMSE and R²"
cut -d, -f1 samples/sine_test.csv > "$work/x.csv"
"$work/sine" predict --weights "$work/sine.safetensors" --header "$work/x.csv" > "$work/pred"
[ "$(wc -l < "$work/pred")" = 100 ] || fail "sine: predict printed $(wc -l < "$work/pred") lines for 100 samples"
grep -qvE '^-?[0-9]' "$work/pred" && fail "sine: predict printed something other than values"
grep -qE '\.' "$work/pred" || fail "sine: predict printed whole numbers (classes?), not values"

# check_fit EVAL PRED TRUTH: eval's figures against numpy's / scikit-learn's on predict's
# values (one row per sample, one column per output) and the true targets.
check_fit() {
    "$py" - "$@" <<'PY' || fail "eval's MAE, RMSE or R² differ from scikit-learn's"
import re, sys
import numpy as np
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
said = dict(re.findall(r"test (mae|rmse|r2) (-?[0-9.e+-]+)", open(sys.argv[1]).read()))
pred = np.loadtxt(sys.argv[2], ndmin=2)
true = np.loadtxt(sys.argv[3], delimiter=",", ndmin=2)
figures = {"mae": mean_absolute_error(true, pred), "rmse": np.sqrt(mean_squared_error(true, pred)),
           "r2": r2_score(true, pred)}
for k, v in figures.items():
    # eval prints 4 significant digits (R²: 4 decimals); predict's values are rounded to 9
    ok = abs(float(said[k]) - v) <= (5e-5 if k == "r2" else 5e-4 * abs(v))
    print("%s: eval %s, scikit-learn %.6g: %s" % (k, said[k], v, "ok" if ok else "DIFFERENT"))
    assert ok
PY
}
tail -n +2 samples/sine_test.csv | cut -d, -f2 > "$work/y.csv"
check_fit "$work/eval" "$work/pred" "$work/y.csv"
echo "ok: sine: predict prints values; eval's figures are scikit-learn's"

# The report: the error's curves and predicted-against-true, not accuracy and confusion.
"$work/sine" report --weights "$work/sine.safetensors" --log "$work/log.csv" -o "$work/report" > /dev/null
for f in error.svg scatter.svg loss.svg index.html; do
    [ -s "$work/report/$f" ] || fail "sine's report has no $f"
done
for f in accuracy.svg confusion.svg; do
    [ -e "$work/report/$f" ] && fail "sine's report has $f"
done
[ "$(grep -c '<circle' "$work/report/scatter.svg")" = 100 ] || fail "scatter.svg: not one point per test sample"
grep -q 'Predicted against true' "$work/report/index.html" && grep -q 'test mean absolute error' "$work/report/index.html" &&
    grep -q 'mean absolute error' "$work/report/error.svg" || fail "sine's report does not show the fit"
echo "ok: sine's report: error.svg, scatter.svg with 100 points, the fit in the summary"

# Two outputs, two target columns first: y1 = x1 - 2 x2, y2 = x1 x3 (negative too).
cat > "$work/two.net" <<'NET'
network two
input 3
dense 12 tanh
dense 2 linear
train {
    loss          mse
    optimizer     adam
    learning_rate 0.01
    batch         8
    epochs        30
    seed          2
}
data {
    train_csv     "two.csv"
    test_csv      "two.csv"
    label_column  first
    targets       value
}
NET
awk 'BEGIN { srand(3); for (i = 0; i < 120; i++) { a = 2 * rand() - 1; b = 2 * rand() - 1; c = 2 * rand() - 1
             printf "%.5f,%.5f,%.5f,%.5f,%.5f\n", a - 2 * b, a * c, a, b, c } }' > "$work/two.csv"
"$netc" build "$work/two.net" -o "$work" > /dev/null
(cd "$work" && ./two train --quiet --save two.safetensors && ./two eval --weights two.safetensors > eval2)
cat "$work/eval2"
cut -d, -f3- "$work/two.csv" > "$work/x2.csv"
"$work/two" predict --weights "$work/two.safetensors" "$work/x2.csv" > "$work/pred2"
awk 'NF != 2 { exit 1 }' "$work/pred2" || fail "two: predict does not print two values a line"
cut -d, -f1,2 "$work/two.csv" > "$work/y2.csv"
check_fit "$work/eval2" "$work/pred2" "$work/y2.csv"
(cd "$work" && ./two predict --weights two.safetensors two.csv > pred2_all 2> note)
[ "$(cat "$work/note")" = "two: note: two.csv has 5 columns, 2 more than the network's 3 inputs: its 2 target columns (label_column: the first) are left out" ] ||
    fail "two: predict on the training file: $(cat "$work/note")"
cmp "$work/pred2" "$work/pred2_all" || fail "two: predict on the training file gives other values"
echo "ok: two outputs from two target columns; predict leaves both out of the training file"

# expect_error FILE MESSAGE: eval on FILE fails with exactly MESSAGE.
expect_error() {
    set +e
    "$work/two" eval --weights "$work/two.safetensors" --test-csv "$1" 2> "$work/err"
    local status=$?
    set -e
    [ "$status" = 1 ] && [ "$(cat "$work/err")" = "$2" ] ||
        fail "$1: exit $status, expected 1 and '$2'; got: $(cat "$work/err")"
    echo "ok: $2"
}
printf '1,2\n3,4\n' > "$work/narrow.csv"
expect_error "$work/narrow.csv" "two: error: $work/narrow.csv:1:1: rows have 2 fields, expected 2 targets (one per output) and at least one feature"
printf '1,2,3,4,5\n1,x,3,4,5\n' > "$work/word.csv"
expect_error "$work/word.csv" "two: error: $work/word.csv:2:3: expected a number, found 'x'"
cat > "$work/few.net" <<'NET'
network two
input 3
dense 12 tanh
dense 2 linear
train {
    loss          mse
    learning_rate 0.01
}
data {
    train_csv     "two.csv"
    label_column  4
    targets       value
}
NET
"$netc" build "$work/few.net" -o "$work/few" > /dev/null
set +e
(cd "$work" && few/two train --quiet 2> err)
status=$?
set -e
[ "$status" = 1 ] && [ "$(cat "$work/err")" = "two: error: two.csv:1:1: label columns 4 to 5 (0-based) but rows have only 5 fields" ] ||
    fail "label_column 4 with 2 outputs: exit $status: $(cat "$work/err")"
echo "ok: $(cat "$work/err")"

# Under MPI each process sums its share of the test set: the same figures as one process.
if command -v mpirun > /dev/null && command -v mpicc > /dev/null; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1   # CI runs as root
    "$netc" build --mpi samples/sine.net -o "$work/mpi" > /dev/null
    one=$("$work/mpi/sine" eval --weights "$work/sine.safetensors")
    two=$(timeout 300 mpirun -np 2 --oversubscribe "$work/mpi/sine" eval --weights "$work/sine.safetensors")
    [ "$one" = "$two" ] || fail "eval under mpirun -np 2: '$two', one process: '$one'"
    echo "ok: eval under mpirun -np 2: $two"
fi

# int8 export: calibrated on the data block's training file (its target column left out);
# the outputs are values, so no class agreement is claimed.
"$netc" --emit infer --weights "$work/sine.safetensors" --quantize int8 samples/sine.net -o "$work/i8" > "$work/i8.out" 2>&1 ||
    fail "sine --quantize int8: $(cat "$work/i8.out")"
grep -q "calibrated on 200 samples of samples/sine_train.csv" "$work/i8.out" &&
    grep -qx "values: a regression network's outputs differ by the output row's errors" "$work/i8.out" &&
    ! grep -q '^classes:' "$work/i8.out" || fail "sine --quantize int8: $(cat "$work/i8.out")"
echo "ok: sine's int8 export is calibrated on its 200 training points and claims no classes"

# --help says what a regression network reports; a classifier's does not.
"$work/sine" --help | grep -q "^'sine' is a regression network (targets value, loss mse): eval, the epoch$" ||
    fail "sine --help does not say it is a regression network"
echo "ok: sine --help says it is a regression network"

# A checkpoint knows the targets: the same features with one target changed are other data.
mkdir "$work/resume"
cp samples/sine_train.csv samples/sine_test.csv "$work/resume/"
sed 's|samples/||' samples/sine.net > "$work/resume/sine.net"
"$netc" build "$work/resume/sine.net" -o "$work/resume" > /dev/null
(cd "$work/resume" && ./sine train --epochs 2 --quiet --keep-checkpoint --checkpoint ck)
sed -i '2s/,[^,]*$/,-0.5/' "$work/resume/sine_train.csv"
set +e
(cd "$work/resume" && ./sine train --resume ck --quiet 2> err)
status=$?
set -e
[ "$status" = 1 ] && grep -q '^sine: error: ck: the run was trained on 200 samples (fingerprint [0-9a-f]*), the data given now are 200 samples' "$work/resume/err" ||
    fail "resume with another target: exit $status: $(cat "$work/resume/err")"
echo "ok: a checkpoint refuses the same features with another target"

# A classifier keeps its accuracy.
"$netc" build samples/xor.net -o "$work" > /dev/null
"$work/xor" train --epochs 2 --save "$work/xor.safetensors" > "$work/xor_out"
grep -Eq '^epoch 2/2  loss [0-9.]+  test acc [0-9.]+%  test loss [0-9.]+  [0-9]+ samples/s  [0-9.]+ s$' "$work/xor_out" \
    || fail "xor: the classifier's epoch line changed: $(tail -3 "$work/xor_out")"
echo "ok: a classifier's epoch line is as it was"
"$work/xor" --help | grep -q 'regression' && fail "xor --help calls it a regression network"
echo "ok: xor --help says nothing of regression"
