#!/bin/bash
# An output that cannot be written is an error naming the path, and the previous good
# weights and checkpoint stay byte for byte as they were (samples/xor.net, 4 samples):
#  - the directory is replaced by a file (ENOTDIR);
#  - a read-only file system (a tmpfs remounted read-only, in a private mount namespace:
#    the tests run as root, for whom chmod stops nothing);
#  - a full disk (a small tmpfs filled up: ENOSPC);
#  - a device (/dev/full, /dev/null) as the output is refused, never replaced.
source tests/e2e/common.bash
"$netc" build samples/xor.net -o "$work" > /dev/null
xor=$work/xor

# expect_save_error TEXT DIR: training into DIR fails with TEXT naming DIR, files intact.
expect_save_error() {
    local text=$1 dir=$2 status before after
    before=$(cd "$dir" 2> /dev/null && sha256sum w.safetensors w.ckpt 2> /dev/null || true)
    set +e; "$xor" train --save "$dir/w.safetensors" --quiet 2> "$work/err"; status=$?; set -e
    cat "$work/err"
    [ "$status" = 1 ] || fail "$dir: exit $status, expected 1"
    grep -q "^xor: error: $dir/w\.\(ckpt\|safetensors\): .*$text" "$work/err" || fail "$dir: message"
    after=$(cd "$dir" 2> /dev/null && sha256sum w.safetensors w.ckpt 2> /dev/null || true)
    [ "$before" = "$after" ] || fail "$dir: the previous files changed"
    [ -z "$(find "$dir" -name 'w.*.*' 2>/dev/null)" ] || fail "$dir: a temporary file was left: $(ls "$dir")"
    echo "ok: $text: an error naming the file, previous files intact"
}

echo "not a directory" > "$work/file"
expect_save_error "Not a directory" "$work/file"

if ! unshare -m true 2> /dev/null; then
    echo "SKIP: no private mount namespace here (unshare -m): read-only and full-disk cases"
    exit 0
fi
# In a private mount namespace, so that nothing is left mounted whatever happens.
export -f expect_save_error fail
export xor work
unshare -m bash -euo pipefail -c '
    mnt=$work/mnt
    mkdir -p "$mnt"
    mount -t tmpfs -o size=1m tmpfs "$mnt"
    "$xor" train --save "$mnt/w.safetensors" --quiet --keep-checkpoint   # the previous good files
    [ -s "$mnt/w.safetensors" ] && [ -s "$mnt/w.ckpt" ] || fail "no files to protect"
    mount -o remount,ro "$mnt"
    expect_save_error "Read-only file system" "$mnt"
    mount -o remount,rw "$mnt"
    head -c 2m /dev/zero > "$mnt/filler" 2> /dev/null || true  # fills the disk
    expect_save_error "No space left on device" "$mnt"
    umount "$mnt"
'
# Saving renames a temporary file over the target: a device such as /dev/full (or a
# directory) is refused outright, not replaced, even for root.
set +e; "$xor" train --save /dev/full --checkpoint "$work/c.ckpt" --quiet 2> "$work/err"; status=$?; set -e
cat "$work/err"
[ -c /dev/full ] || fail "/dev/full was replaced"
[ "$status" = 1 ] && grep -q '^xor: error: /dev/full: exists and is not a regular file' "$work/err" \
    || fail "--save /dev/full: exit $status"
set +e; "$xor" train --save "$work/w.safetensors" --checkpoint /dev/null --quiet 2> "$work/err"; status=$?; set -e
[ -c /dev/null ] || fail "/dev/null was replaced"
[ "$status" = 1 ] && grep -q '^xor: error: /dev/null: exists and is not a regular file' "$work/err" \
    || fail "--checkpoint /dev/null: exit $status"
echo "ok: devices are refused as outputs, not replaced"
