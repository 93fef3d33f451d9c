#!/usr/bin/python3
"""PyTorch models exported with torch.onnx.export, imported by netc (docs/onnx.md).

For each case a torch.nn module (PyTorch's own initialisation, seed 1) is exported to
ONNX at an opset PyTorch 1.13 writes (9 to 17), `netc import` turns it into a .net file
and weights, `netc --emit infer` into C (or `netc --emit infer MODEL.onnx`, both steps in
one), and the C, compiled with tests/e2e/torch_export/driver.c, runs on the first 1000
MNIST test images.  Per case:
  - maxdiff = max|C - torch| / max(1, max|torch|) over every output, against PyTorch's
    float32 forward pass: at most 1e-5;
  - the imported .net file has the expected layers, and NAME_selftest() is below 1e-5.
Cases with --quantize int8 also export the int8 C and check its classes agree with the
float C's on at least 97% of the images.

Conv networks (conv_cases) are imported the same way, on the first 1000 MNIST test
images or on random images, against PyTorch's float64 forward pass on the same float32
weights, maxdiff at most 1e-5 for both: the C of `--emit infer` (one case with the
one-command form, two with an int8 export whose classes must agree with the float C's
on at least 97%), and the trainer netc builds from the imported file (a train block
added) through `predict --raw --weights`.  The imported weights file holds each tensor of
the model bit for bit (conv weights [out, in, kh, kw]).
Prints `OK, maxdiff = ...` per case.
usage: onnx_import.py NETC WORKDIR
"""
import os
import shlex
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from netc_weights import read_idx, read_safetensors  # noqa: E402

TOLERANCE = 1e-5
MNIST = "data/mnist"
N_TEST = 1000
nn = torch.nn


class Normalized(nn.Module):
    """torchvision's Normalize((0.1307,), (0.3081,)) inside the model: Sub and Div."""
    def __init__(self, body):
        super().__init__()
        self.body = body

    def forward(self, x):
        return self.body((x - 0.1307) / 0.3081)


class ViewFlat(nn.Module):
    """x.view(-1, 784): a Reshape with a constant shape."""
    def __init__(self, body):
        super().__init__()
        self.body = body

    def forward(self, x):
        return self.body(x.view(-1, 784))


# name: (module, one sample's shape, opset, the .net layers netc must write, options)
def cases():
    torch.manual_seed(1)
    return {
        # samples/mnist.net: 3Blue1Brown's network
        "mnist": (nn.Sequential(nn.Flatten(), nn.Linear(784, 16), nn.Sigmoid(), nn.Linear(16, 16),
                                nn.Sigmoid(), nn.Linear(16, 10), nn.Sigmoid()),
                  (1, 28, 28), 9, ["input 1x28x28", "dense 16 sigmoid", "dense 16 sigmoid",
                                   "dense 10 sigmoid"], []),
        # samples/mnist_relu.net, with dropout (dropped in eval) and a softmax output
        "mnist_relu": (nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.2),
                                     nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10),
                                     nn.Softmax(dim=1)),
                       (784,), 13, ["input 784", "dense 128 relu", "dense 64 relu",
                                    "dense 10 softmax"], ["int8"]),
        # samples/mnist_wide.net's shape, logits out
        "wide_logits": (nn.Sequential(nn.Flatten(), nn.Linear(784, 800), nn.ReLU(),
                                      nn.Linear(800, 10)),
                        (28, 28), 11, ["input 28x28", "dense 800 relu", "dense 10 linear"], []),
        # odd sizes, every other activation, a Reshape, a layer without bias (MatMul alone)
        "odd": (ViewFlat(nn.Sequential(nn.Linear(784, 37), nn.Tanh(), nn.Linear(37, 13, bias=False),
                                       nn.LeakyReLU(0.2), nn.Linear(13, 7), nn.Identity(),
                                       nn.Linear(7, 3), nn.Sigmoid())),
                (1, 28, 28), 17, ["input 1x28x28", "dense 37 tanh",
                                  "dense 13 leaky_relu(alpha = 0.2)", "dense 7 linear",
                                  "dense 3 sigmoid"], ["shortcut"]),
        # the input normalised in the model (Sub, Div): netc's input.mean / input.std
        "normalized": (Normalized(nn.Sequential(nn.Flatten(), nn.Linear(784, 24), nn.LeakyReLU(),
                                                nn.Linear(24, 10), nn.Softmax(dim=-1))),
                       (1, 28, 28), 15, ["input 1x28x28", "dense 24 leaky_relu(alpha = 0.01)",
                                         "dense 10 softmax"], ["int8"]),
        # LogSoftmax out: imported as softmax (--log-softmax softmax), compared with e^y
        "log_softmax": (nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.ReLU(),
                                      nn.Linear(32, 10), nn.LogSoftmax(dim=1)),
                        (1, 28, 28), 12, ["input 1x28x28", "dense 32 relu", "dense 10 softmax"],
                        ["log-softmax"]),
    }


class TorchMnist(nn.Module):
    """PyTorch's classic MNIST example: a flat input viewed as an image, F.relu after
    F.max_pool2d (netc applies it before the pool: the same numbers), dropout, view."""
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, 5)
        self.conv2 = nn.Conv2d(10, 20, 5)
        self.conv2_drop = nn.Dropout2d()
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = x.view(-1, 1, 28, 28)
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = F.relu(self.fc1(x.view(-1, 320)))
        x = F.dropout(x, training=self.training)
        return F.log_softmax(self.fc2(x), dim=1)


class Unsqueezed(nn.Module):
    """An H x W input given its channel by x.unsqueeze(1) (opset 13: the axes an input)."""
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 5)
        self.fc = nn.Linear(4 * 12 * 12, 10)

    def forward(self, x):
        x = F.max_pool2d(torch.relu(self.conv1(x.unsqueeze(1))), 2)
        return self.fc(torch.flatten(x, 1))


# name: (module, one sample's shape, opset, the .net layers netc must write, data:
# "mnist" or the number of random CSV samples, options)
def conv_cases():
    torch.manual_seed(1)
    return {
        # LeNet-like: conv 6 5x5 padding 2, maxpool, conv 16 5x5, avgpool (PyTorch writes a
        # Pad of nothing before it), dense layers with dropout between
        "lenet": (nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                                nn.Conv2d(6, 16, 5), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(),
                                nn.Linear(400, 120), nn.ReLU(), nn.Dropout(0.5),
                                nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10)),
                  (1, 28, 28), 13, ["input 1x28x28", "conv 6 5x5 relu padding 2", "maxpool 2x2",
                                    "conv 16 5x5 relu", "avgpool 2x2", "dense 120 relu",
                                    "dense 84 relu", "dense 10 linear"], "mnist", ["int8"]),
        # 3 channels, a non-square image, stride 2 with padding 1, a 3x1 kernel, a 1x3
        # window, tanh, leaky ReLU and sigmoid
        "rgb_stride2": (nn.Sequential(nn.Conv2d(3, 4, 3, stride=2, padding=1), nn.Tanh(),
                                      nn.Conv2d(4, 5, (3, 1)), nn.LeakyReLU(0.1),
                                      nn.MaxPool2d((1, 3)), nn.Flatten(), nn.Linear(75, 7),
                                      nn.Sigmoid()),
                        (3, 13, 17), 11, ["input 3x13x17", "conv 4 3x3 tanh stride 2 padding 1",
                                          "conv 5 3x1 leaky_relu(alpha = 0.1)", "maxpool 1x3",
                                          "dense 7 sigmoid"], 200, ["shortcut"]),
        # PyTorch's MNIST example, its LogSoftmax imported as softmax
        "torch_mnist": (TorchMnist(), (784,), 9,
                        ["input 1x28x28", "conv 10 5x5 relu", "maxpool 2x2", "conv 20 5x5 relu",
                         "maxpool 2x2", "dense 50 relu", "dense 10 softmax"], "mnist",
                        ["log-softmax", "int8"]),
        # BatchNorm after a conv (folded into it by the exporter), overlapping 3x3 windows
        # at stride 2, a global average pool (AdaptiveAvgPool2d(1)), opset 17
        "global_pool": (nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                                      nn.MaxPool2d(3, stride=2), nn.Conv2d(8, 12, 3),
                                      nn.Sigmoid(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                      nn.Linear(12, 10), nn.Softmax(dim=1)),
                        (1, 27, 27), 17, ["input 1x27x27", "conv 8 3x3 relu padding 1",
                                          "maxpool 3x3 stride 2", "conv 12 3x3 sigmoid",
                                          "avgpool 11x11", "dense 10 softmax"], 100, []),
        "unsqueeze": (Unsqueezed(), (28, 28), 13, ["input 28x28", "conv 4 5x5 relu", "maxpool 2x2",
                                                   "dense 10 linear"], "mnist", []),
        # nn.ZeroPad2d(2) before a conv without padding (opset 10: the widths an attribute):
        # the conv's padding
        "zero_pad": (nn.Sequential(nn.ZeroPad2d(2), nn.Conv2d(1, 3, 5), nn.Tanh(), nn.AvgPool2d(4),
                                   nn.Flatten(), nn.Linear(3 * 7 * 7, 10)),
                     (1, 28, 28), 10, ["input 1x28x28", "conv 3 5x5 tanh padding 2", "avgpool 4x4",
                                       "dense 10 linear"], "mnist", []),
        # exported in training mode with TrainingMode.PRESERVE: a Dropout node (its ratio an
        # attribute at opset 11) becomes a dropout layer; compared in eval mode
        "dropout_node": (nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.Dropout(0.3), nn.ReLU(),
                                       nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 14 * 14, 10)),
                         (1, 28, 28), 11, ["input 1x28x28", "conv 4 3x3 relu padding 1",
                                           "dropout 0.3", "maxpool 2x2", "dense 10 linear"],
                         "mnist", ["preserve"]),
    }


TRAIN_BLOCK = "\ntrain {{\n    loss          {loss}\n    learning_rate 0.1\n}}\n"


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"FAILED: {' '.join(cmd)}\n{result.stdout}{result.stderr}")
    return result.stdout


def compile_driver(d, name):
    driver = os.path.join(d, "driver")
    run([*shlex.split(os.environ.get("CC", "cc")), "-std=c99", "-O2", "-Wall", "-Wextra",
         "-Wpedantic", "-Werror", f"-I{d}", f"-DNET={name}", f"-DNET_UPPER={name.upper()}",
         f'-DNET_HEADER="{name}.h"',
         os.path.join(os.path.dirname(__file__), "torch_export", "driver.c"),
         os.path.join(d, f"{name}.c"), "-lm", "-o", driver])
    return driver


def run_c(d, name, inputs, n=N_TEST):
    outputs = os.path.join(d, "y.f32")
    lines = run([compile_driver(d, name), inputs, outputs]).splitlines()
    ours = np.fromfile(outputs, dtype="<f4").reshape(n, -1)
    return ours, float(lines[0].split()[1]), np.array([int(v) for v in lines[1:]])


def layers_of(net_path):
    """The .net file's input and layer lines, comments and `as` names left out."""
    out = []
    for line in open(net_path):
        line = line.split("#")[0].strip()
        if line.startswith(("input", "dense", "conv", "maxpool", "avgpool", "dropout")):
            out.append(line.split(" as ")[0])
    return out


def one_case(netc, work, name, case, x_test):
    model, shape, opset, want, options = case
    model.eval()
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    onnx_path = os.path.join(d, f"{name}.onnx")
    torch.onnx.export(model, torch.zeros(1, *shape), onnx_path, opset_version=opset,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    extra = ["--log-softmax", "softmax"] if "log-softmax" in options else []
    if "shortcut" in options:        # import and export in one command
        run([netc, "--emit", "infer", *extra, onnx_path, "-o", d])
    else:
        run([netc, "import", *extra, onnx_path, "-o", d])
        run([netc, "--emit", "infer", "--weights", os.path.join(d, f"{name}.safetensors"),
             os.path.join(d, f"{name}.net"), "-o", d])
    layers = layers_of(os.path.join(d, f"{name}.net"))
    inputs = os.path.join(d, "x.f32")
    x_test.numpy().astype("<f4").tofile(inputs)
    ours, selftest, classes = run_c(d, name, inputs)
    with torch.no_grad():
        ref = model(x_test.reshape(N_TEST, *shape)).numpy()
    if "log-softmax" in options:
        ref = np.exp(ref.astype(np.float64))
    diff = float(np.abs(ours.astype(np.float64) - ref).max() / max(1.0, np.abs(ref).max()))
    ok = diff <= TOLERANCE and layers == want and 0 <= selftest < TOLERANCE
    note = ""
    if "int8" in options:
        d8 = os.path.join(d, "int8")
        run([netc, "--emit", "infer", "--weights", os.path.join(d, f"{name}.safetensors"),
             "--quantize", "int8", "--calibration", f"{MNIST}/train-images-idx3-ubyte",
             os.path.join(d, f"{name}.net"), "-o", d8])
        _, selftest8, classes8 = run_c(d8, name, inputs)
        agree = float((classes8 == classes).mean())
        ok = ok and agree >= 0.97 and 0 <= selftest8 < 1e-4
        note = f"; int8 classes agree with float on {100 * agree:.1f}%"
    print(f"{'OK' if ok else 'FAIL'}, maxdiff = {diff:.2e}  {name} (opset {opset}): "
          f"{', '.join(layers)}; selftest {selftest:.1e}{note}")
    if layers != want:
        print(f"    expected layers: {', '.join(want)}")
    return ok


def export_onnx(model, shape, opset, path, preserve=False):
    """The model as ONNX; preserve: as it trains (its Dropout nodes kept), then back to eval."""
    if preserve:
        model.train()
    torch.onnx.export(model, torch.zeros(1, *shape), path, opset_version=opset,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                      training=torch.onnx.TrainingMode.PRESERVE if preserve else
                      torch.onnx.TrainingMode.EVAL)
    model.eval()


def conv_samples(d, data, shape, x_test):
    """The samples as predict reads them (a file) and as PyTorch takes them (float32)."""
    if data == "mnist":
        return f"{MNIST}/t10k-images-idx3-ubyte", x_test.numpy()
    x = np.random.default_rng(7).random((data, int(np.prod(shape)))).astype(np.float32)
    path = os.path.join(d, "x.csv")
    np.savetxt(path, x, delimiter=",", fmt="%.9g")       # float32 values, exactly
    return path, np.loadtxt(path, delimiter=",", dtype=np.float32, ndmin=2)


def same_tensors(model, weights):
    """Each tensor of the weights file is one of the model's parameters bit for bit, in
    its shape (conv [out, in, kh, kw]).  The exporter folds a BatchNorm into the conv
    before it: for such a model only the number of tensors is compared."""
    ours = list(read_safetensors(weights).values())
    params = [p.detach().numpy() for p in model.parameters()]
    norms = sum(isinstance(m, nn.BatchNorm2d) for m in model.modules())
    if norms:
        return len(ours) == len(params) - 2 * norms
    return len(ours) == len(params) and all(
        any(v.shape == p.shape and v.tobytes() == p.tobytes() for p in params) for v in ours)


def one_conv_case(netc, work, name, case, x_test):
    model, shape, opset, want, data, options = case
    model.eval()
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    onnx_path = os.path.join(d, f"{name}.onnx")
    export_onnx(model, shape, opset, onnx_path, "preserve" in options)
    extra = ["--log-softmax", "softmax"] if "log-softmax" in options else []
    net, weights = os.path.join(d, f"{name}.net"), os.path.join(d, f"{name}.safetensors")
    if "shortcut" in options:        # import and export in one command
        run([netc, "--emit", "infer", *extra, onnx_path, "-o", d])
    else:
        run([netc, "import", *extra, onnx_path, "-o", d])
        run([netc, "--emit", "infer", "--weights", weights, net, "-o", d])
    layers = layers_of(net)
    samples, x = conv_samples(d, data, shape, x_test)
    inputs = os.path.join(d, "x.f32")
    x.astype("<f4").tofile(inputs)
    c_out, selftest, classes = run_c(d, name, inputs, len(x))
    with open(net, "a") as f:
        f.write(TRAIN_BLOCK.format(loss="cross_entropy" if "softmax" in layers[-1] else "mse"))
    run([netc, "build", net, "-o", d])
    raw = run([os.path.join(d, name), "predict", "--raw", "--weights", weights, samples])
    ours = np.array([[float(v) for v in line.split()] for line in raw.splitlines()[:len(x)]])
    with torch.no_grad():
        ref = model.double()(torch.from_numpy(x).double().reshape(len(x), *shape)).numpy()
    model.float()
    if "log-softmax" in options:
        ref = np.exp(ref)
    scale = max(1.0, np.abs(ref).max())
    diff = float(np.abs(c_out.astype(np.float64) - ref).max() / scale)
    tdiff = float(np.abs(ours - ref).max() / scale)
    tensors = same_tensors(model, weights)
    ok = diff <= TOLERANCE and tdiff <= TOLERANCE and layers == want and tensors and \
        0 <= selftest < TOLERANCE
    note = ""
    if "int8" in options:
        d8 = os.path.join(d, "int8")
        run([netc, "--emit", "infer", "--weights", weights, "--quantize", "int8",
             "--calibration", f"{MNIST}/train-images-idx3-ubyte", net, "-o", d8])
        _, selftest8, classes8 = run_c(d8, name, inputs, len(x))
        agree = float((classes8 == classes).mean())
        ok = ok and agree >= 0.97 and 0 <= selftest8 < 1e-4
        note = f"; int8 classes agree with float on {100 * agree:.1f}%"
    print(f"{'OK' if ok else 'FAIL'}, maxdiff = {diff:.2e}  {name} (opset {opset}): "
          f"{', '.join(layers)}; --emit infer's C on {len(x)} samples vs PyTorch float64, "
          f"the trainer's predict --raw {tdiff:.2e}; selftest {selftest:.1e}{note}"
          f"{'' if tensors else '; the weights file lacks tensors'}")
    if layers != want:
        print(f"    expected layers: {', '.join(want)}")
    return ok


def main():
    netc, work = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    scale = np.float32(1 / 255)               # the trainer's IDX scaling: byte * (1/255)
    x_test = torch.from_numpy(read_idx(f"{MNIST}/t10k-images-idx3-ubyte")[:N_TEST]
                              .reshape(N_TEST, 784).astype(np.float32) * scale)
    results = [one_case(netc, work, name, case, x_test) for name, case in cases().items()]
    results += [one_conv_case(netc, work, name, case, x_test)
                for name, case in conv_cases().items()]
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
