# The conv export in integers only (strides and padding, a leaky_relu table on a conv
# layer, avgpool and maxpool, dropout, a tanh table, softmax in fixed point), calibrated
# on the IDX file of MNIST's first 100 training images.
netc --emit infer --weights tests/snapshots/inputs/conv.safetensors --quantize int8-integer --calibration tests/snapshots/inputs/mnist_100.idx tests/e2e/export/conv.net -o out
