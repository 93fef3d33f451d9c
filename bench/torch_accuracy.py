"""torch_accuracy.py - samples/mnist.net's recipe trained by PyTorch: the reference for the
test accuracy netc's sample should reach (issue 3), seed by seed.

784-16-16-10 sigmoid, xavier_uniform weights and torch.nn.Linear's default biases,
C = ½‖a − y‖² per sample averaged over the mini-batch (Nielsen's convention, as netc),
SGD with learning rate 3.0, batch 10, 30 epochs, a fresh torch.randperm order each epoch.
Prints the test accuracy after the last epoch.  About a minute per seed on one core:

    env -u OPENBLAS_CORETYPE /usr/bin/python3 bench/torch_accuracy.py --seed 1 [--data data/mnist]
"""
import argparse
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import netc_weights  # noqa: E402


def images(path):
    x = netc_weights.read_idx(path)
    return torch.tensor(x.reshape(len(x), -1) / 255.0, dtype=torch.float32)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", default="data/mnist")
    p.add_argument("--epochs", type=int, default=30)
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    x = images(os.path.join(a.data, "train-images-idx3-ubyte"))
    labels = torch.tensor(netc_weights.read_idx(os.path.join(a.data, "train-labels-idx1-ubyte"))
                          .astype(np.int64))
    xt = images(os.path.join(a.data, "t10k-images-idx3-ubyte"))
    lt = torch.tensor(netc_weights.read_idx(os.path.join(a.data, "t10k-labels-idx1-ubyte"))
                      .astype(np.int64))
    y = torch.nn.functional.one_hot(labels, 10).float()
    layers = [torch.nn.Linear(784, 16), torch.nn.Sigmoid(), torch.nn.Linear(16, 16),
              torch.nn.Sigmoid(), torch.nn.Linear(16, 10), torch.nn.Sigmoid()]
    for layer in layers[::2]:
        torch.nn.init.xavier_uniform_(layer.weight)
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(net.parameters(), lr=3.0)
    for _ in range(a.epochs):
        order = torch.randperm(len(x))
        for i in range(0, len(x), 10):
            batch = order[i:i + 10]
            loss = 0.5 * ((net(x[batch]) - y[batch]) ** 2).sum(1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        accuracy = (net(xt).argmax(1) == lt).float().mean().item()
    print(f"seed {a.seed}: test accuracy {100 * accuracy:.2f}%")


if __name__ == "__main__":
    main()
