#!/bin/bash
# A dense first layer skips its zero inputs (compiler/kernels/sparse.h) with the same bits
# as multiplying them all (-DNETC_DENSE_INPUT=1): trained weights and exported outputs,
# byte for byte, built as netc builds (-O3 -march=native: here the processor's widest
# vectors, which the kernel suite's fixed builds do not all cover; the export without a
# warning under -Wall -Wextra -Wpedantic).  Two networks: one
# whose weight gradient skips rows too (batch x outputs >= 512), one whose does not.
source tests/e2e/common.bash
tools/fetch-data.sh mnist
cflags=${CFLAGS:--O3 -march=native}
cat > "$work/wide.net" <<'NET'
network wide
input 784
dense 64 relu
dense 10 softmax
train {
    loss cross_entropy
    optimizer adam
    learning_rate 0.002
    batch 32
}
NET
cat > "$work/driver.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include NET_H
/* IMAGES N OUT: N images (IDX bytes / 255) one per call, then all in one batch call;
 * the outputs' bytes into OUT */
int main(int argc, char **argv)
{
    FILE *f = fopen(argv[1], "rb"), *o = fopen(argv[3], "wb");
    const int n = atoi(argv[2]);
    unsigned char *b = malloc((size_t)n * N_IN);
    float *x = malloc(sizeof(float) * n * N_IN), *y = malloc(sizeof(float) * n * N_OUT);
    if (!f || !o || fseek(f, 16, SEEK_SET) || fread(b, N_IN, n, f) != (size_t)n)
        return 1;
    for (long i = 0; i < (long)n * N_IN; i++)
        x[i] = b[i] / 255.0f;
    for (int i = 0; i < n; i++)
        PREDICT(x + (long)i * N_IN, y + (long)i * N_OUT);
    fwrite(y, sizeof(float), (size_t)n * N_OUT, o);
    PREDICT_BATCH(x, y, n);
    fwrite(y, sizeof(float), (size_t)n * N_OUT, o);
    return fclose(o) != 0;
}
C
for spec in samples/mnist.net:mnist "$work/wide.net":wide; do
    net=${spec%%:*} name=${spec##*:}
    for how in skip dense; do
        flags=$cflags
        [ $how = dense ] && flags="$cflags -DNETC_DENSE_INPUT=1"
        CFLAGS="$flags" "$netc" build "$net" -o "$work/$name-$how" > /dev/null
        "$work/$name-$how/$name" train --data data/mnist --limit 3000 --epochs 1 --quiet \
            --save "$work/$name-$how.safetensors"
    done
    cmp "$work/$name-skip.safetensors" "$work/$name-dense.safetensors" ||
        fail "$name: the weights trained skipping zero inputs differ from every input's"
    grep -q input_outer_sum "$work/$name-skip/$name.c" || fail "$name: no input_outer_sum"
    echo "ok: $name: the same weights after an epoch of 3000 images, skipping zero inputs or not"
    "$netc" --emit infer --weights "$work/$name-skip.safetensors" "$net" -o "$work/$name-e" \
        > /dev/null
    up=$(echo "$name" | tr a-z A-Z)
    for how in skip dense; do
        flags=$cflags
        [ $how = dense ] && flags="$cflags -DNETC_DENSE_INPUT=1"
        # shellcheck disable=SC2086
        ${CC:-cc} $flags -std=c99 -Wall -Wextra -Wpedantic -Werror -c "$work/$name-e/$name.c" \
            -o "$work/$name-$how.o" || fail "$name: the export warns with $flags"
        # shellcheck disable=SC2086
        ${CC:-cc} $flags -std=c99 -I"$work/$name-e" -DNET_H="\"$name.h\"" \
            -DN_IN="${up}_N_INPUT" -DN_OUT="${up}_N_OUTPUT" -DPREDICT="${name}_predict" \
            -DPREDICT_BATCH="${name}_predict_batch" -o "$work/$name-$how-infer" \
            "$work/driver.c" "$work/$name-e/$name.c" -lm
        "$work/$name-$how-infer" data/mnist/t10k-images-idx3-ubyte 2000 "$work/$name-$how.out"
    done
    cmp "$work/$name-skip.out" "$work/$name-dense.out" ||
        fail "$name: the export's outputs skipping zero inputs differ from every input's"
    echo "ok: $name: the export's outputs of 2000 test images, one per call and batched, the same bytes"
done
