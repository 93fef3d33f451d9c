"""netspec.py - the benchmark networks as the peers and the report see them.

Reads the subset of the .net language that bench/w*.net use (input, dense, loss,
learning_rate, batch) so that the .net files stay the one description of W1-W3, and
computes the training FLOPs per sample.

    python3 bench/netspec.py bench/w1.net fann   # arguments for bench/peer_fann
"""
import re
import sys


def parse(path):
    """{'name', 'sizes': [784, 16, ...], 'activations': [...], 'loss', 'lr', 'batch'}"""
    spec = {"sizes": [], "activations": []}
    with open(path) as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if not words:
                continue
            key = words[0]
            if key == "network":
                spec["name"] = words[1]
            elif key == "input":
                spec["sizes"].append(int(words[1]))
            elif key == "dense":
                spec["sizes"].append(int(words[1]))
                spec["activations"].append(words[2] if len(words) > 2 else "linear")
            elif key == "loss":
                spec["loss"] = words[1]
            elif key == "learning_rate":
                spec["lr"] = float(words[1])
            elif key == "batch":
                spec["batch"] = int(words[1])
    return spec


def training_flops(sizes, batch):
    """FLOPs per training sample of a dense network, one FMA = 2 FLOPs:
    2 x (forward + weight-gradient + input-gradient MACs, no input gradient for the
    first layer) + the SGD update's 2 FLOPs per parameter, once per batch."""
    weights = [a * b for a, b in zip(sizes, sizes[1:])]
    macs = 2 * sum(weights) + sum(weights[1:])
    params = sum(weights) + sum(sizes[1:])
    return 2 * macs + 2 * params / batch


def describe(spec):
    """'784-16-16-10 sigmoid, mse, SGD batch 10'"""
    return "%s %s, %s, SGD batch %d" % ("-".join(map(str, spec["sizes"])),
                                        "/".join(sorted(set(spec["activations"]))),
                                        spec["loss"], spec["batch"])


def main():
    spec = parse(sys.argv[1])
    if sys.argv[2:] == ["fann"]:
        # FANN: no mini-batches (the per-sample rate is lr / batch) and no softmax.
        hidden = "relu" if spec["activations"][0] == "relu" else "sigmoid"
        print("--layers %s --hidden %s --lr %g" % (",".join(map(str, spec["sizes"])), hidden,
                                                   spec["lr"] / spec["batch"]))
    else:
        print(describe(spec), "%.4f MFLOP/sample" % (training_flops(spec["sizes"],
                                                                    spec["batch"]) / 1e6))


if __name__ == "__main__":
    main()
