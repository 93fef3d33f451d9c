# samples/xor.net in integers only (a tanh table, one sigmoid output), calibrated on its
# data block's CSV (samples/xor.csv).
netc --emit infer --weights tests/snapshots/inputs/xor.safetensors --quantize int8-integer samples/xor.net -o out
