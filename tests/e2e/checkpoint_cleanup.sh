#!/bin/bash
# A finished run removes its checkpoint (issue 21 item 7); an interrupted one keeps it:
#  - train to the end: "saved W" and no W.ckpt left (also with --checkpoint FILE);
#  - --keep-checkpoint: "saved W, checkpoint C", C still there and resumable (nothing left
#    to do: the same weights, and then it is removed);
#  - stopped by SIGINT: the checkpoint stays;
#  - --quiet removes it too, without a line.
source tests/e2e/common.bash
"$netc" build samples/xor.net -o "$work" > /dev/null
xor=$work/xor
mkdir "$work/samples" && cp samples/xor.csv "$work/samples/"   # the data block's path
cd "$work"

"$xor" train --epochs 20 > out
[ "$(tail -1 out)" = "saved xor.safetensors" ] || fail "the last line: $(tail -1 out)"
[ -s xor.safetensors ] && [ ! -e xor.ckpt ] || fail "a finished run left $(ls)"
"$xor" train --epochs 20 --quiet --checkpoint c.ckpt --save q.safetensors > out
[ ! -s out ] && [ -s q.safetensors ] && [ ! -e c.ckpt ] || fail "--quiet --checkpoint c.ckpt left $(ls)"
echo "ok: a finished run removes its checkpoint"

"$xor" train --epochs 20 --save k.safetensors --keep-checkpoint > out
[ "$(tail -1 out)" = "saved k.safetensors, checkpoint k.ckpt" ] || fail "--keep-checkpoint: $(tail -1 out)"
[ -s k.ckpt ] || fail "--keep-checkpoint: no k.ckpt"
cp k.safetensors k0.safetensors
"$xor" train --resume k.ckpt --quiet || fail "the kept checkpoint does not resume"
cmp k.safetensors k0.safetensors || fail "resuming a finished run changed its weights"
[ ! -e k.ckpt ] || fail "the resumed finished run kept its checkpoint"
echo "ok: --keep-checkpoint keeps it and names it"

"$xor" train --epochs 1000000 --save i.safetensors > out 2> err &
pid=$!
until grep -q '^epoch' out 2> /dev/null; do
    kill -0 "$pid" 2> /dev/null || fail "the trainer ended first: $(cat err)"
    sleep 0.02
done
kill -INT "$pid"
set +e; wait "$pid"; status=$?; set -e
[ "$status" = 130 ] || fail "SIGINT: exit $status"
grep -qx "checkpoint i.ckpt" err && [ -s i.ckpt ] || fail "an interrupted run did not keep its checkpoint: $(cat err)"
echo "ok: an interrupted run keeps its checkpoint"
