"""peer_torch.py - PyTorch training and running a benchmark network on MNIST, printing
the same `key value` lines as the trainer's bench command.

The network, loss, learning rate and batch come from the .net file (bench/netspec.py).
The model is what a PyTorch user would write: nn.Linear layers with their activations
(nn.Conv2d, nn.MaxPool2d / nn.AvgPool2d, nn.Flatten and nn.Dropout for W4's LeNet, on
N x C x H x W images; dropout on while training, model.eval() for inference),
torch.optim.SGD, and for softmax + cross-entropy the fused nn.CrossEntropyLoss on the
logits (the same function and gradient, computed stably).  Like the trainer's bench
command, each epoch permutes the data before its clock starts and then trains on
contiguous mini-batches (views, no copies), so a timed epoch runs the model and nothing
else; inference runs under torch.inference_mode().

    python3 bench/peer_torch.py bench/w1.net --data data/mnist --threads 1 \
        [--epochs 3] [--warmup 1] [--limit N] [--infer-samples N] [--seed 1]
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import netspec  # noqa: E402

MIN_SECONDS = 0.2   # an inference repetition runs at least this long


def read_idx(path, header):
    with open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def load(data, test, shape, limit=0):
    """Images as N x SHAPE floats in [0, 1] and their labels."""
    prefix = "t10k" if test else "train"
    x = read_idx(os.path.join(data, prefix + "-images-idx3-ubyte"), 16).reshape((-1,) + shape)
    y = read_idx(os.path.join(data, prefix + "-labels-idx1-ubyte"), 8).astype(np.int64)
    if limit:
        x, y = x[:limit], y[:limit]
    return torch.from_numpy(x.astype(np.float32) / 255), torch.from_numpy(y)


def input_shape(spec):
    """(784,) for a dense network, (C, H, W) for one with conv or pooling layers."""
    return tuple(spec["input"]) if netspec.is_conv(spec) else (spec["sizes"][0],)


def build(spec):
    """nn.Sequential of the .net file's layers; softmax is left to the loss."""
    nn = torch.nn
    act = {"sigmoid": nn.Sigmoid, "relu": nn.ReLU, "tanh": nn.Tanh}
    layers = []
    for layer in spec["layers"]:
        c_in, h, w = layer["in"]
        kind = layer["kind"]
        if kind == "conv":
            layers.append(nn.Conv2d(c_in, layer["units"], layer["kernel"],
                                    stride=layer["stride"], padding=layer["padding"]))
        elif kind in ("maxpool", "avgpool"):
            pool = nn.MaxPool2d if kind == "maxpool" else nn.AvgPool2d
            layers.append(pool(layer["window"], stride=layer["stride"]))
        elif kind == "dropout":
            layers.append(nn.Dropout(layer["rate"]))
        else:
            if netspec.is_conv(spec) and not any(isinstance(m, nn.Linear) for m in layers):
                layers.append(nn.Flatten())     # torch.flatten(x, 1): C x H x W order
            layers.append(nn.Linear(c_in * h * w, layer["units"]))
        if layer.get("activation") in act:
            layers.append(act[layer["activation"]]())
    return nn.Sequential(*layers)


def loss_and_targets(spec, labels):
    """netc's losses: MSE is 0.5 * sum over outputs, mean over the batch."""
    if spec["loss"] == "mse":
        targets = torch.nn.functional.one_hot(labels, spec["sizes"][-1]).float()
        return (lambda out, y: torch.nn.functional.mse_loss(out, y, reduction="sum")
                * (0.5 / out.shape[0])), targets
    return torch.nn.CrossEntropyLoss(), labels


def clocks():
    """Wall-clock and processor seconds (all of the process's threads), read together."""
    return time.perf_counter(), time.process_time()


def rates_since(t0, n):
    """n samples since clocks() gave t0: samples per wall second and per processor second,
    as the trainer's bench command measures them."""
    wall, cpu = (now - then for now, then in zip(clocks(), t0))
    return n / max(wall, 1e-9), n / max(cpu, 1e-9)


def train_epoch(model, opt, loss_fn, x, y, batch):
    """One timed epoch over contiguous mini-batches; samples/s by both clocks and the
    last loss."""
    n = x.shape[0]
    t0 = clocks()
    for i in range(0, n, batch):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[i:i + batch]), y[i:i + batch])
        loss.backward()
        opt.step()
    return rates_since(t0, n), loss.item()


def bench_training(spec, model, args, x, labels):
    loss_fn, targets = loss_and_targets(spec, labels)
    opt = torch.optim.SGD(model.parameters(), lr=spec["lr"])
    gen = torch.Generator().manual_seed(args.seed)
    rates, loss = [], 0.0
    for epoch in range(args.warmup + args.epochs):
        perm = torch.randperm(x.shape[0], generator=gen)
        xs, ys = x[perm].contiguous(), targets[perm].contiguous()
        rate, loss = train_epoch(model, opt, loss_fn, xs, ys, spec["batch"])
        if epoch >= args.warmup:
            rates.append(rate)
    return rates, loss


def infer_rep(model, x, chunk):
    """Whole passes of `chunk` samples per call until MIN_SECONDS; samples/s by both
    clocks."""
    done, t0 = 0, clocks()
    while True:
        for i in range(0, x.shape[0], chunk):
            model(x[i:i + chunk])
        done += x.shape[0]
        if time.perf_counter() - t0[0] >= MIN_SECONDS:
            return rates_since(t0, done)


def bench_inference(model, x, chunk, reps):
    model.eval()
    with torch.inference_mode():
        for i in range(0, x.shape[0], chunk):    # warm-up pass
            model(x[i:i + chunk])
        return [infer_rep(model, x, chunk) for _ in range(reps)]


def accuracy(model, x, labels):
    """In chunks of 1000: a conv layer's maps of 10,000 images at once are large."""
    model.eval()
    with torch.inference_mode():
        right = sum((model(x[i:i + 1000]).argmax(1) == labels[i:i + 1000]).sum().item()
                    for i in range(0, x.shape[0], 1000))
    return right / x.shape[0]


def print_stats(key, rates):
    print("%s_median %.0f\n%s_min %.0f\n%s_max %.0f" % (key, statistics.median(rates), key,
                                                       min(rates), key, max(rates)))


def print_rates(what, pairs):
    """WHAT_samples_per_s and WHAT_cpu_samples_per_s from (wall, processor) rate pairs."""
    print_stats(what + "_samples_per_s", [wall for wall, _ in pairs])
    print_stats(what + "_cpu_samples_per_s", [cpu for _, cpu in pairs])


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("net")
    p.add_argument("--data", required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--limit", type=int, default=0, help="first N training samples")
    p.add_argument("--infer-samples", type=int, default=0,
                   help="single-sample inference over the first N test samples")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    spec = netspec.parse(args.net)
    x, labels = load(args.data, False, input_shape(spec), args.limit)
    test_x, test_labels = load(args.data, True, input_shape(spec))
    model = build(spec)
    model.train()

    print("library torch %s, %d thread(s)" % (torch.__version__, torch.get_num_threads()))
    print("train_samples %d\nwarmup_epochs %d\nepochs %d\nbatch %d"
          % (x.shape[0], args.warmup, args.epochs, spec["batch"]))
    rates, loss = bench_training(spec, model, args, x, labels)
    print("train_samples_per_s_epochs " + " ".join("%.0f" % r for r, _ in rates))
    print("train_cpu_samples_per_s_epochs " + " ".join("%.0f" % r for _, r in rates))
    print("train_loss %.6f" % loss)
    print_rates("train", rates)
    print("test_accuracy %.4f" % accuracy(model, test_x, test_labels))
    print("infer_samples %d" % test_x.shape[0])
    print_rates("infer_batched", bench_inference(model, test_x, spec["batch"], args.epochs))
    single_x = test_x[:args.infer_samples] if args.infer_samples else test_x
    print("infer_single_samples %d" % single_x.shape[0])
    print_rates("infer_single", bench_inference(model, single_x, 1, args.epochs))


if __name__ == "__main__":
    main()
