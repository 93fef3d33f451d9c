#!/bin/bash
# The trainer's files are checked before any work (samples/xor.net, 4 samples):
#  - two outputs (--save, the checkpoint, --log), or an output and an input (a data file,
#    --resume), that are the same file: a usage error (exit 2), nothing written, whatever
#    the spelling (../dir/file, a second name for an existing file);
#  - a fresh run whose checkpoint holds an unfinished run (or is not a checkpoint) is
#    refused, naming --resume and --overwrite; a finished run's checkpoint is replaced;
#  - an output whose directory is missing: exit 1 before the first epoch.
source tests/e2e/common.bash
"$netc" build samples/xor.net -o "$work" > /dev/null
xor=$work/xor
mkdir "$work/d"
cp samples/xor.csv "$work/d/data.csv"
csv=(--train-csv "$work/d/data.csv" --test-csv "$work/d/data.csv")

# refused STATUS TEXT ARGS...: `xor train ARGS` exits STATUS saying TEXT, and writes nothing.
refused() {
    local want=$1 text=$2 status before after; shift 2
    before=$(cd "$work/d" && ls -l --time-style=+%s.%N && sha256sum *)
    set +e; "$xor" train --quiet "$@" > "$work/out" 2> "$work/err"; status=$?; set -e
    cat "$work/err"
    [ "$status" = "$want" ] || fail "$*: exit $status, expected $want"
    grep -qF -- "$text" "$work/err" || fail "$*: no '$text' in the message"
    ! grep -q . "$work/out" || fail "$*: trained: $(head -1 "$work/out")"
    after=$(cd "$work/d" && ls -l --time-style=+%s.%N && sha256sum *)
    [ "$before" = "$after" ] || fail "$*: files changed"
    echo "ok: $*: refused, exit $want"
}
d=$work/d
refused 2 "--save $d/a.bin and --checkpoint $d/a.bin are the same file" "${csv[@]}" --save "$d/a.bin" --checkpoint "$d/a.bin"
refused 2 "--save $d/l and --log $d/../d/l are the same file" "${csv[@]}" --save "$d/l" --log "$d/../d/l"
refused 2 "--checkpoint $d/c and --log $d/c are the same file" "${csv[@]}" --checkpoint "$d/c" --log "$d/c"
refused 2 "--log $d/data.csv is the file of --train-csv" "${csv[@]}" --log "$d/data.csv"
ln "$d/data.csv" "$d/same.csv"          # another name for the test data: same inode
refused 2 "--save $d/same.csv is the file of --train-csv $d/data.csv" "${csv[@]}" --save "$d/same.csv"
rm "$d/same.csv"
"$xor" train --quiet "${csv[@]}" --epochs 2 --save "$d/r.safetensors" --keep-checkpoint
refused 2 "--save $d/r.ckpt and --resume $d/r.ckpt are the same file" "${csv[@]}" --resume "$d/r.ckpt" --save "$d/r.ckpt"
# The report's directory and files are outputs too: --report (train) or -o (report) that
# is a file, or the same path as an output, or a directory where the report would write
# over another output (index.html, metrics.csv...) or an input.
refused 2 "--report $d/data.csv: exists and is not a directory" "${csv[@]}" --report "$d/data.csv"
refused 2 "--save $work/rep is the same path as --report $work/rep" "${csv[@]}" --save "$work/rep" --report "$work/rep"
mkdir "$work/rep"
refused 2 "--save $work/rep/index.html is a file the report writes in --report $work/rep/../rep" \
    "${csv[@]}" --save "$work/rep/index.html" --report "$work/rep/../rep"
refused 2 "--log $work/rep/metrics.csv is a file the report writes in --report $work/rep" \
    "${csv[@]}" --save "$d/m.safetensors" --log "$work/rep/metrics.csv" --report "$work/rep"
cp "$d/r.safetensors" "$work/rep/index.html"
set +e; "$xor" report --weights "$work/rep/index.html" "${csv[@]}" -o "$work/rep" 2> "$work/err"; status=$?; set -e
[ "$status" = 2 ] && grep -qF -- "--weights $work/rep/index.html is a file the report writes in -o $work/rep" "$work/err" &&
    cmp "$d/r.safetensors" "$work/rep/index.html" || fail "report -o over its --weights: exit $status"
rm "$work/rep/index.html"
"$xor" train --quiet "${csv[@]}" --epochs 1 --save "$work/rep/w.safetensors" --log "$work/rep/log.csv" \
    --report "$work/rep" --overwrite > /dev/null || fail "a report next to the run's own files"
echo "ok: the report's directory is checked with the outputs"

# A finished run's checkpoint may be replaced by a fresh run with the same --save.
"$xor" train --quiet "${csv[@]}" --epochs 2 --save "$d/r.safetensors" || fail "a finished run's checkpoint was not replaced"
echo "ok: a finished run's checkpoint is replaced"
# An unfinished one (a run stopped by SIGINT) is not; --overwrite or --resume go on.
"$xor" train "${csv[@]}" --epochs 1000000 --save "$d/u.safetensors" > "$work/out" 2> /dev/null &
pid=$!
until grep -q '^epoch' "$work/out" 2> /dev/null; do
    kill -0 "$pid" 2> /dev/null || fail "the trainer ended first"
    sleep 0.02
done
kill -INT "$pid"
set +e; wait "$pid"; status=$?; set -e
[ "$status" = 130 ] || fail "SIGINT: exit $status"
refused 2 "$d/u.ckpt holds an unfinished run of network 'xor'" "${csv[@]}" --save "$d/u.safetensors"
grep -qF -- "--resume $d/u.ckpt" "$work/err" && grep -qF -- "--overwrite" "$work/err" || fail "no way on named"
echo "an old checkpoint" > "$d/junk.ckpt"
refused 2 "$d/junk.ckpt exists and is not a checkpoint" "${csv[@]}" --checkpoint "$d/junk.ckpt"
"$xor" train --quiet "${csv[@]}" --epochs 2 --save "$d/u.safetensors" --overwrite || fail "--overwrite"
echo "ok: --overwrite replaces an unfinished run's checkpoint"

# A missing directory is found out before the first epoch, not after it.
set +e; "$xor" train "${csv[@]}" --save "$work/nonexistent/w.safetensors" > "$work/out" 2> "$work/err"; status=$?; set -e
cat "$work/err"
[ "$status" = 1 ] || fail "missing directory: exit $status"
grep -q "^xor: error: $work/nonexistent/w.safetensors: cannot be written: No such file or directory" "$work/err" || fail "missing directory: message"
! grep -q '^epoch' "$work/out" || fail "missing directory: trained first"
set +e; "$xor" train "${csv[@]}" --log "$work/nonexistent/log.csv" --save "$d/v.safetensors" > "$work/out" 2> "$work/err"; status=$?; set -e
[ "$status" = 1 ] && grep -q "log.csv: cannot be written" "$work/err" && ! grep -q '^epoch' "$work/out" || fail "missing log directory"
echo "ok: an unwritable destination is an error before any epoch"

# A refused --resume (other data) leaves the existing --log as it was: checked first, then
# files touched.
"$xor" train --quiet "${csv[@]}" --epochs 3 --save "$d/g.safetensors" --log "$d/g.log" --keep-checkpoint
head -3 "$d/data.csv" > "$d/other.csv"
cp "$d/g.log" "$work/g.log.before"
set +e; "$xor" train --quiet --train-csv "$d/other.csv" --resume "$d/g.ckpt" --save "$d/g.safetensors" --log "$d/g.log" 2> "$work/err"; status=$?; set -e
cat "$work/err"
[ "$status" = 1 ] && grep -q "the run was trained on 4 samples" "$work/err" || fail "resume on other data: exit $status"
cmp "$work/g.log.before" "$d/g.log" || fail "a refused --resume changed the log"
echo "ok: a refused --resume leaves the log as it was"

# Stopped by SIGINT, the printed command resumes as pasted (the program as it was run,
# its data options, its --log, which the resumed run goes on writing) and the resumed run saves where the original would have: the
# checkpoint records the --save file.
mkdir "$work/run" "$work/s"
cp samples/xor.csv "$work/run/my.csv"
(cd "$work/run" && exec ../xor train --train-csv my.csv --test-csv my.csv --epochs 150 --save "$work/s/w.safetensors" --log log.csv > out 2> err) &
pid=$!
until grep -q '^epoch' "$work/run/out" 2> /dev/null; do
    kill -0 "$pid" 2> /dev/null || fail "the trainer ended first: $(cat "$work/run/err")"
    sleep 0.02
done
kill -INT "$pid"
set +e; wait "$pid"; status=$?; set -e
cat "$work/run/err"
[ "$status" = 130 ] || fail "SIGINT: exit $status"
cmd=$(sed -n 's/^resume with: //p' "$work/run/err")
[ "$cmd" = "../xor train --resume $work/s/w.ckpt --train-csv my.csv --test-csv my.csv --log log.csv" ] || fail "resume command: '$cmd'"
before=$(sha256sum < "$work/s/w.safetensors")
(cd "$work/run" && eval "$cmd --quiet") || fail "the printed command failed"
[ ! -e "$work/run/xor.safetensors" ] || fail "the resumed run saved to xor.safetensors in the current directory"
[ "$(sha256sum < "$work/s/w.safetensors")" != "$before" ] || fail "the resumed run did not save to $work/s/w.safetensors"
[ "$(cut -d, -f1 "$work/run/log.csv" | tail -1)" = 150 ] || fail "the resumed run's log stops at epoch $(tail -1 "$work/run/log.csv" | cut -d, -f1)"
(cd "$work/run" && ../xor train --quiet --train-csv my.csv --test-csv my.csv --epochs 150 --save "$work/s/whole.safetensors" --overwrite)
cmp "$work/s/w.safetensors" "$work/s/whole.safetensors" || fail "the resumed weights differ from an uninterrupted run's"
echo "ok: the printed resume command works as pasted and saves where the run was saving"
