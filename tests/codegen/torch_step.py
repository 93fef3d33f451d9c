#!/usr/bin/python3
"""torch_step.py GENDIR [STEPS [LR]] - a generated model against PyTorch.

Builds GENDIR's model (NAME.c, NAME_main.c) in float with harness.c standing in for
the runtime, runs STEPS optimizer steps on one batch from the same initial weights,
and replays them with torch.nn.Linear layers, the same loss and torch.optim.SGD/Adam.
Compares the loss, every gradient and every parameter after each step; each step
starts from netc's parameters and torch's optimizer steps from netc's gradients
(with its own momentum/Adam state), so that each part is tested on its own:
max |netc - torch| / max |torch| must stay below 1e-5.  Prints llm.c-style
"OK, maxdiff" lines; exit 0 = pass.

Needs: cc (or $CC), python3 with torch and numpy.  The architecture, loss and optimizer
constants are read back from the generated files' own comments and #defines.
"""
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
RUNTIME = os.path.join(HERE, "..", "..", "runtime")
TOL = 1e-5


def model_name(gendir):
    mains = [f for f in os.listdir(gendir) if f.endswith("_main.c")]
    if len(mains) != 1:
        sys.exit(f"torch_step: expected one NAME_main.c in {gendir}, found {mains}")
    return mains[0][: -len("_main.c")]


def build(gendir, name, work):
    cc = os.environ.get("CC", "cc")
    flags = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Wpedantic", "-Werror", "-I", gendir, "-I", RUNTIME]
    main_o = os.path.join(work, "main.o")
    subprocess.run([cc, *flags, "-Dmain=generated_main", "-c", os.path.join(gendir, name + "_main.c"),
                    "-o", main_o], check=True)
    exe = os.path.join(work, "harness")
    subprocess.run([cc, *flags, os.path.join(HERE, "harness.c"), os.path.join(gendir, name + ".c"),
                    main_o, "-o", exe, "-lm"], check=True)
    return exe


def describe(gendir, name):
    """The network as the generated code states it."""
    h = open(os.path.join(gendir, name + ".h"), encoding="utf-8").read()
    c = open(os.path.join(gendir, name + ".c"), encoding="utf-8").read()
    layers = [(int(i), int(o), act) for i, o, act in
              re.findall(r'/\* Layer \d+, "[^"]+" \(line -?\d+\): (\d+) -> (\d+), (\w+);', h)]
    loss, opt = re.search(r"; loss (\w+); optimizer (\w+)\.", c).groups()
    defines = {k: float(v.rstrip("f")) for k, v in re.findall(r"#define (\w+)\s+([-+0-9.eE]+f?)\b", c)}
    alphas = {int(k): v for k, v in ((re.match(r"\w+_L(\d+)_ALPHA$", k), v) for k, v in defines.items()) if k
              for k in [k.group(1)]}
    return dict(layers=layers, loss=loss, opt=opt, defines=defines, alphas=alphas,
                nesterov="SGD with Nesterov momentum" in c)


def torch_layers(net):
    mods = []
    for index, (n_in, n_out, act) in enumerate(net["layers"], start=1):
        mods.append(torch.nn.Linear(n_in, n_out))
        mods.append({"sigmoid": torch.nn.Sigmoid(), "relu": torch.nn.ReLU(), "tanh": torch.nn.Tanh(),
                     "leaky_relu": torch.nn.LeakyReLU(net["alphas"].get(index, 0.01)),
                     "linear": torch.nn.Identity(), "softmax": torch.nn.Softmax(dim=1)}[act])
    return torch.nn.Sequential(*mods)


def torch_loss(net, model, x, y):
    n = x.shape[0]
    if net["loss"] == "cross_entropy" and net["layers"][-1][2] == "softmax":
        z = model[:-1](x)
        return -(y * torch.log_softmax(z, dim=1)).sum() / n
    a = model(x)
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
    """Copy a flat float32 array, tensor after tensor, into torch tensors."""
    with torch.no_grad():
        at = 0
        for t in tensors:
            t.copy_(torch.from_numpy(flat[at:at + t.numel()].reshape(t.shape)))
            at += t.numel()


def read(work, what):
    return np.fromfile(os.path.join(work, what + ".f32"), dtype=np.float32)


def compare(label, ours, ref):
    scale = max(float(np.abs(ref).max()), 1e-30)
    rel = float(np.abs(ours - ref).max()) / scale
    print(f"{'OK' if rel <= TOL else 'FAIL'}, {label}: max rel diff = {rel:.2e}")
    return rel <= TOL


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    gendir = sys.argv[1]
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    lr = float(sys.argv[3]) if len(sys.argv) > 3 else 0.1
    torch.set_num_threads(1)    # all.sh runs one network per processor
    name = model_name(gendir)
    net = describe(gendir, name)
    with tempfile.TemporaryDirectory() as work:
        exe = build(gendir, name, work)
        subprocess.run([exe, "dump", work, str(steps), repr(lr)], check=True)
        meta = dict(line.split(None, 1) for line in open(os.path.join(work, "meta.txt")))
        n = int(meta["n"])
        lr32 = float(np.float32(lr))
        model = torch_layers(net)
        linears = [m for m in model if isinstance(m, torch.nn.Linear)]
        params = [p for lin in linears for p in (lin.weight, lin.bias)]
        x = torch.from_numpy(read(work, "x").reshape(n, -1))
        y = torch.from_numpy(read(work, "y").reshape(n, -1))
        opt = optimizer(net, params, lr32)
        ok = True
        losses = read(work, "loss")
        for step in range(1, steps + 1):
            # Each step starts from netc's parameters, so that rounding differences do
            # not accumulate (a relu near its kink would then make them look large).
            load(params, read(work, f"params_{step - 1}"))
            opt.zero_grad()
            loss = torch_loss(net, model, x, y)
            loss.backward()
            ok &= compare(f"step {step} loss", losses[step - 1:step], loss.detach().numpy().reshape(1))
            ours = read(work, f"grads_{step}")
            ok &= compare(f"step {step} gradients", ours, torch.cat([p.grad.flatten() for p in params]).numpy())
            # The optimizer step from netc's own gradients: Adam's first steps move a
            # parameter by about ±lr whatever the gradient's size, so where the weight
            # decay nearly cancels a gradient, float rounding in backprop could flip it.
            load([p.grad for p in params], ours)
            opt.step()
            ok &= compare(f"step {step} parameters",
                          read(work, f"params_{step}"), torch.cat([p.detach().flatten() for p in params]).numpy())
    print(f"{name}: {'PASS' if ok else 'FAIL'} against torch {torch.__version__} "
          f"({net['opt']}, {net['loss']}, {steps} steps)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
