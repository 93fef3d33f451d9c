#!/bin/bash
# Fault injection: the trainer under a full file system (a 64 KB tmpfs), a read-only one,
# an address-space limit and SIGKILL in the middle of its writes (FIFOs as inputs are
# tested with the readers).  No run's results may be lost to one failed output, and no
# fault may leave a file half written.
#  - a checkpoint on a full disk when SIGINT stops the run: the weights (elsewhere) are
#    still written; the error names the checkpoint; exit 1;
#  - a --log on a full disk: training stops after the epoch whose row failed, with its
#    checkpoint and weights written and the resume command printed; exit 1; resumed once
#    there is room, the run finishes and rewrites the whole log;
#  - an output on a read-only file system: an error before the first epoch;
#  - ulimit -v below what the data need: refused before allocating, naming the limit;
#  - SIGKILL during writes: see below.
# Mounts are made in a private mount namespace (unshare -m: the tests run as root, for
# whom chmod stops nothing) and unmounted on exit.
if [ -z "${NETC_FAULTS_NS:-}" ]; then
    if ! unshare -m true 2> /dev/null; then
        echo "SKIP: no private mount namespace here (unshare -m)"
        exit 0
    fi
    NETC_FAULTS_NS=1 exec unshare -m bash "$0" "$@"
fi
source tests/e2e/common.bash
tools/fetch-data.sh mnist > /dev/null
full=$work/full ro=$work/ro
mkdir "$full" "$ro"
trap 'umount "$full" "$ro" 2> /dev/null; rm -rf "$work"' EXIT
mount -t tmpfs -o size=64k tmpfs "$full"
mount -t tmpfs -o ro,size=64k tmpfs "$ro"
fill() { head -c 1m /dev/zero > "$full/filler" 2> /dev/null || true; }
"$netc" build samples/xor.net -o "$work" > /dev/null
"$netc" build samples/mnist_wide.net -o "$work" > /dev/null
xor=$work/xor wide=$work/mnist_wide

# A checkpoint that cannot be written when SIGINT stops the run: the weights still are.
fill
for delay in 0.1 0.05 0.2; do
    rm -f "$work/w.safetensors"
    "$wide" train --data data/mnist --limit 10000 --epochs 1 --checkpoint "$full/w.ckpt" \
        --save "$work/w.safetensors" > "$work/out" 2> "$work/err" &
    pid=$!
    until grep -q 'training samples' "$work/out" 2> /dev/null; do sleep 0.01; done
    sleep "$delay"
    kill -INT "$pid"
    set +e; wait "$pid"; status=$?; set -e
    grep -q 'stopped by SIGINT in epoch 1/1' "$work/err" && break
    echo "note: SIGINT did not land mid-epoch ($status); retrying"
done
cat "$work/err"
[ "$status" = 1 ] || fail "full checkpoint disk, SIGINT: exit $status, expected 1"
grep -q "^mnist_wide: error: $full/w.ckpt: .*No space left on device" "$work/err" || fail "the checkpoint's failure not named"
grep -qx "weights $work/w.safetensors" "$work/err" || fail "the weights are not said to be written"
"$wide" eval --data data/mnist --weights "$work/w.safetensors" > /dev/null || fail "the weights written do not load"
! grep -q '^resume with' "$work/err" || fail "a resume command for a checkpoint that was not written"
[ -z "$(ls "$full" | grep -v filler)" ] || fail "files left on the full disk: $(ls "$full")"
echo "ok: a checkpoint on a full disk does not stop the weights being written"

# A log that cannot be written: stops after epoch 1 with the checkpoint and weights.
set +e; "$xor" train --epochs 3 --log "$full/log.csv" --save "$work/x.safetensors" > "$work/out" 2> "$work/err"; status=$?; set -e
cat "$work/out" "$work/err"
[ "$status" = 1 ] || fail "full log disk: exit $status, expected 1"
grep -q "^xor: error: $full/log.csv: .*No space left on device" "$work/err" || fail "the log's failure not named"
grep -q "^xor: stopped in epoch 1/3 after 4 of 4 samples: an output could not be written" "$work/err" || fail "where it stopped"
grep -qx "checkpoint $work/x.ckpt" "$work/err" && grep -qx "weights $work/x.safetensors" "$work/err" || fail "checkpoint or weights not written"
grep -qx "resume with: $xor train --resume $work/x.ckpt --log $full/log.csv" "$work/err" || fail "no resume command"
rm "$full/filler"
"$xor" train --quiet --resume "$work/x.ckpt" --save "$work/x.safetensors" --log "$full/log.csv" || fail "resume once there is room"
[ "$(cut -d, -f1 "$full/log.csv" | tr '\n' ' ')" = "epoch 1 2 3 " ] || fail "the resumed log: $(cat "$full/log.csv")"
echo "ok: a log on a full disk stops the run with its checkpoint and weights; resumed, the log is whole"

# A read-only file system: found out before any epoch, for each kind of output.
for args in "--save $ro/w.safetensors" "--checkpoint $ro/w.ckpt --save $work/r.safetensors" \
            "--log $ro/log.csv --save $work/r.safetensors"; do
    set +e; "$xor" train $args > "$work/out" 2> "$work/err"; status=$?; set -e
    cat "$work/err"
    [ "$status" = 1 ] || fail "$args, read-only: exit $status"
    grep -q "^xor: error: $ro/.*Read-only file system" "$work/err" || fail "$args, read-only: message"
    ! grep -q '^epoch' "$work/out" || fail "$args, read-only: trained first"
done
echo "ok: outputs on a read-only file system are refused before any epoch"

# An address-space limit below the training data's size: refused before allocating.
set +e; (ulimit -v 150000; exec "$wide" train --data data/mnist --quiet --save "$work/v.safetensors") 2> "$work/err"; status=$?; set -e
cat "$work/err"
[ "$status" = 1 ] && grep -q "ulimit -v" "$work/err" || fail "ulimit -v: exit $status"
echo "ok: ulimit -v: refused, naming the limit"

# SIGKILL in the middle of writes (an 11 MB checkpoint and the weights, every epoch): the
# checkpoint left is always a whole one that resumes; a temporary file a kill left
# behind (TARGET.tmp-PID-XXXXXX) is removed by the next write of that target, and only
# one whose process is gone.
# 100 MNIST images as the training and test set: the epochs are short, the writes not.
{ printf '\0\0\10\3\0\0\0\144\0\0\0\34\0\0\0\34'; head -c 78416 data/mnist/t10k-images-idx3-ubyte | tail -c +17; } > "$work/images"
{ printf '\0\0\10\1\0\0\0\144'; head -c 108 data/mnist/t10k-labels-idx1-ubyte | tail -c +9; } > "$work/labels"
small=(--train-images "$work/images" --train-labels "$work/labels" --test-images "$work/images" --test-labels "$work/labels")
kill_args=("${small[@]}" --epochs 20 --checkpoint-every 0 --quiet)
strays() { ls "$work" | grep '^k\.' | grep -vx 'k\.ckpt\|k\.safetensors' || true; }
left=0
for delay in 0.2 0.35 0.5 0.65; do
    rm -f "$work"/k.*
    "$wide" train "${kill_args[@]}" --save "$work/k.safetensors" &
    pid=$!
    sleep "$delay"
    kill -KILL "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
    left=$((left + $(strays | grep -c . || true)))
    [ -e "$work/k.ckpt" ] || continue
    "$wide" train "${small[@]}" --quiet --resume "$work/k.ckpt" --save "$work/k.safetensors" \
        || fail "the checkpoint left by SIGKILL after ${delay}s does not resume"
    [ -z "$(strays)" ] || fail "temporary files left after the next write: $(strays)"
done
echo "ok: SIGKILL: every checkpoint left resumed; $left temporary files left by kills, all removed by the next write"
true & dead=$!; wait "$dead"
touch "$work/t.ckpt.tmp-$dead-AbC123" "$work/t.ckpt.tmp-$$-XyZ789" "$work/t.ckpt.tmp-notes"
"$xor" train --quiet --epochs 1 --save "$work/t.safetensors"
[ ! -e "$work/t.ckpt.tmp-$dead-AbC123" ] || fail "a dead writer's temporary file was not removed"
[ -e "$work/t.ckpt.tmp-$$-XyZ789" ] && [ -e "$work/t.ckpt.tmp-notes" ] || fail "a live writer's or another file was removed"
echo "ok: a dead writer's temporary file is removed, a live one's and other files are not"
