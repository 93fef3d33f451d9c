#!/usr/bin/python3
"""Generated trainers against PyTorch, the independent implementation.

For every activation, loss and optimizer the language has, a small network is built
with netc, started from the same weights (written here as safetensors) and trained on
the same batches (--no-shuffle) as a float64 PyTorch model with torch.optim.  Compared,
per tensor, as max|netc - torch| / max|torch|:
  - the mean loss of the initial weights (netc eval),
  - every weight and bias after one epoch of several optimizer steps,
  - the outputs of the trained network (netc predict --raw).
Prints `OK, maxdiff = ...` per case; exits 1 if any exceeds the tolerance.
usage: torch_equivalence.py NETC WORKDIR
"""
import os
import subprocess
import sys
import zlib

import numpy as np
import torch

sys.dont_write_bytecode = True          # no __pycache__ in tools/ from a test run
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
from netc_weights import read_safetensors, torch_activation, write_safetensors  # noqa: E402

TOLERANCE = 1e-5
N_SAMPLES, N_INPUT, BATCH = 44, 6, 8          # 6 steps per epoch, the last one partial

# (name, hidden activation, output activation, outputs, loss, optimizer, weight decay)
CASES = [
    ("sig_mse_sgd", "sigmoid", "sigmoid", 3, "mse", "sgd", 0),
    ("relu_ce_sgd_momentum", "relu", "softmax", 3, "cross_entropy", "sgd(momentum = 0.9)", 0),
    ("tanh_ce_nesterov_wd", "tanh", "softmax", 4, "cross_entropy",
     "sgd(momentum = 0.8, nesterov = true)", 0.01),
    ("leaky_mse_adam", "leaky_relu(0.1)", "linear", 3, "mse", "adam", 0),
    ("linear_bce_adam_wd", "linear", "sigmoid", 1, "binary_cross_entropy",
     "adam(beta1 = 0.8, beta2 = 0.99, epsilon = 1e-6)", 0.001),
    ("sig_bce3_dampening", "sigmoid", "sigmoid", 3, "binary_cross_entropy",
     "sgd(momentum = 0.5, dampening = 0.3)", 0),
    ("relu_ce_sigmoid_out", "relu", "sigmoid", 3, "cross_entropy", "sgd", 0),
    ("tanh_mse_tanh_out", "tanh", "tanh", 2, "mse", "adam", 0.01),
    ("relu_mse_relu_out", "relu", "relu", 3, "mse", "sgd(momentum = 0.9)", 0),
]
LEARNING_RATE = {"sgd": 0.5, "adam": 0.01}


def loss_fn(kind, out, y):
    """Per-sample losses as netc defines them, averaged over the batch."""
    if kind == "mse":
        return 0.5 * ((out - y) ** 2).sum(1).mean()
    log = torch.clamp(torch.log(out), min=-100)
    if kind == "cross_entropy":
        return -(y * log).sum(1).mean()
    log1m = torch.clamp(torch.log(1 - out), min=-100)
    return -(y * log + (1 - y) * log1m).sum(1).mean()


def optimizer(spec, params, lr, wd):
    args = {}
    if "(" in spec:
        for part in spec[spec.index("(") + 1:-1].split(","):
            k, v = (s.strip() for s in part.split("="))
            args[k] = v == "true" if v in ("true", "false") else float(v)
    if spec.startswith("adam"):
        betas = (args.get("beta1", 0.9), args.get("beta2", 0.999))
        return torch.optim.Adam(params, lr=lr, betas=betas, eps=args.get("epsilon", 1e-8),
                                weight_decay=wd)
    return torch.optim.SGD(params, lr=lr, momentum=args.get("momentum", 0),
                           dampening=args.get("dampening", 0),
                           nesterov=args.get("nesterov", False), weight_decay=wd)


def run(cmd):
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"FAILED: {' '.join(cmd)}\n{result.stdout}{result.stderr}")
    return result.stdout


def maxdiff(ours, ref):
    ref = np.asarray(ref, dtype=np.float64)
    scale = max(np.abs(ref).max(), 1e-30)
    return float(np.abs(np.asarray(ours, dtype=np.float64) - ref).max() / scale)


def one_case(netc, work, case):
    name, hidden, out_act, n_out, loss, opt, wd = case
    lr = LEARNING_RATE[opt.split("(")[0]]
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    net = os.path.join(d, f"{name}.net")
    with open(net, "w") as f:
        f.write(f"network {name}\ninput {N_INPUT}\ndense 5 {hidden}\ndense 4 {hidden}\n"
                f"dense {n_out} {out_act}\ntrain {{\n  loss {loss}\n  optimizer {opt}\n"
                f"  learning_rate {lr}\n  weight_decay {wd}\n  batch {BATCH}\n  epochs 1\n}}\n")
    run([netc, "build", net, "-o", d])
    trainer = os.path.join(d, name)

    rng = np.random.default_rng(zlib.crc32(name.encode()))
    x = rng.normal(0, 1, (N_SAMPLES, N_INPUT)).astype(np.float32)
    classes = max(n_out, 2)
    labels = rng.integers(0, classes, N_SAMPLES)
    y = np.eye(n_out)[labels] if n_out > 1 else labels[:, None].astype(np.float64)
    data = os.path.join(d, "data.csv")
    features = os.path.join(d, "features.csv")
    np.savetxt(data, np.column_stack([x, labels]), delimiter=",", fmt="%.9g")
    np.savetxt(features, x, delimiter=",", fmt="%.9g")

    sizes = [N_INPUT, 5, 4, n_out]
    layers, tensors = [], []
    for i in range(3):
        w = rng.normal(0, 0.7, (sizes[i + 1], sizes[i])).astype(np.float32)
        b = rng.normal(0, 0.3, sizes[i + 1]).astype(np.float32)
        tensors += [(f"dense{i + 1}.weight", w), (f"dense{i + 1}.bias", b)]
        linear = torch.nn.Linear(sizes[i], sizes[i + 1]).double()
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w.astype(np.float64)))
            linear.bias.copy_(torch.from_numpy(b.astype(np.float64)))
        layers += [linear, torch_activation(hidden if i < 2 else out_act)]
    model = torch.nn.Sequential(*layers)
    w0 = os.path.join(d, "w0.safetensors")
    write_safetensors(w0, tensors)

    xt, yt = torch.from_numpy(x.astype(np.float64)), torch.from_numpy(y.astype(np.float64))
    with torch.no_grad():
        loss0 = loss_fn(loss, model(xt), yt).item()
    report = run([trainer, "eval", "--weights", w0, "--test-csv", data])
    ours0 = float(report.split("test loss")[1].split()[0])
    diffs = {"loss0": abs(ours0 - loss0) / abs(loss0)}

    w1 = os.path.join(d, "w1.safetensors")
    run([trainer, "train", "--init-weights", w0, "--train-csv", data, "--no-shuffle",
         "--epochs", "1", "--save", w1, "--quiet"])
    opt_t = optimizer(opt, model.parameters(), lr, wd)
    for start in range(0, N_SAMPLES, BATCH):
        opt_t.zero_grad()
        loss_fn(loss, model(xt[start:start + BATCH]), yt[start:start + BATCH]).backward()
        opt_t.step()
    trained = read_safetensors(w1)
    for i in range(3):
        lin = model[2 * i]
        diffs[f"dense{i + 1}.weight"] = maxdiff(trained[f"dense{i + 1}.weight"], lin.weight.detach())
        diffs[f"dense{i + 1}.bias"] = maxdiff(trained[f"dense{i + 1}.bias"], lin.bias.detach())
    raw = run([trainer, "predict", "--weights", w1, "--raw", features])
    ours_out = np.array([[float(v) for v in line.split()] for line in raw.splitlines()])
    with torch.no_grad():
        diffs["outputs"] = maxdiff(ours_out, model(xt))

    worst = max(diffs.values())
    verdict = "OK" if worst <= TOLERANCE else "FAIL"
    detail = "  ".join(f"{k} {v:.1e}" for k, v in diffs.items())
    print(f"{verdict}, maxdiff = {worst:.2e}  {name}: {detail}")
    return worst <= TOLERANCE


def main():
    netc, work = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    results = [one_case(netc, work, case) for case in CASES]
    print(f"{sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
