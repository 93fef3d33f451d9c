#!/bin/bash
# Validation, early stopping, keeping the best epoch, the plateau schedule (issue 21 item 2):
#  - usage errors, exact text: --early-stop, --keep best and a plateau schedule without
#    --validation; bad --validation and --keep values;
#  - the data block's `validation` as the default (a regression network: val mae, rmse,
#    r2), --validation 0 turning it off;
#  - the split: the start line's counts, the same held-out samples for the same seed (the
#    same figures), other ones for another seed; a run without --validation prints and
#    logs exactly as before (no val columns);
#  - early stopping on a run whose validation loss turns up (400 MNIST images, 200 of them
#    held out, a rate of 10): it stops --early-stop epochs after the lowest validation
#    loss, which no later epoch beats;
#  - --keep best: the saved weights are that epoch's (eval on the test set gives the test
#    accuracy and loss the log has for it);
#  - the plateau schedule: the log's rates against PyTorch's ReduceLROnPlateau stepped
#    with the log's validation losses;
#  - SIGINT mid-run with all of it on, then --resume: weights, epoch lines and log
#    bit-identical to an uninterrupted run.
source tests/e2e/common.bash
tools/fetch-data.sh mnist
data=(--data data/mnist)

"$netc" build samples/mnist.net -o "$work" > /dev/null
net=$work/mnist

# expect_usage TEXT ARGS...: exit 2 and exactly TEXT on stderr.
expect_usage() {
    local want=$1 status; shift
    set +e; "$net" train "${data[@]}" --save "$work/u.safetensors" "$@" > /dev/null 2> "$work/err"; status=$?; set -e
    [ "$status" = 2 ] || { cat "$work/err"; fail "train $*: exit $status, expected 2"; }
    diff <(printf '%s\n' "$want") "$work/err" || fail "train $*: the message differs"
    echo "ok: train $*: $(head -1 "$work/err")"
}
expect_usage "mnist: error: --early-stop watches the validation loss, but no samples are held out for validation
hint: add --validation N (samples) or --validation 0.1 (a fraction of the training set)" --early-stop 3
expect_usage "mnist: error: --keep best watches the validation loss, but no samples are held out for validation
hint: add --validation N (samples) or --validation 0.1 (a fraction of the training set)" --keep best
expect_usage "mnist: error: --validation: expected a number of samples (1 or more), a fraction between 0 and 1, or 0 for none, found '1.5'" --validation 1.5
expect_usage "mnist: error: --validation: expected a number of samples (1 or more), a fraction between 0 and 1, or 0 for none, found '-0.5'" --validation=-0.5
expect_usage "mnist: error: --early-stop watches the validation loss, but no samples are held out for validation
hint: add --validation N (samples) or --validation 0.1 (a fraction of the training set)" --validation 0 --early-stop 2
expect_usage "mnist: error: --keep: expected best (the lowest validation loss's weights) or last (the last epoch's), found 'first'" --keep first
set +e; "$net" train "${data[@]}" --limit 100 --validation 100 --save "$work/u.safetensors" > /dev/null 2> "$work/err"; status=$?; set -e
[ "$status" = 1 ] || fail "--validation 100 of 100: exit $status"
diff <(echo "mnist: error: --validation 100 holds out 100 of the 100 training samples, leaving none to train on
hint: hold out at least one sample and keep at least one") "$work/err" || fail "--validation 100 of 100: the message differs"
echo "ok: $(head -1 "$work/err")"

sed 's/^train {/train {\n    schedule plateau(factor = 0.5, patience = 1, cooldown = 1, threshold = 0.001)/' \
    samples/mnist.net > "$work/plateau.net"
sed -i 's/^network mnist/network plateau/' "$work/plateau.net"
"$netc" build "$work/plateau.net" -o "$work" > /dev/null
set +e; "$work/plateau" train "${data[@]}" --save "$work/u.safetensors" > /dev/null 2> "$work/err"; status=$?; set -e
[ "$status" = 2 ] || fail "plateau without --validation: exit $status"
diff <(echo "plateau: error: schedule plateau(factor = 0.5, patience = 1, min_lr = 0, threshold = 0.001, cooldown = 1) lowers the rate when the validation loss stops falling, but no samples are held out for validation
hint: add --validation N (samples) or --validation 0.1 (a fraction of the training set)") "$work/err" \
    || fail "plateau without --validation: the message differs"
echo "ok: $(head -1 "$work/err")"

# The data block's `validation` is --validation's default; --validation 0 turns it off.
sed 's/^    targets       value/    targets       value\n    validation    0.2/; s|"samples/|"'"$PWD"'/samples/|' \
    samples/sine.net > "$work/sine.net"
"$netc" build "$work/sine.net" -o "$work" > /dev/null
"$work/sine" --help > "$work/sine.help"     # whole: grep -q would close the pipe early
grep -q 'to measure after each epoch \[0.2\]' "$work/sine.help" || fail "--help does not give the data block's validation"
"$work/sine" train --epochs 3 --early-stop 2 --save "$work/sine.safetensors" > "$work/sine.out"
head -1 "$work/sine.out" | grep -q '^sine: 160 training samples, 40 validation samples, 100 test samples' \
    || fail "data block validation 0.2: $(head -1 "$work/sine.out")"
grep -q '^epoch 1/3  loss [0-9.]*  val mae [0-9.]*  val rmse [0-9.]*  val r2 [0-9.]*  val loss' "$work/sine.out" \
    || fail "a regression network's val figures: $(grep '^epoch 1' "$work/sine.out")"
"$work/sine" train --epochs 3 --validation 0 --save "$work/sine.safetensors" > "$work/sine0.out"
head -1 "$work/sine0.out" | grep -q '^sine: 200 training samples, 100 test samples' || fail "--validation 0: $(head -1 "$work/sine0.out")"
! grep -q ' val ' "$work/sine0.out" || fail "--validation 0 still measures validation samples"
echo "ok: the data block's validation 0.2 (160 + 40 samples; a regression network's val mae, rmse, r2), --validation 0 turns it off"

# The split: counts, the same samples for the same seed, others for another seed.
run() { "$net" train "${data[@]}" --limit 2000 --epochs 2 --save "$work/s.safetensors" "$@"; }
run --validation 0.1 > "$work/a.out"
head -1 "$work/a.out" | grep -q '^mnist: 1800 training samples, 200 validation samples, 10000 test samples' \
    || fail "start line: $(head -1 "$work/a.out")"
run --validation 200 > "$work/b.out"
run --validation 200 --seed 2 > "$work/c.out"
vals() { grep -o 'val acc [0-9.]*%  val loss [0-9.]*' "$1"; }
[ "$(vals "$work/a.out" | wc -l)" = 2 ] || fail "no val figures in the epoch lines"
diff <(vals "$work/a.out") <(vals "$work/b.out") || fail "--validation 0.1 and 200 of 2000 held out different samples"
! diff <(vals "$work/a.out") <(vals "$work/c.out") > /dev/null || fail "seed 2 held out the same samples as seed 1"
echo "ok: 0.1 and 200 of 2000 hold out the same samples; seed 2 others"
run --log "$work/plain.csv" > "$work/plain.out"
! grep -q val "$work/plain.out" "$work/plain.csv" || fail "a run without --validation prints or logs val figures"
head -1 "$work/plain.csv" | grep -qx 'epoch,train_loss,train_acc,test_loss,test_acc,learning_rate,samples_per_s,elapsed_s' \
    || fail "the log's header changed without --validation"
grep -Eq '^epoch 1/2  loss [0-9.]+  test acc [0-9.]+%  test loss [0-9.]+  [0-9]+ samples/s  [0-9.]+ s$' "$work/plain.out" \
    || fail "the epoch line changed without --validation: $(grep '^epoch 1' "$work/plain.out")"
echo "ok: no --validation: epoch line and log as before"

# Early stopping and --keep best on a run whose validation loss turns up.
"$net" train "${data[@]}" --limit 400 --validation 200 --lr 10 --epochs 60 --early-stop 3 \
    --keep best --log "$work/es.csv" --save "$work/es.safetensors" --report "$work/es_report" > "$work/es.out"
grep -q '>validation<' "$work/es_report/loss.svg" && grep -q '>validation<' "$work/es_report/accuracy.svg" \
    || fail "the report's curves have no validation series"
echo "ok: the report's loss and accuracy curves have a validation series"
cat "$work/es.out" | cut -c1-100 | tail -6
head -1 "$work/es.csv" | grep -q ',val_loss,val_acc$' || fail "no val columns in the log"
# best epoch (lowest val_loss, the first of equals), the last epoch, and whether a later one beat it
read -r best last best_loss < <(awk -F, 'NR > 1 { if (b == "" || $9 < bl) { b = $1; bl = $9 } n = $1 }
    END { print b, n, bl }' "$work/es.csv")
[ "$last" -lt 60 ] || fail "early stopping never stopped"
[ "$last" = $((best + 3)) ] || fail "stopped after epoch $last, the best was epoch $best (patience 3)"
grep -qx "early stop after epoch $last: no validation loss below $(printf '%.6f' "$best_loss") (epoch $best) in 3 epochs" "$work/es.out" \
    || fail "no early-stop line for epoch $last"
grep -q "^keeping epoch $best of $last: the lowest validation loss, $(printf '%.6f' "$best_loss")" "$work/es.out" \
    || fail "no keeping line for epoch $best"
echo "ok: stopped after epoch $last, 3 after the lowest validation loss (epoch $best, $best_loss)"
"$net" eval "${data[@]}" --weights "$work/es.safetensors" > "$work/es.eval"
read -r want_acc want_loss < <(awk -F, -v e="$best" '$1 == e { printf "%.2f %s\n", 100 * $5, $4 }' "$work/es.csv")
grep -q "^test accuracy $want_acc% (10000 samples)" "$work/es.eval" || { cat "$work/es.eval"; fail "the saved weights are not epoch $best's (test acc $want_acc%)"; }
have_loss=$(grep -o 'test loss [0-9.]*' "$work/es.eval" | grep -o '[0-9.]*$')
awk -v a="$have_loss" -v b="$want_loss" 'BEGIN { d = a - b; exit !(d < 1e-6 && d > -1e-6) }' \
    || fail "eval's test loss $have_loss, the log's for epoch $best $want_loss"
echo "ok: --keep best saved epoch $best's weights: eval gives the log's test acc $want_acc%, test loss $have_loss ($want_loss)"
# ... and on the held-out samples themselves (eval --validation: the same split)
"$net" eval "${data[@]}" --limit 400 --validation 200 --weights "$work/es.safetensors" > "$work/es.val"
read -r want_acc want_loss < <(awk -F, -v e="$best" '$1 == e { printf "%.2f %s\n", 100 * $10, $9 }' "$work/es.csv")
grep -q "^val accuracy $want_acc% (200 samples)  val loss " "$work/es.val" || { cat "$work/es.val"; fail "eval --validation: not the log's val acc $want_acc%"; }
have_loss=$(grep -o 'val loss [0-9.]*' "$work/es.val" | grep -o '[0-9.]*$')
awk -v a="$have_loss" -v b="$want_loss" 'BEGIN { d = a - b; exit !(d < 1e-6 && d > -1e-6) }' \
    || fail "eval --validation's loss $have_loss, the log's for epoch $best $want_loss"
echo "ok: eval --validation 200 of the kept weights: val acc $want_acc%, val loss $have_loss, the log's figures for epoch $best ($want_loss)"

# The plateau schedule against PyTorch's ReduceLROnPlateau on the run's validation losses.
"$work/plateau" train "${data[@]}" --limit 400 --validation 200 --lr 10 --epochs 25 \
    --log "$work/pl.csv" --save "$work/pl.safetensors" > "$work/pl.out"
grep 'learning rate' "$work/pl.out"
[ "$(grep -c 'learning rate' "$work/pl.out")" -ge 2 ] || fail "the plateau schedule lowered the rate fewer than twice"
env -u OPENBLAS_CORETYPE OMP_NUM_THREADS=1 /usr/bin/python3 - "$work/pl.csv" <<'PY' || fail "plateau: rates differ from PyTorch's"
import csv, sys, torch
torch.set_num_threads(1)
rows = list(csv.DictReader(open(sys.argv[1])))
p = torch.nn.Parameter(torch.zeros(1))
opt = torch.optim.SGD([p], lr=10.0)
s = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1, cooldown=1, threshold=1e-3)
for i, r in enumerate(rows):
    want = opt.param_groups[0]['lr']
    have = float(r['learning_rate'])
    if abs(have - want) > 1e-6 * want:
        sys.exit(f"epoch {r['epoch']}: netc's rate {have}, torch's {want}")
    s.step(float(r['val_loss']))
print(f"ok: {len(rows)} epochs' rates as torch's ReduceLROnPlateau: {sorted(set(float(r['learning_rate']) for r in rows), reverse=True)}")
PY

# Interrupted and resumed with validation, --keep best, --early-stop and the plateau
# schedule: bit-identical to a whole run.
sed 's/^network mnist_relu/network relu_plateau/; s/^    schedule .*/    schedule plateau(factor = 0.5, patience = 0)/' \
    samples/mnist_relu.net > "$work/relu_plateau.net"
"$netc" build "$work/relu_plateau.net" -o "$work" > /dev/null
net=$work/relu_plateau
opts=(--limit 20000 --epochs 4 --validation 0.25 --keep best --early-stop 2)
"$net" train "${data[@]}" "${opts[@]}" --log "$work/whole.csv" --save "$work/whole.safetensors" > "$work/whole.out"
for delay in 0.05 0.2 0.02 0.4; do
    rm -f "$work"/int.*
    "$net" train "${data[@]}" "${opts[@]}" --log "$work/int.csv" --save "$work/int.safetensors" \
        > "$work/int.out" 2> "$work/int.err" &
    pid=$!
    until grep -q 'epoch 2/4' "$work/int.out" 2> /dev/null; do
        kill -0 "$pid" 2> /dev/null || fail "the trainer ended before epoch 2's line"
        sleep 0.02
    done
    sleep "$delay"
    kill -INT "$pid"
    set +e; wait "$pid"; status=$?; set -e
    [ "$status" = 130 ] && break
    echo "note: SIGINT missed the run (exit $status); retrying"
done
[ "$status" = 130 ] || fail "never stopped by SIGINT"
cat "$work/int.err"
"$net" train "${data[@]}" --resume "$work/int.ckpt" --log "$work/int.csv" --save "$work/int.safetensors" > "$work/int.resumed"
cmp "$work/whole.safetensors" "$work/int.safetensors" || fail "resumed weights differ from an uninterrupted run's"
lines() { grep -Eo '^epoch [0-9]+/4  loss [0-9.]+  val acc [0-9.]+%  val loss [0-9.]+  test acc [0-9.]+%  test loss [0-9.]+|^keeping.*|^early stop.*|.*learning rate.*' "$@"; }
diff <(lines "$work/whole.out") <(cat "$work/int.out" "$work/int.resumed" | lines | awk '!seen[$0]++') \
    || fail "the interrupted and resumed runs' lines differ from an uninterrupted run's"
diff <(cut -d, -f1-6,9- "$work/whole.csv") <(cut -d, -f1-6,9- "$work/int.csv") \
    || fail "the resumed run's log differs from an uninterrupted run's"
echo "ok: SIGINT ($(head -1 "$work/int.err")), resumed: weights, lines and log bit-identical"

# MPI (2 ranks) and threads: the same held-out samples and decisions as one process.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
"$netc" build --mpi samples/mnist.net -o "$work/m" > /dev/null
t=(train "${data[@]}" --limit 3000 --epochs 3 --validation 0.2 --keep best --early-stop 2)
"$work/mnist" "${t[@]}" --save "$work/one.safetensors" > "$work/one.out"
timeout 300 mpirun -np 2 --oversubscribe "$work/m/mnist" "${t[@]}" --threads 2 \
    --save "$work/two.safetensors" > "$work/two.out" < /dev/null
grep -q '2400 training samples, 600 validation samples.*2 processes' "$work/two.out" || fail "mpi: start line"
diff <(grep -o '^keeping epoch [0-9]* of [0-9]*' "$work/one.out") <(grep -o 'keeping epoch [0-9]* of [0-9]*' "$work/two.out") \
    || fail "mpi: another best epoch than one process's"
[ "$(grep -c 'keeping epoch' "$work/two.out")" = 1 ] || fail "mpi: not exactly one rank reported the best epoch"
paste -d ' ' <(grep -o 'val loss [0-9.]*' "$work/one.out" | cut -d' ' -f3) \
             <(grep -o 'val loss [0-9.]*' "$work/two.out" | cut -d' ' -f3) |
    awk 'NF != 2 { exit 1 } { d = $1 - $2; if (d > 1e-5 || d < -1e-5) exit 1 } END { exit NR != 3 }' \
    || fail "mpi: validation losses differ from one process's"
echo "ok: mpirun -np 2 --threads 2: the same split, validation losses and best epoch as one process"
