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
float C's on at least 97% of the images.  Prints `OK, maxdiff = ...` per case.
usage: onnx_import.py NETC WORKDIR
"""
import os
import shlex
import subprocess
import sys

import numpy as np
import torch

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from netc_weights import read_idx  # noqa: E402

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


def run_c(d, name, inputs):
    outputs = os.path.join(d, "y.f32")
    lines = run([compile_driver(d, name), inputs, outputs]).splitlines()
    ours = np.fromfile(outputs, dtype="<f4").reshape(N_TEST, -1)
    return ours, float(lines[0].split()[1]), np.array([int(v) for v in lines[1:]])


def layers_of(net_path):
    """The .net file's input and dense lines, comments and `as` names left out."""
    out = []
    for line in open(net_path):
        line = line.split("#")[0].strip()
        if line.startswith(("input", "dense")):
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


def main():
    netc, work = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    scale = np.float32(1 / 255)               # the trainer's IDX scaling: byte * (1/255)
    x_test = torch.from_numpy(read_idx(f"{MNIST}/t10k-images-idx3-ubyte")[:N_TEST]
                              .reshape(N_TEST, 784).astype(np.float32) * scale)
    results = [one_case(netc, work, name, case, x_test) for name, case in cases().items()]
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
