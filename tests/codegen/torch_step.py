#!/usr/bin/python3
"""torch_step.py GENDIR [STEPS [LR]] - a generated model against PyTorch in float64.

Builds GENDIR's model (NAME.c, NAME_main.c) in float with harness.c standing in for
the runtime, has it dump (harness.c `dump`) a batch, its forward outputs and every
layer's activations, then STEPS optimizer steps on that batch from the same initial
weights, and replays them in float64 with the model built from the dump's layer table
(meta.txt): torch.nn.Conv2d, MaxPool2d, AvgPool2d, the flatten before a dense layer
(torch.flatten(x, 1)), Linear, the dropout layers as the pinned masks of meta.txt's
dropout_key (dropout_mask below) multiplied in, the same loss and torch.optim.SGD/Adam.
Compares the forward outputs and each layer's activations (dropout off, and on), then
per step the loss, and tensor by tensor every gradient and every parameter; each step
starts from netc's parameters and torch's optimizer steps from netc's gradients (with
its own momentum/Adam state), so that each part is tested on its own: max |netc -
torch| / max |torch| must stay below 1e-5.  Prints llm.c-style "OK, ... max rel diff"
lines (a FAIL line says where the worst value is); exit 0 = pass.

Needs: cc (or $CC), python3 with torch and numpy.  The optimizer's constants are read
back from the generated NAME.c's own comments and #defines; generated code without a
layer table (hand-written or older models) is read as dense layers from NAME.h's comments.
"""
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
TOL = 1e-5


def model_name(gendir):
    mains = [f for f in os.listdir(gendir) if f.endswith("_main.c")]
    if len(mains) != 1:
        sys.exit(f"torch_step: expected one NAME_main.c in {gendir}, found {mains}")
    return mains[0][: -len("_main.c")]


def build(gendir, work):
    """The float harness build (harness.sh), in check.sh's HARNESS_DIR when it shares one."""
    builds = os.environ.get("HARNESS_DIR") or work
    result = subprocess.run(["sh", os.path.join(HERE, "harness.sh"), gendir, "float", builds],
                            check=True, stdout=subprocess.PIPE, text=True)
    return result.stdout.strip()


def describe(gendir, name):
    """The loss and optimizer as the generated code states them."""
    c = open(os.path.join(gendir, name + ".c"), encoding="utf-8").read()
    loss, opt = re.search(r"; loss (\w+); optimizer (\w+)\.", c).groups()
    defines = {k: float(v.rstrip("f")) for k, v in re.findall(r"#define (\w+)\s+([-+0-9.eE]+f?)\b", c)}
    return dict(loss=loss, opt=opt, defines=defines, nesterov="SGD with Nesterov momentum" in c)


LAYER_FIELDS = {"kind": 1, "activation": 1, "alpha": 1, "in": 3, "out": 3, "kernel": 2, "stride": 2,
                "padding": 2, "rate": 1, "weight": 1}


def read_meta(work):
    """meta.txt: `key value` lines, `layer NAME key value...` and `tensor NAME SHAPE...`."""
    meta, layers, tensors = {}, [], []
    for line in open(os.path.join(work, "meta.txt"), encoding="utf-8"):
        key, *rest = line.split()
        if key == "layer":
            layer, words = {"name": rest[0]}, rest[1:]
            while words:
                field, count = words[0], LAYER_FIELDS[words[0]]
                values = words[1:1 + count]
                words = words[1 + count:]
                if field in ("kind", "activation"):
                    layer[field] = values[0]
                elif field in ("alpha", "rate"):
                    layer[field] = float(values[0])
                else:
                    layer[field] = [int(v) for v in values] if count > 1 else int(values[0])
            layers.append(layer)
        elif key == "tensor":
            tensors.append((rest[0], tuple(int(v) for v in rest[1:])))
        else:
            meta[key] = rest[0] if rest else ""
    return meta, layers, tensors


ACTIVATIONS = {"sigmoid": torch.sigmoid, "relu": torch.relu, "tanh": torch.tanh, "linear": lambda z: z,
               "softmax": lambda z: torch.softmax(z, dim=1)}


def activation(layer):
    if layer["activation"] == "leaky_relu":
        return lambda z: torch.nn.functional.leaky_relu(z, layer["alpha"])
    return ACTIVATIONS[layer["activation"]]


def dropout_mask(key, index, n, size, rate):
    """The pinned dropout mask (issue 15; NAME.c says it too) of the layer at 0-based
    index `index` in the layer table: element k of sample row r is kept iff splitmix64's
    mix of key ^ ((index + 1) << 56) ^ (r << 28) ^ k, shifted right by 40, is at least
    floor(rate * 2^24 + 0.5); kept elements are scaled by the float 1 / (1 - rate).
    An n x size float64 array of those factors."""
    u = np.uint64
    with np.errstate(over="ignore"):
        r = np.arange(n, dtype=u)[:, None]
        k = np.arange(size, dtype=u)[None, :]
        z = (u(key) ^ (u(index + 1) << u(56)) ^ (r << u(28)) ^ k) + u(0x9E3779B97F4A7C15)
        z = (z ^ (z >> u(30))) * u(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> u(27))) * u(0x94D049BB133111EB)
        h = z ^ (z >> u(31))
    threshold = u(int(np.floor(rate * 2.0 ** 24 + 0.5)))
    scale = float(np.float32(1.0 / (1.0 - rate)))
    return np.where((h >> u(40)) >= threshold, scale, 0.0)


class Net(torch.nn.Module):
    """The layer table as torch modules: Conv2d, MaxPool2d, AvgPool2d, Linear and the
    reproduced dropout masks.  Between layers a sample is one flat C·H·W row, as in
    netc (torch.flatten(x, 1) order)."""

    def __init__(self, layers, tensors):
        super().__init__()
        self.layers = layers
        self.mods = torch.nn.ModuleList()
        for layer in layers:
            c_in, c_out = layer["in"][0], layer["out"][0]
            if layer["kind"] == "conv":
                mod = torch.nn.Conv2d(c_in, c_out, tuple(layer["kernel"]), stride=tuple(layer["stride"]),
                                      padding=tuple(layer["padding"]))
            elif layer["kind"] == "maxpool":
                mod = torch.nn.MaxPool2d(tuple(layer["kernel"]), stride=tuple(layer["stride"]))
            elif layer["kind"] == "avgpool":
                mod = torch.nn.AvgPool2d(tuple(layer["kernel"]), stride=tuple(layer["stride"]))
            elif layer["kind"] == "dense":
                mod = torch.nn.Linear(int(np.prod(layer["in"])), c_out)
            else:
                mod = torch.nn.Identity()
            self.mods.append(mod)
        self.masks = [None] * len(layers)
        self.params = [p for layer, mod in zip(layers, self.mods) if layer["weight"] >= 0
                       for p in (mod.weight, mod.bias)]
        shapes = [tuple(p.shape) for p in self.params]
        if shapes != [shape for _, shape in tensors]:
            sys.exit(f"torch_step: the layer table's tensors {shapes} are not meta.txt's {tensors}")

    def set_dropout(self, key, n):
        """key None: dropout off (eval); else the masks of n samples."""
        self.masks = [None if key is None or layer["kind"] != "dropout" else
                      torch.from_numpy(dropout_mask(key, i, n, int(np.prod(layer["out"])), layer["rate"]))
                      for i, layer in enumerate(self.layers)]

    def forward(self, x):
        """Each layer's activations (n x C·H·W), and the last layer's pre-activation."""
        n, outs = x.shape[0], []
        for layer, mod, mask in zip(self.layers, self.mods, self.masks):
            if layer["kind"] in ("conv", "maxpool", "avgpool"):
                z = mod(x.reshape(n, *layer["in"])).flatten(1)
            elif layer["kind"] == "dense":
                z = mod(x)
            else:
                z = x if mask is None else x * mask
            x = activation(layer)(z) if layer["kind"] in ("conv", "dense") else z
            outs.append(x)
        return outs, z


def dense_layers(gendir, name):
    """The layer table of generated code that has none (dense networks before issue 15):
    from the header's comments."""
    h = open(os.path.join(gendir, name + ".h"), encoding="utf-8").read()
    c = open(os.path.join(gendir, name + ".c"), encoding="utf-8").read()
    alphas = {int(k): float(v.rstrip("f")) for k, v in re.findall(r"#define \w+_L(\d+)_ALPHA\s+([-+0-9.eE]+f?)", c)}
    return [dict(name=f"dense{i}", kind="dense", activation=act, alpha=alphas.get(i, 0.01), rate=0.0, weight=2 * i - 2,
                 **{"in": [int(n_in), 1, 1], "out": [int(n_out), 1, 1]})
            for i, (n_in, n_out, act) in enumerate(
                re.findall(r'/\* Layer \d+, "[^"]+" \(line -?\d+\): (\d+) -> (\d+), (\w+);', h), start=1)]


def torch_loss(net, model, x, y):
    n = x.shape[0]
    outs, z = model(x)
    a = outs[-1]
    if net["loss"] == "cross_entropy" and model.layers[-1]["activation"] == "softmax":
        return -(y * torch.log_softmax(z, dim=1)).sum() / n
    if net["loss"] == "mse":
        return 0.5 * ((a - y) ** 2).sum() / n
    if net["loss"] == "cross_entropy":
        return -(y * torch.clamp(torch.log(a), min=-100)).sum() / n
    return torch.nn.functional.binary_cross_entropy(a, y, reduction="sum") / n


def optimizer(net, params, lr):
    d = net["defines"]
    wd = d.get("WEIGHT_DECAY", 0.0)
    if net["opt"] == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(d["ADAM_BETA1"], d["ADAM_BETA2"]),
                                eps=d["ADAM_EPS"], weight_decay=wd, foreach=False)
    return torch.optim.SGD(params, lr=lr, momentum=d.get("SGD_MOMENTUM", 0.0),
                           dampening=d.get("SGD_DAMPENING", 0.0), nesterov=net["nesterov"],
                           weight_decay=wd, foreach=False)


def load(tensors, flat):
    """Copy a flat float32 array, tensor after tensor, into (float64) torch tensors."""
    with torch.no_grad():
        at = 0
        for t in tensors:
            t.copy_(torch.from_numpy(flat[at:at + t.numel()].astype(np.float64).reshape(t.shape)))
            at += t.numel()


def read(work, what):
    return np.fromfile(os.path.join(work, what + ".f32"), dtype=np.float32)


def compare(label, ours, ref):
    ref = np.asarray(ref, dtype=np.float64).reshape(-1)
    ours = np.asarray(ours, dtype=np.float64).reshape(-1)
    if ours.shape != ref.shape:
        print(f"FAIL, {label}: {ours.size} values, torch has {ref.size}")
        return False
    scale = max(float(np.abs(ref).max()), 1e-30)
    at = int(np.abs(ours - ref).argmax())
    rel = float(np.abs(ours - ref).max()) / scale
    where = "" if rel <= TOL else f" (worst at [{at}]: netc {ours[at]:.9g}, torch {ref[at]:.9g})"
    print(f"{'OK' if rel <= TOL else 'FAIL'}, {label}: max rel diff = {rel:.2e}{where}")
    return rel <= TOL


def compare_tensors(label, names, ours, refs):
    """Tensor by tensor: a small gradient is not hidden behind a large one."""
    ok, at = True, 0
    for name, ref in zip(names, refs):
        ref = ref.detach().numpy().reshape(-1)
        ok &= compare(f"{label} {name}", ours[at:at + ref.size], ref)
        at += ref.size
    if at != ours.size:
        print(f"FAIL, {label}: netc wrote {ours.size} values, the tensors hold {at}")
        ok = False
    return ok


def compare_forward(work, meta, model, x, what):
    """netc's forward outputs and each layer's activations (WHAT: eval or train)."""
    ok = True
    with torch.no_grad():
        outs, _ = model(x)
    ok &= compare(f"{what} forward outputs", read(work, f"{what}_out"), outs[-1].numpy())
    if meta.get("activations") == "1":
        for index, (layer, out) in enumerate(zip(model.layers, outs)):
            ok &= compare(f"{what} forward {layer['name']} activations", read(work, f"{what}_act_{index}"),
                          out.numpy())
    return ok


def replay(work, gendir, name, steps, lr):
    """Compares a dump (harness.c `dump WORK STEPS LR`) with torch's; True when it agrees."""
    net = describe(gendir, name)
    meta, layers, tensors = read_meta(work)
    if not layers:
        layers = dense_layers(gendir, name)
    n = int(meta["n"])
    model = Net(layers, tensors).double()
    names = [t for t, _ in tensors]
    x = torch.from_numpy(read(work, "x").astype(np.float64).reshape(n, -1))
    y = torch.from_numpy(read(work, "y").astype(np.float64).reshape(n, -1))
    load(model.params, read(work, "params_0"))
    ok = compare_forward(work, meta, model, x, "eval")
    key = int(meta["dropout_key"]) if "dropout_key" in meta else None
    model.set_dropout(key, n)
    if key is not None:
        ok &= compare_forward(work, meta, model, x, "train")
    opt = optimizer(net, model.params, float(np.float32(lr)))
    losses = read(work, "loss")
    for step in range(1, steps + 1):
        # Each step starts from netc's parameters, so that rounding differences do
        # not accumulate (a relu near its kink would then make them look large).
        load(model.params, read(work, f"params_{step - 1}"))
        opt.zero_grad()
        loss = torch_loss(net, model, x, y)
        loss.backward()
        ok &= compare(f"step {step} loss", losses[step - 1:step], loss.detach().numpy().reshape(1))
        ours = read(work, f"grads_{step}")
        ok &= compare_tensors(f"step {step} gradient", names, ours, [p.grad for p in model.params])
        # The optimizer step from netc's own gradients: Adam's first steps move a
        # parameter by about ±lr whatever the gradient's size, so where the weight
        # decay nearly cancels a gradient, float rounding in backprop could flip it.
        load([p.grad for p in model.params], ours)
        opt.step()
        ok &= compare_tensors(f"step {step} parameter", names, read(work, f"params_{step}"), model.params)
    kinds = sorted({layer["kind"] for layer in layers})
    print(f"{name}: {'PASS' if ok else 'FAIL'} against torch {torch.__version__} in float64 "
          f"({', '.join(kinds)}; {net['opt']}, {net['loss']}, {steps} steps"
          f"{', dropout key ' + hex(key) if key is not None else ''})")
    return ok


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    gendir = sys.argv[1]
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    lr = float(sys.argv[3]) if len(sys.argv) > 3 else 0.1
    torch.set_num_threads(1)    # all.sh runs one network per processor
    name = model_name(gendir)
    with tempfile.TemporaryDirectory() as work:
        exe = build(gendir, work)
        subprocess.run([exe, "dump", work, str(steps), repr(lr)], check=True)
        ok = replay(work, gendir, name, steps, lr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
