"""torch_accuracy.py - the recipes of samples/mnist.net and samples/mnist_relu.net trained
by PyTorch: the reference for the test accuracies netc's samples reach (issue 3), seed
by seed.

mnist (samples/mnist.net): 784-16-16-10 sigmoid, xavier_uniform weights and
torch.nn.Linear's default biases, C = ½‖a − y‖² per sample averaged over the mini-batch
(Nielsen's convention, as netc), SGD with learning rate 3.0, batch 10, 30 epochs.

mnist_relu (samples/mnist_relu.net): 784-128-64-10 ReLU with a softmax output,
kaiming_normal_ (fan_in) weights and default biases, nn.CrossEntropyLoss (batch mean),
Adam(lr 1e-3, betas 0.9/0.999, weight_decay 1e-4), batch 32, 10 epochs, the learning
rate annealed per epoch as netc's cosine(min_lr = 1e-5) (= CosineAnnealingLR's closed form).

Both: a fresh torch.randperm order each epoch, one thread, float32; prints the test
accuracy after the last epoch.  One to two minutes per seed on one core:

    env -u OPENBLAS_CORETYPE /usr/bin/python3 bench/torch_accuracy.py mnist --seed 1 [--data data/mnist]
"""
import argparse
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import netc_weights  # noqa: E402


def images(path):
    x = netc_weights.read_idx(path)
    return torch.tensor(x.reshape(len(x), -1) / 255.0, dtype=torch.float32)


def labels(path):
    return torch.tensor(netc_weights.read_idx(path).astype(np.int64))


def constant(lr):
    return lambda e, epochs: lr


def cosine(lr, min_lr):
    """netc's schedule cosine(min_lr): the learning rate of epoch e (from 0) of epochs."""
    return lambda e, epochs: min_lr + (lr - min_lr) * (1 + math.cos(math.pi * e / epochs)) / 2


def mnist_recipe():
    layers = [torch.nn.Linear(784, 16), torch.nn.Sigmoid(), torch.nn.Linear(16, 16),
              torch.nn.Sigmoid(), torch.nn.Linear(16, 10), torch.nn.Sigmoid()]
    for layer in layers[::2]:
        torch.nn.init.xavier_uniform_(layer.weight)
    net = torch.nn.Sequential(*layers)

    def loss(x, lab):
        y = torch.nn.functional.one_hot(lab, 10).float()
        return 0.5 * ((net(x) - y) ** 2).sum(1).mean()
    return net, loss, torch.optim.SGD(net.parameters(), lr=3.0), 10, 30, constant(3.0)


def mnist_relu_recipe():
    layers = [torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64),
              torch.nn.ReLU(), torch.nn.Linear(64, 10)]
    for layer in layers[::2]:
        torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
    net = torch.nn.Sequential(*layers)
    ce = torch.nn.CrossEntropyLoss()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), weight_decay=1e-4)
    return net, lambda x, lab: ce(net(x), lab), opt, 32, 10, cosine(1e-3, 1e-5)


RECIPES = {"mnist": mnist_recipe, "mnist_relu": mnist_relu_recipe}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("sample", choices=sorted(RECIPES))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", default="data/mnist")
    p.add_argument("--epochs", type=int, help="default: the sample's")
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    x = images(os.path.join(a.data, "train-images-idx3-ubyte"))
    lab = labels(os.path.join(a.data, "train-labels-idx1-ubyte"))
    xt = images(os.path.join(a.data, "t10k-images-idx3-ubyte"))
    lt = labels(os.path.join(a.data, "t10k-labels-idx1-ubyte"))
    net, loss_of, opt, batch, epochs, lr_at = RECIPES[a.sample]()
    epochs = a.epochs or epochs
    for e in range(epochs):
        for group in opt.param_groups:
            group["lr"] = lr_at(e, epochs)
        order = torch.randperm(len(x))
        for i in range(0, len(x), batch):
            b = order[i:i + batch]
            loss = loss_of(x[b], lab[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
    with torch.no_grad():
        accuracy = (net(xt).argmax(1) == lt).float().mean().item()
    print(f"{a.sample} seed {a.seed}: test accuracy {100 * accuracy:.2f}%")


if __name__ == "__main__":
    main()
