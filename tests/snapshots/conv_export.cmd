# A conv network exported for inference in float: tests/e2e/export/conv.net (stride 2,
# padding 1, conv -> conv, average and max pooling, dropout, dense), the weights built in
# (inputs/conv.safetensors: one epoch on 2000 images, see inputs/README).
netc --emit infer --weights tests/snapshots/inputs/conv.safetensors tests/e2e/export/conv.net -o out
