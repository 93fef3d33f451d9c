#!/bin/bash
# The report of a short MNIST run (samples/mnist.net, 5,000 images, 2 epochs):
#  - the plain per-epoch lines off a terminal, the live bar on one, nothing with --quiet;
#  - the --log CSV: a header and one row per epoch;
#  - the PNGs decode with the expected sizes, the weight grid has one tile per
#    first-layer neuron (16), every SVG parses as XML, index.html links only files
#    that exist (relative links), and the `report` command draws the same pictures;
#  - headless Chromium renders index.html into a screenshot that is not blank.
source tests/e2e/common.bash
tools/fetch-data.sh mnist
tools/deps.sh imagemagick chromium
"$netc" build samples/mnist.net -o "$work"
run=(--data data/mnist --limit 5000 --epochs 2 --save "$work/w.safetensors")

out=$("$work/mnist" train "${run[@]}" --log "$work/log.csv" --report "$work/report")
echo "$out"
lines=$(grep -cE '^epoch [12]/2  loss [0-9.]+  test acc [0-9.]+%  test loss [0-9.]+  [0-9]+ samples/s  [0-9.]+ s$' <<<"$out" || true)
[ "$lines" = 2 ] || fail "expected 2 plain epoch lines, found $lines"
! grep -q $'\r\|\033' <<<"$out" || fail "terminal control characters off a terminal"
grep -qx "report $work/report/index.html" <<<"$out" || fail "no report line"
echo "ok: one plain line per epoch"

# The log: header, one row per epoch, every figure there.
[ "$(head -1 "$work/log.csv")" = "epoch,train_loss,train_acc,test_loss,test_acc,learning_rate,samples_per_s,elapsed_s" ] \
    || fail "log header: $(head -1 "$work/log.csv")"
[ "$(tail -n +2 "$work/log.csv" | wc -l)" = 2 ] || fail "log rows: $(cat "$work/log.csv")"
awk -F, 'NR > 1 && (NF != 8 || $1 != NR - 1 || $3 == "" || $5 == "" || $5 < 0.5) { exit 1 }' \
    "$work/log.csv" || fail "log rows: $(cat "$work/log.csv")"
echo "ok: the log has one full row per epoch"

r=$work/report
size() { identify -format '%m %wx%h' "$1"; }
# weights.png: 4 x 4 tiles of 28x28 pixels scaled 4 times (112 px), 4 px apart.
[ "$(size "$r/weights.png")" = "PNG 468x468" ] || fail "weights.png: $(size "$r/weights.png")"
for i in $(seq 0 15); do
    x=$((4 + i % 4 * 116)) y=$((4 + i / 4 * 116))
    sd=$(convert "$r/weights.png" -crop "112x112+$x+$y" +repage -format '%[fx:standard_deviation]' info:)
    awk -v s="$sd" 'BEGIN { exit !(s > 0.01) }' || fail "weights.png tile $i is flat ($sd)"
done
gap=$(convert "$r/weights.png" -crop "468x4+0+464" +repage -format '%k' info:)
[ "$gap" = 1 ] || fail "weights.png: the bottom gap is not one colour: a 17th row of tiles?"
echo "ok: weights.png has 16 tiles of 28x28 weights"
# misclassified.png: the 32 most confident mistakes, 8 a row, 84 px each, 4 px apart.
[ "$(size "$r/misclassified.png")" = "PNG 708x356" ] || fail "misclassified.png: $(size "$r/misclassified.png")"
[ "$(grep -c 'class="tile"' "$r/index.html")" = 32 ] || fail "not 32 mistakes on the page"
# netc --emit web's page: how to make it (into the report's web/), or a link once it is there.
grep -q "<pre>netc --emit web --weights .* -o $r/web</pre>" "$r/index.html" || fail "no --emit web command"

for f in loss accuracy confusion network; do
    /usr/bin/python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$r/$f.svg" \
        || fail "$f.svg is not XML"
done
echo "ok: the SVG files parse"

/usr/bin/python3 - "$r" <<'EOF' || fail "index.html links"
import html.parser, os, re, sys
d = sys.argv[1]
text = open(os.path.join(d, "index.html"), encoding="utf-8").read()
links = re.findall(r"url\(([^)]+)\)", text)
class P(html.parser.HTMLParser):
    def handle_starttag(self, tag, attrs):
        links.extend(v for k, v in attrs if k in ("src", "href"))
P().feed(text)
want = {"loss.svg", "accuracy.svg", "metrics.csv", "weights.png", "network.svg",
        "confusion.svg", "misclassified.png"}
bad = [l for l in links if "://" in l or l.startswith("/") or not os.path.isfile(os.path.join(d, l))]
missing = want - set(links)
print("links:", sorted(set(links)))
if bad or missing:
    sys.exit(f"bad links {bad}, missing {sorted(missing)}")
EOF
echo "ok: index.html links only files that exist"

# The report command draws the same pictures from the saved weights and the log.
"$work/mnist" report --weights "$work/w.safetensors" --log "$work/log.csv" --data data/mnist \
    -o "$work/again" > "$work/report.out"
grep -qx "report $work/again/index.html" "$work/report.out" || fail "report: $(cat "$work/report.out")"
for f in weights.png misclassified.png confusion.svg network.svg loss.svg accuracy.svg; do
    cmp -s "$r/$f" "$work/again/$f" || fail "report command: $f differs from train --report's"
done
echo "ok: the report command draws the same pictures"

# A conv network with dropout: the first conv layer's filters, one test image's feature maps
# after each conv and pooling layer, the network drawing with the new layers.
cat > "$work/conv_net.net" <<'NET'
network conv_net
input 1x28x28
conv 4 5x5 relu padding 2
maxpool 2x2
conv 8 3x3 relu
maxpool 2x2
dense 32 relu
dropout 0.5
dense 10 softmax
train {
    loss cross_entropy
    optimizer adam
    learning_rate 0.002
    batch 16
}
NET
"$netc" build "$work/conv_net.net" -o "$work"
"$work/conv_net" train --data data/mnist --limit 3000 --epochs 1 --quiet --save "$work/c.safetensors" \
    --report "$work/conv_report"
c=$work/conv_report
# filters.png: 4 filters of 5x5 weights at 12 px (60 px tiles) in one row, 4 px apart.
[ "$(size "$c/filters.png")" = "PNG 260x68" ] || fail "filters.png: $(size "$c/filters.png")"
for i in 0 1 2 3; do
    sd=$(convert "$c/filters.png" -crop "60x60+$((4 + i * 64))+4" +repage -format '%[fx:standard_deviation]' info:)
    awk -v s="$sd" 'BEGIN { exit !(s > 0.01) }' || fail "filters.png tile $i is flat ($sd)"
done
# maps_*.png: a tile of about 84 px per channel: 4 x 28x28 (3x), 4 x 14x14 (6x), 8 x 12x12 (7x), 8 x 6x6 (14x).
for want in "conv1 PNG 356x92" "maxpool1 PNG 356x92" "conv2 PNG 708x92" "maxpool2 PNG 708x92"; do
    read -r layer expect <<<"$want"
    [ "$(size "$c/maps_$layer.png")" = "$expect" ] || fail "maps_$layer.png: $(size "$c/maps_$layer.png"), expected $expect"
    grep -q "src=\"maps_$layer.png\"" "$c/index.html" || fail "index.html does not show maps_$layer.png"
done
sd=$(convert "$c/maps_conv1.png" -crop "84x84+4+4" +repage -format '%[fx:standard_deviation]' info:)
awk -v s="$sd" 'BEGIN { exit !(s > 0.01) }' || fail "maps_conv1.png's first map is flat ($sd)"
grep -q 'src="filters.png"' "$c/index.html" || fail "index.html does not show filters.png"
[ ! -e "$c/weights.png" ] || fail "weights.png for a network whose first layer is a conv"
/usr/bin/python3 - "$c/network.svg" <<'PY' || fail "network.svg of the conv network"
import sys, xml.etree.ElementTree as E
text = " ".join(t.text or "" for t in E.parse(sys.argv[1]).iter() if t.tag.endswith("text"))
want = ["conv1", "maxpool1", "conv2", "maxpool2", "4\u00d728\u00d728", "8\u00d76\u00d76",
        "5x5 relu", "2x2 max", "dense1 (32)", "dropout1 (32)", "output (10)"]
missing = [w for w in want if w not in text]
sys.exit(f"missing {missing} in: {text}" if missing else 0)
PY
"$work/conv_net" report --weights "$work/c.safetensors" --data data/mnist -o "$work/conv_again" > /dev/null
for f in filters.png maps_conv1.png maps_maxpool2.png network.svg confusion.svg; do
    cmp -s "$c/$f" "$work/conv_again/$f" || fail "report command: conv $f differs from train --report's"
done
echo "ok: conv report: filters.png, maps_*.png after each conv and pooling layer, the layers drawn"

# --quiet prints nothing; on a terminal (script(1) gives one) the bar shows.
[ -z "$("$work/mnist" train "${run[@]}" --epochs 1 --quiet)" ] || fail "--quiet printed something"
tty_out=$(script -qec "$work/mnist train --data data/mnist --limit 2000 --epochs 1 --save $work/t.safetensors" /dev/null)
grep -q 'ETA' <<<"$tty_out" && grep -q $'\r' <<<"$tty_out" || fail "no live bar on a terminal: $tty_out"
grep -qE 'epoch 1/1  loss [0-9.]+  test acc' <<<"$tty_out" || fail "no epoch line on a terminal"
echo "ok: --quiet is quiet, a terminal gets the bar"

# Headless Chromium renders the page: a screenshot with many colours, not a blank page.
shot=$work/shot.png
timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d -p "$work")" --screenshot="$shot" --window-size=1200,2000 \
    "file://$(realpath "$r/index.html")" > "$work/chromium.log" 2>&1 || { cat "$work/chromium.log"; fail "chromium"; }
[ -s "$shot" ] || fail "no screenshot"
colours=$(identify -format '%k' "$shot")
at_least "$colours" 500 "distinct colours in the screenshot of index.html"
