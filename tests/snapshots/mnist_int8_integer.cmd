# The same export in integers only (sigmoid tables, int32 biases, fixed-point rescaling),
# calibrated on the IDX file of MNIST's first 100 training images.
netc --emit infer --weights tests/snapshots/inputs/mnist.safetensors --quantize int8-integer --calibration tests/snapshots/inputs/mnist_100.idx samples/mnist.net -o out
