# samples/mnist.net exported for inference in float, the weights built in
# (inputs/mnist.safetensors: one epoch on 2000 images, see inputs/README).
netc --emit infer --weights tests/snapshots/inputs/mnist.safetensors samples/mnist.net -o out
