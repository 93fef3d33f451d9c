# A trainer with relu and tanh into softmax, cross-entropy, Adam with weight decay,
# uniform init.
netc tests/codegen/nets/adam_softmax.net -o out
