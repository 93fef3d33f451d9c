"""netspec.py - the benchmark networks as the peers and the report see them.

Reads the subset of the .net language that bench/w*.net use (input, dense, conv, maxpool,
avgpool, dropout, loss, learning_rate, batch) so that the .net files stay the one
description of W1-W4, and computes the training FLOPs per sample.

    python3 bench/netspec.py bench/w1.net fann   # arguments for bench/peer_fann
"""
import re
import sys


def dims(word):
    """'5x5' -> [5, 5]; '1x28x28' -> [1, 28, 28]"""
    return [int(d) for d in word.split("x")]


def option(words, name, default):
    """`stride N` / `padding N` among a layer's words."""
    return int(words[words.index(name) + 1]) if name in words else default


def add_layer(spec, words):
    """One layer line: its entry in spec['layers'] and the C x H x W it leaves."""
    kind, (c, h, w) = words[0], spec["shape"]
    layer = {"kind": kind, "in": (c, h, w), "macs": 0, "params": 0}
    if kind == "conv":
        kh, kw = dims(words[2])
        stride, pad = option(words, "stride", 1), option(words, "padding", 0)
        out_c = int(words[1])
        h, w = (h + 2 * pad - kh) // stride + 1, (w + 2 * pad - kw) // stride + 1
        fan_in = c * kh * kw
        layer.update(units=out_c, kernel=(kh, kw), stride=stride, padding=pad,
                     activation=words[3], macs=out_c * fan_in * h * w,
                     params=out_c * (fan_in + 1))
        c = out_c
    elif kind in ("maxpool", "avgpool"):
        kh, kw = dims(words[1])
        stride = option(words, "stride", kh)
        h, w = (h - kh) // stride + 1, (w - kw) // stride + 1
        layer.update(window=(kh, kw), stride=stride)
    elif kind == "dropout":
        layer["rate"] = float(words[1])
    else:   # dense: flattens an image (C x H x W order)
        units, fan_in = int(words[1]), c * h * w
        layer.update(units=units, activation=words[2] if len(words) > 2 else "linear",
                     macs=fan_in * units, params=units * (fan_in + 1))
        spec["sizes"].append(units)
        spec["activations"].append(layer["activation"])
        c, h, w = units, 1, 1
    layer["out"] = (c, h, w)
    spec["layers"].append(layer)
    spec["shape"] = (c, h, w)


def parse(path):
    """{'name', 'input': (C, H, W), 'layers': [{'kind', 'in', 'out', 'macs', 'params',
    ...}], 'sizes': [784, 16, ...] (the input and the dense layers), 'activations': [...]
    (of the dense layers), 'loss', 'lr', 'batch'}"""
    spec = {"sizes": [], "activations": [], "layers": []}
    with open(path) as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            key = words[0]
            if key == "network":
                spec["name"] = words[1]
            elif key == "input":
                shape = dims(words[1])
                spec["input"] = spec["shape"] = tuple([1] * (3 - len(shape)) + shape)
                spec["sizes"].append(shape[0] if len(shape) == 1 else
                                     spec["input"][0] * spec["input"][1] * spec["input"][2])
            elif key in ("dense", "conv", "maxpool", "avgpool", "dropout"):
                add_layer(spec, words)
            elif key == "loss":
                spec["loss"] = words[1]
            elif key == "learning_rate":
                spec["lr"] = float(words[1])
            elif key == "batch":
                spec["batch"] = int(words[1])
    return spec


def is_conv(spec):
    return any(layer["kind"] != "dense" for layer in spec["layers"])


def training_flops(spec, batch):
    """FLOPs per training sample, one FMA = 2 FLOPs: 2 x (forward + weight-gradient +
    input-gradient MACs, no input gradient for the first layer) + the SGD update's 2 FLOPs
    per parameter, once per batch.  A dense layer's forward MACs are in x out; a conv
    layer's OUT_C x (C·KH·KW) x OH x OW, and its two gradients as many.  Pooling and
    dropout are left out (a comparison, add or multiply per element: O(activations), as
    the bias additions and activations are)."""
    weighted = [layer["macs"] for layer in spec["layers"] if layer["params"]]
    macs = 2 * sum(weighted) + sum(weighted[1:])
    params = sum(layer["params"] for layer in spec["layers"])
    return 2 * macs + 2 * params / batch


def label(spec):
    """'784-16-16-10', or for a conv network '1x28x28 conv6-pool-conv16-pool-120-84-10'"""
    if not is_conv(spec):
        return "-".join(map(str, spec["sizes"]))
    parts = {"conv": lambda l: "conv%d" % l["units"], "maxpool": lambda l: "pool",
             "avgpool": lambda l: "avgpool", "dropout": lambda l: None,
             "dense": lambda l: str(l["units"])}
    names = [parts[l["kind"]](l) for l in spec["layers"]]
    return "%s %s" % ("x".join(map(str, spec["input"])), "-".join(n for n in names if n))


def describe(spec):
    """'784-16-16-10 sigmoid, mse, SGD batch 10'"""
    acts = [l["activation"] for l in spec["layers"] if "activation" in l]
    dropout = ["dropout %g" % l["rate"] for l in spec["layers"] if l["kind"] == "dropout"]
    return "%s %s%s, %s, SGD batch %d" % (label(spec), "/".join(sorted(set(acts))),
                                          "".join(", " + d for d in dropout),
                                          spec["loss"], spec["batch"])


def main():
    spec = parse(sys.argv[1])
    if sys.argv[2:] == ["fann"] and is_conv(spec):
        sys.exit("netspec: %s has layers FANN does not have" % sys.argv[1])
    if sys.argv[2:] == ["fann"]:
        # FANN: no mini-batches (the per-sample rate is lr / batch) and no softmax.
        hidden = "relu" if spec["activations"][0] == "relu" else "sigmoid"
        print("--layers %s --hidden %s --lr %g" % (",".join(map(str, spec["sizes"])), hidden,
                                                   spec["lr"] / spec["batch"]))
    else:
        print(describe(spec), "%.4f MFLOP/sample" % (training_flops(spec, spec["batch"]) / 1e6))


if __name__ == "__main__":
    main()
