# netc --summary and --emit dot (compiler/describe/): a dense network, whose table and
# graph must not change with the conv layers' arrival, the pinned LeNet, and a conv
# network with every option (strides, padding, non-square kernels, avgpool, dropout on
# an image and on a vector, a named conv layer).
mkdir -p out
netc --summary samples/mnist.net > out/mnist.summary
netc --emit dot samples/mnist.net > out/mnist.dot
netc --summary tests/diagnostics/valid_lenet.net > out/lenet.summary
netc --emit dot tests/diagnostics/valid_lenet.net > out/lenet.dot
netc --summary tests/diagnostics/valid_conv_options.net > out/conv_options.summary
netc --emit dot tests/diagnostics/valid_conv_options.net > out/conv_options.dot
