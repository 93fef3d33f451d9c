#!/bin/sh
# fetch-onnxruntime.sh - onnxruntime for Node, to run netc's --emit onnx models in tests:
# npm's onnxruntime-web (its WebAssembly build runs under Node as in a browser) and the
# onnxruntime-common it requires, pinned by version and SHA-256, unpacked into
# data/onnxruntime-web/ (onnxruntime-node cannot be used: its install step downloads
# binaries from elsewhere).  Prints the module to require(): .../dist/ort.node.min.js.
set -eu
cd "$(dirname "$0")/.."

VERSION=1.17.3
WEB_SHA256=030e82b5f637a4246d83597a011822353b7f7db683958c27c12f9d33643879bd
COMMON_SHA256=e7f3286257abae693305e65b212a50aac244a8b0c5284c48e9b8fa6638120a36
dir=data/onnxruntime-web
module=$dir/dist/ort.node.min.js

if [ -f "$dir/.verified-$VERSION" ]; then
    echo "$module"
    exit 0
fi
command -v npm >/dev/null || tools/deps.sh npm
command -v node >/dev/null || tools/deps.sh nodejs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetch() {   # fetch PACKAGE SHA256: PACKAGE-VERSION.tgz into $tmp, verified
    echo "fetch-onnxruntime: npm pack $1@$VERSION" >&2
    (cd "$tmp" && npm pack --silent "$1@$VERSION" >/dev/null)
    echo "$2  $tmp/$1-$VERSION.tgz" | sha256sum --check --status \
        || { echo "fetch-onnxruntime: $1@$VERSION does not match its pinned SHA-256" >&2; exit 1; }
}
fetch onnxruntime-web "$WEB_SHA256"
fetch onnxruntime-common "$COMMON_SHA256"
rm -rf "$dir"
mkdir -p "$dir/node_modules/onnxruntime-common"
tar xzf "$tmp/onnxruntime-web-$VERSION.tgz" -C "$dir" --strip-components=1
tar xzf "$tmp/onnxruntime-common-$VERSION.tgz" -C "$dir/node_modules/onnxruntime-common" \
    --strip-components=1
touch "$dir/.verified-$VERSION"
echo "fetch-onnxruntime: $dir verified" >&2
echo "$module"
