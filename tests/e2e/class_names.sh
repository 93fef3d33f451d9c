#!/bin/bash
# Class names (issue 21 item 3), on samples/fashion.net (Fashion-MNIST's ten names),
# trained briefly (3000 images, 1 epoch):
#  - eval prints the per-class table exactly as scikit-learn's classification_report
#    (digits=4) prints it for the same predictions (from predict), and the same accuracy;
#  - predict prints the names; --csv writes "id,class" rows;
#  - the same network without its classes statement keeps today's output exactly (one
#    eval line; class numbers), and --per-class gives the table with numbers (sklearn too);
#  - the inference export declares FASHION_N_CLASS and fashion_class_names[], which a
#    program compiled with -std=c99 -pedantic -Werror prints for its first test image;
#  - the report labels the confusion matrix and the mistakes with the names;
#  - under mpirun -np 2, eval prints the same table.
source tests/e2e/common.bash
tools/fetch-data.sh fashion
tools/deps.sh python3-sklearn > /dev/null
py=/usr/bin/python3
test_images=data/fashion/t10k-images-idx3-ubyte test_labels=data/fashion/t10k-labels-idx1-ubyte

mkdir "$work/named" "$work/plain"
"$netc" build samples/fashion.net -o "$work/named" > /dev/null
sed '/^classes {/,/^}/d' samples/fashion.net > "$work/plain/fashion.net"
! grep -q classes "$work/plain/fashion.net" || fail "the names were not removed"
"$netc" build "$work/plain/fashion.net" -o "$work/plain" > /dev/null
named=$work/named/fashion plain=$work/plain/fashion
run=(--limit 3000 --epochs 1 --quiet)
"$named" train "${run[@]}" --save "$work/w.safetensors"
"$plain" train "${run[@]}" --save "$work/p.safetensors"

"$named" eval --weights "$work/w.safetensors" > "$work/eval_named"
"$plain" eval --weights "$work/p.safetensors" > "$work/eval_plain"
"$plain" eval --weights "$work/p.safetensors" --per-class > "$work/eval_numbers"
cat "$work/eval_named"
[ "$(wc -l < "$work/eval_plain")" = 1 ] || fail "eval without names printed more than its line: $(cat "$work/eval_plain")"
[ "$(head -1 "$work/eval_named")" = "$(cat "$work/eval_plain")" ] || fail "the names changed the accuracy"
grep -qx 'test accuracy [0-9.]*% (10000 samples)  test loss [0-9.e-]*' "$work/eval_plain" || fail "eval's line: $(cat "$work/eval_plain")"

"$named" predict --weights "$work/w.safetensors" "$test_images" > "$work/pred_named"
"$plain" predict --weights "$work/p.safetensors" "$test_images" > "$work/pred_plain"
head -3 "$work/pred_named"
[ "$(wc -l < "$work/pred_named")" = 10000 ] || fail "predict: $(wc -l < "$work/pred_named") lines"
grep -qvx '[0-9]' "$work/pred_plain" && fail "predict without names printed something else than class numbers"
"$named" predict --weights "$work/w.safetensors" --csv "$test_images" > "$work/pred.csv"
[ "$(head -1 "$work/pred.csv")" = "id,class" ] || fail "--csv header: $(head -1 "$work/pred.csv")"
diff <(tail -n +2 "$work/pred.csv") <(awk '{ print NR - 1 "," $0 }' "$work/pred_named") > /dev/null \
    || fail "--csv rows differ from the plain predictions"
echo "ok: predict prints the names; --csv: id,class rows"

# scikit-learn on the same predictions: the tables must be the same text.
"$py" - "$test_labels" "$work/pred_plain" "$work/pred_named" "$work/eval_named" "$work/eval_numbers" <<'PY'
import sys
from sklearn.metrics import classification_report, accuracy_score
labels_file, plain, named, eval_named, eval_numbers = sys.argv[1:]
y_true = list(open(labels_file, 'rb').read()[8:])
y_pred = [int(l) for l in open(plain)]
names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
         "Bag", "Ankle boot"]
assert [names[k] for k in y_pred] == [l.rstrip('\n') for l in open(named)], "names != numbers"
def table(path):                    # eval's lines after its first (and the blank one)
    return '\n'.join(l.rstrip() for l in open(path).read().split('\n')[2:]).rstrip()
def sk(**kw):
    r = classification_report(y_true, y_pred, labels=list(range(10)), digits=4, **kw)
    return '\n'.join(l.rstrip() for l in r.split('\n')).rstrip()
for path, want in ((eval_named, sk(target_names=names)), (eval_numbers, sk())):
    if table(path) != want:
        print("netc:\n" + table(path) + "\nsklearn:\n" + want)
        sys.exit("FAIL: %s differs from sklearn's classification_report" % path)
acc = float(open(eval_named).readline().split()[2].rstrip('%'))
assert abs(acc - 100 * accuracy_score(y_true, y_pred)) < 0.006, acc
print("ok: eval's per-class table is sklearn's classification_report, to the digit (named and numbered)")
PY

# The export: the names in NAME.h and NAME.c.
"$netc" --emit infer --weights "$work/w.safetensors" samples/fashion.net -o "$work/export" > /dev/null
grep -qx '#define FASHION_N_CLASS 10' "$work/export/fashion.h" || fail "no FASHION_N_CLASS"
grep -qx 'extern const char \*const fashion_class_names\[FASHION_N_CLASS\];' "$work/export/fashion.h" \
    || fail "no fashion_class_names declaration"
cat > "$work/export/first.c" <<'C'
#include <stdio.h>
#include "fashion.h"
int main(int argc, char **argv)
{
    unsigned char pixels[FASHION_N_INPUT];
    float x[FASHION_N_INPUT];
    FILE *f = fopen(argv[argc - 1], "rb");
    int i;
    if (!f || fseek(f, 16, SEEK_SET) != 0 || fread(pixels, 1, sizeof pixels, f) != sizeof pixels)
        return 1;
    for (i = 0; i < FASHION_N_INPUT; i++)
        x[i] = pixels[i] * (1.0f / 255.0f);
    puts(fashion_class_names[fashion_classify(x)]);
    return fclose(f) != 0;
}
C
cc -std=c99 -Wall -Wextra -Wpedantic -Werror -O2 -I"$work/export" "$work/export/first.c" \
    "$work/export/fashion.c" -lm -o "$work/export/first"
[ "$("$work/export/first" "$test_images")" = "$(head -1 "$work/pred_named")" ] \
    || fail "the export's first class name differs from predict's"
echo "ok: the export's fashion_class_names[fashion_classify(x)] is predict's answer"
! grep -q class_names "$work/plain/fashion.h" "$work/plain/fashion_main.c" || fail "a network without names got names"
echo "ok: a network without names emits none"

# The report: the names label the confusion matrix and the mistakes.
"$named" report --weights "$work/w.safetensors" -o "$work/report" > /dev/null
grep -q '>Ankle boot</text>' "$work/report/confusion.svg" || fail "confusion.svg: no class names"
grep -q '&rarr; <b class="bad">\(T-shirt/top\|Trouser\|Pullover\|Dress\|Coat\|Sandal\|Shirt\|Sneaker\|Bag\|Ankle boot\)</b>' \
    "$work/report/index.html" || fail "index.html: the mistakes are not named"
"$plain" report --weights "$work/p.safetensors" -o "$work/report_plain" > /dev/null
grep -q 'text-anchor="end">9</text>' "$work/report_plain/confusion.svg" || fail "confusion.svg without names: no numbers"
! grep -q 'Ankle boot' "$work/report_plain/index.html" || fail "a report without names named the classes"
echo "ok: the report names the confusion matrix's rows and columns and the mistakes"

# Under MPI the ranks count their shares of the test set and rank 0 prints the sum: the
# same table as one process.
if command -v mpirun > /dev/null; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    mkdir "$work/mpi"
    "$netc" build --mpi samples/fashion.net -o "$work/mpi" > /dev/null
    timeout 300 mpirun -np 2 --oversubscribe "$work/mpi/fashion" eval --weights "$work/w.safetensors" \
        > "$work/eval_mpi"
    diff "$work/eval_named" "$work/eval_mpi" || fail "eval under mpirun -np 2 differs from one process"
    echo "ok: mpirun -np 2: the same per-class table"
else
    echo "SKIP: no mpirun: the per-class table under MPI"
fi
