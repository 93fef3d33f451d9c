#!/usr/bin/python3
"""netc-trained networks exported with --emit onnx, checked by ONNX's own checker, run by
onnxruntime (npm's onnxruntime-web under Node), and imported back (docs/onnx.md).

For each case netc builds the trainer, trains briefly, saves the weights and exports the
network with `netc --emit onnx`.  Per case:
  - onnx.checker.check_model(full_check=True) accepts the model; its input is "input"
    [batch, the .net's input shape], its output "output", its metadata names the network,
    netc's version and the .net file;
  - onnxruntime's outputs on the samples (1000 MNIST test images, or the CSV rows) equal
    the trainer's `predict --raw` outputs: maxdiff = max|ort - netc| / max(1, max|netc|)
    at most 1e-5;
  - the round trip: `netc import` of the model gives a .net file whose `netc --summary`
    is the original's (the same layers, names, activations and shapes) and a weights file
    whose tensors are the original's bit for bit;
  - conv networks also: PyTorch's float64 forward pass of the same layers (Conv2d,
    MaxPool2d, AvgPool2d, Dropout, Linear, built from the .net file) with the weights
    file's tensors, against onnxruntime's outputs: maxdiff at most 1e-5.
Prints `OK, maxdiff = ...` per case.
usage: onnx_export.py NETC WORKDIR ORT_MODULE
"""
import os
import re
import subprocess
import sys

import numpy as np
import onnx
import torch

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from netc_weights import read_idx, read_safetensors  # noqa: E402

TOLERANCE = 1e-5
MNIST = "data/mnist"
N_TEST = 1000
TRAIN = """
train {{
    loss          {loss}
    optimizer     adam
    learning_rate 0.003
    batch         32
    epochs        1
}}
"""

# name: (.net text without its train block, loss, data: "mnist" or a CSV scale)
CASES = {
    "mnist": (open("samples/mnist.net").read().split("train {")[0], "mse", "mnist"),
    "mnist_relu": (open("samples/mnist_relu.net").read().split("train {")[0], "cross_entropy",
                   "mnist"),
    "named": ("network named\ninput 28x28\ndense 48 tanh as hidden1\n"
              "dense 19 leaky_relu(alpha = 0.1) as hidden2\ndense 10 linear as logits\n",
              "mse", "mnist"),
    "csv_std": ("network csv_std\ninput 5\ndense 8 relu\ndense 3 softmax\n", "cross_entropy",
                "standardize"),
    "csv_unit": ("network csv_unit\ninput 5\ndense 6 sigmoid as h\ndense 3 sigmoid as out\n",
                 "mse", "unit"),
    # conv networks: LeNet with dropout between the dense layers
    "lenet": ("network lenet\ninput 1x28x28\nconv 6 5x5 relu padding 2\nmaxpool 2x2\n"
              "conv 16 5x5 relu\navgpool 2x2\ndense 120 relu\ndropout 0.5\ndense 84 relu\n"
              "dense 10 softmax\n", "cross_entropy", "mnist"),
    # an H x W input (a Reshape to 1 x H x W), sigmoid, a named conv, dropout on an image
    "image2d": ("network image2d\ninput 28x28\nconv 4 3x3 sigmoid as features\ndropout 0.2\n"
                "avgpool 2x2\ndense 10 sigmoid\n", "mse", "mnist"),
    # 3 channels, non-square, stride 2 with padding, a 3x1 kernel, a 1x3 window, the input
    # standardized (its statistics shaped 3 x 13 x 17)
    "rgb": ("network rgb\ninput 3x13x17\nconv 4 3x3 tanh stride 2 padding 1\n"
            "conv 5 3x1 leaky_relu(alpha = 0.1)\nmaxpool 1x3\ndense 3 softmax\n",
            "cross_entropy", "standardize"),
}


def run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        sys.exit(f"FAILED: {' '.join(cmd)}\n{result.stdout}{result.stderr}")
    return result.stdout


def csv_data(d, n_in):
    """200 rows of n_in features on different scales, a class 0-2: train.csv (with
    labels) and x.csv (features only, for predict)."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(200, n_in)) * np.resize([1, 10, 0.1, 100, 3], n_in) + \
        np.resize([0, 5, -1, 50, 0], n_in)
    y = (x[:, 0] > 0).astype(int) + (x[:, 3] > 50).astype(int)
    np.savetxt(os.path.join(d, "train.csv"), np.column_stack([x, y]), delimiter=",",
               fmt=["%.6g"] * n_in + ["%d"])
    np.savetxt(os.path.join(d, "x.csv"), x, delimiter=",", fmt="%.6g")
    return np.loadtxt(os.path.join(d, "x.csv"), delimiter=",", dtype=np.float32)


def train(netc, d, name, text, loss, data):
    """The trainer built and trained; returns the .net path, weights, the samples (as the
    ONNX model takes them) and the file predict reads."""
    net = os.path.join(d, f"{name}.net")
    body = text + TRAIN.format(loss=loss)
    if data == "mnist":
        samples = os.path.join(MNIST, "t10k-images-idx3-ubyte")
        x = read_idx(samples)[:N_TEST].reshape(N_TEST, -1).astype(np.float32) * np.float32(1 / 255)
        args = ["--data", MNIST, "--limit", "3000"]
    else:
        x = csv_data(d, int(np.prod(input_shape(text))))
        samples = os.path.join(d, "x.csv")
        body += (f'\ndata {{\n    train_csv "{d}/train.csv"\n    scale {data}\n}}\n')
        args = ["--epochs", "20"]
    with open(net, "w") as f:
        f.write(body)
    run([netc, "build", net, "-o", d])
    weights = os.path.join(d, f"{name}.safetensors")
    run([os.path.join(d, name), "train", "--quiet", *args, "--save", weights])
    return net, weights, x, samples


def input_shape(text):
    return [int(v) for v in text.split("input ")[1].split()[0].split("x")]


def torch_model(text, weights):
    """The .net file's layers as a float64 torch.nn.Sequential holding the weights file's
    tensors (layers named as netc names them), the input scaling first."""
    t = {k: torch.from_numpy(v.astype(np.float64)) for k, v in read_safetensors(weights).items()}
    nn, layers, counts = torch.nn, [], {}
    shape = input_shape(text)
    if len(shape) == 2:
        layers.append(nn.Unflatten(1, (1, shape[0])))   # [n, H, W] -> [n, 1, H, W]
    image = len(shape) > 1
    for line in text.splitlines()[2:]:
        line, _, name = re.sub(r"leaky_relu\(alpha = ([^)]*)\)", r"leaky_relu:\1", line).partition(" as ")
        kind, *words = line.split()
        counts[kind] = counts.get(kind, 0) + 1
        name = name or f"{kind}{counts[kind]}"
        if kind in ("maxpool", "avgpool"):
            k = tuple(map(int, words[0].split("x")))
            stride = int(words[2]) if len(words) > 2 else k
            layers.append((nn.MaxPool2d if kind == "maxpool" else nn.AvgPool2d)(k, stride=stride))
            continue
        if kind == "dropout":
            layers.append(nn.Dropout(float(words[0])))
            continue
        w, act = t[f"{name}.weight"], words[-1] if kind == "dense" else words[2]
        if kind == "conv":
            opts = dict(zip(words[3::2], map(int, words[4::2])))
            layer = nn.Conv2d(w.shape[1], w.shape[0], tuple(w.shape[2:]), **opts)
        else:
            layers += [nn.Flatten()] if image else []
            image = False
            layer = nn.Linear(w.shape[1], w.shape[0])
        layer.weight.data, layer.bias.data = w, t[f"{name}.bias"]
        layers.append(layer)
        layers.append(nn.LeakyReLU(float(act.split(":")[1])) if act.startswith("leaky_relu") else
                      {"relu": nn.ReLU(), "sigmoid": nn.Sigmoid(), "tanh": nn.Tanh(),
                       "softmax": nn.Softmax(dim=1), "linear": nn.Identity()}[act])
    model = nn.Sequential(*layers).double().eval()
    if "input.mean" not in t:
        return model
    mean, std = t["input.mean"].reshape(shape), t["input.std"].reshape(shape)
    return lambda x: model((x - mean) / torch.where(std > 0, std, torch.ones_like(std)))


def check_model(path, net, name, shape):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    meta = {p.key: p.value for p in model.metadata_props}
    dims = [d.dim_value or d.dim_param for d in model.graph.input[0].type.tensor_type.shape.dim]
    problems = []
    if meta.get("network") != name or meta.get("source") != net or "netc_version" not in meta:
        problems.append(f"metadata {meta}")
    if model.graph.input[0].name != "input" or model.graph.output[0].name != "output":
        problems.append("input/output names")
    if dims != ["batch", *shape]:
        problems.append(f"input shape {dims}")
    return problems


def summary(netc, net):
    """netc --summary's input and table of layers (what it says of training left out)."""
    lines = run([netc, "--summary", net]).splitlines()
    first = lines[0].split(", ")[:2]
    table = lines[lines.index(next(l for l in lines if l.startswith("layer "))):]
    return first + table[:next(i for i, l in enumerate(table) if l.startswith("total")) + 1]


def round_trip(netc, d, name, net, weights, onnx_path):
    back = os.path.join(d, "back")
    run([netc, "import", onnx_path, "-o", back])
    problems = []
    if summary(netc, os.path.join(back, f"{name}.net")) != summary(netc, net):
        problems.append("the imported layers differ")
    a, b = read_safetensors(weights), read_safetensors(os.path.join(back, f"{name}.safetensors"))
    # input.min/max come back as input.mean/std: the same (x - min) / (max - min)
    same = {k: v for k, v in a.items() if not k.startswith(("input.min", "input.max"))}
    if any(k not in b or v.tobytes() != b[k].tobytes() for k, v in same.items()):
        problems.append("the imported weights differ")
    return problems


def one_case(netc, work, ort, name):
    text, loss, data = CASES[name]
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    net, weights, x, samples = train(netc, d, name, text, loss, data)
    onnx_path = os.path.join(d, "model", f"{name}.onnx")
    run([netc, "--emit", "onnx", "--weights", weights, net, "-o", onnx_path])
    shape = input_shape(text)
    problems = check_model(onnx_path, net, name, shape)
    raw = run([os.path.join(d, name), "predict", "--raw", "--weights", weights, samples])
    ref = np.array([[float(v) for v in line.split()] for line in raw.splitlines()[:len(x)]])
    x.astype("<f4").tofile(os.path.join(d, "x.f32"))
    run(["node", os.path.join(os.path.dirname(__file__), "onnx", "run_ort.js"), ort, onnx_path,
         ",".join(map(str, shape)), os.path.join(d, "x.f32"), os.path.join(d, "y.f32")])
    ours = np.fromfile(os.path.join(d, "y.f32"), dtype="<f4").reshape(len(x), -1)
    diff = float(np.abs(ours.astype(np.float64) - ref).max() / max(1.0, np.abs(ref).max()))
    if diff > TOLERANCE:
        problems.append("onnxruntime's outputs differ")
    problems += round_trip(netc, d, name, net, weights, onnx_path)
    note = ""
    if any(kind in text for kind in ("conv", "pool", "dropout")):
        with torch.no_grad():
            ref = torch_model(text, weights)(torch.from_numpy(x.astype(np.float64))
                                             .reshape(len(x), *shape)).numpy()
        tdiff = float(np.abs(ours - ref).max() / max(1.0, np.abs(ref).max()))
        note = f", PyTorch float64 vs onnxruntime {tdiff:.2e}"
        if tdiff > TOLERANCE:
            problems.append("PyTorch's outputs differ")
    print(f"{'FAIL' if problems else 'OK'}, maxdiff = {diff:.2e}  {name}: checker passed, "
          f"onnxruntime vs predict --raw on {len(x)} samples{note}, round trip "
          f"{'bit-identical' if not problems else '; '.join(problems)}")
    return not problems


def main():
    netc, work, ort = sys.argv[1], sys.argv[2], sys.argv[3]
    torch.set_num_threads(1)
    results = [one_case(netc, work, ort, name) for name in CASES]
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
