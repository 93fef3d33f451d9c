# A float export from a .net without a train block (tests/snapshots/inputs/xor_layers.net).
netc --emit infer --weights tests/snapshots/inputs/xor.safetensors tests/snapshots/inputs/xor_layers.net -o out
