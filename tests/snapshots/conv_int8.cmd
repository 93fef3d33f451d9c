# The same conv export in int8 (a scale per filter, int16 columns, pooling and dropout
# in float), calibrated on the IDX file of MNIST's first 100 training images.
netc --emit infer --weights tests/snapshots/inputs/conv.safetensors --quantize int8 --calibration tests/snapshots/inputs/mnist_100.idx tests/e2e/export/conv.net -o out
