# samples/xor.net in int8, calibrated on its data block's CSV (samples/xor.csv).
netc --emit infer --weights tests/snapshots/inputs/xor.safetensors --quantize int8 samples/xor.net -o out
