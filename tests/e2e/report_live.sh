#!/bin/bash
# The report while and after training (issue 21 item 5):
#  - written after every epoch: a run killed (SIGKILL) after its first epochs leaves a whole
#    index.html saying which epoch it is at, whose links all resolve;
#  - samples/mnist.net's ten sigmoid outputs: the misclassified images ranked by the margin
#    (chosen output minus the next highest), which varies, widest first, numbered tiles;
#  - a CSV network (samples/xor.net's 2 -> 4 -> 1): "sample", not "image", its mistakes in
#    a table, and a network drawing as tall as its columns, not 600 pixels.
source tests/e2e/common.bash
tools/fetch-data.sh mnist
"$netc" build samples/mnist.net -o "$work"

# A long run, killed once its page has been written after an epoch.
"$work/mnist" train --data data/mnist --limit 3000 --epochs 500 --save "$work/w.safetensors" \
    --report "$work/live" --quiet &
pid=$!
for _ in $(seq 600); do
    grep -q 'training goes on' "$work/live/index.html" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || fail "the run ended before writing its page"
    sleep 0.1
done
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
page=$work/live/index.html
[ -f "$page" ] || fail "no index.html after the first epoch"
epoch=$(grep -o 'after epoch [0-9]* of 500: training goes on' "$page" | grep -o '[0-9]*' | head -1)
[ -n "$epoch" ] || fail "the page does not say which epoch it is at: $(grep -o '<header>.*</header>' "$page")"
tail -1 "$page" | grep -qx '</html>' || fail "index.html is not whole"
grep -q '<meta http-equiv="refresh"' "$page" || fail "the page of a run in progress does not reload itself"
grep -q "<tr><th>epochs</th><td>$epoch of 500" "$page" || fail "summary: no 'epochs $epoch of 500'"
for f in $(grep -o 'src="[^"]*"' "$page" | cut -d'"' -f2); do
    [ -s "$work/live/$f" ] || fail "index.html shows $f, which is not there"
done
rows=$(tail -n +2 "$work/live/metrics.csv" | wc -l)
[ "$rows" -ge "$epoch" ] && tail -c 1 "$work/live/metrics.csv" | od -c | grep -q '\n' ||
    fail "metrics.csv: $rows rows for epoch $epoch, or a cut last line"
echo "ok: killed after epoch $epoch of 500, the page is whole and says where the run was"

# A finished run's page: no reloading, the mistakes ranked by a margin that varies.
"$work/mnist" train --data data/mnist --limit 2000 --epochs 1 --save "$work/done.safetensors" \
    --report "$work/done" --quiet
page=$work/done/index.html
! grep -q 'refresh\|training goes on' "$page" || fail "a finished run's page still says it is training"
/usr/bin/python3 - "$page" <<'PY' || fail "misclassified ranking"
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
caps = re.findall(r'<figcaption><span>(\d+)\.</span> <b>\d+</b> &rarr; <b class="bad">\d+</b>'
                  r'<br><span>([0-9.]+) &middot; #\d+</span>', text)
ranks = [int(r) for r, _ in caps]
margins = [float(m) for _, m in caps]
print("margins:", margins[:8], "...", margins[-3:])
if len(caps) != 32 or ranks != list(range(1, 33)):
    sys.exit(f"expected tiles numbered 1..32, got {ranks}")
if margins != sorted(margins, reverse=True):
    sys.exit("not widest margin first")
if len(set(margins)) < 8 or all(m == 1.0 for m in margins):
    sys.exit("the margins do not vary")
if "ranked by the <b>margin</b>" not in text:
    sys.exit("the page does not say how the mistakes are ranked")
PY
echo "ok: mistakes numbered 1-32, widest margin first, margins vary"

# A CSV network: samples, a table of mistakes (3 epochs of XOR still get some wrong),
# a drawing without empty space.
"$netc" build samples/xor.net -o "$work" > /dev/null
"$work/xor" train --train-csv samples/xor.csv --test-csv samples/xor.csv --epochs 3 \
    --save "$work/x.safetensors" --report "$work/xor_report" --quiet
page=$work/xor_report/index.html
grep -q '<h2>One test sample through the network</h2>' "$page" || fail "xor: no 'One test sample'"
! grep -qi 'image' <(sed 's/<style>.*<\/style>//' "$page") || fail "xor: the page speaks of images"
grep -q '<tr><th>rank</th><th>test sample</th>' "$page" || fail "xor: no table of mistakes"
height=$(grep -o '<svg [^>]*' "$work/xor_report/network.svg" | grep -o 'height="[0-9]*"' | grep -o '[0-9]*')
[ "$height" -le 260 ] || fail "xor: network.svg is $height pixels tall for columns of 4"
echo "ok: xor's page speaks of samples, lists its mistakes, draws the network $height px tall"
