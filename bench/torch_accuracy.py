"""torch_accuracy.py - the recipes of the samples trained by PyTorch: the reference for the
test accuracies netc's samples reach (issues 3 and 15), seed by seed.

mnist (samples/mnist.net): 784-16-16-10 sigmoid, xavier_uniform weights and
torch.nn.Linear's default biases, C = ½‖a − y‖² per sample averaged over the mini-batch
(Nielsen's convention, as netc), SGD with learning rate 3.0, batch 10, 30 epochs.

mnist_relu (samples/mnist_relu.net): 784-128-64-10 ReLU with a softmax output,
kaiming_normal_ (fan_in) weights and default biases, nn.CrossEntropyLoss (batch mean),
Adam(lr 1e-3, betas 0.9/0.999, weight_decay 1e-4), batch 32, 10 epochs, the learning
rate annealed per epoch as netc's cosine(min_lr = 1e-5) (= CosineAnnealingLR's closed form).

lenet, mnist_conv, fashion_conv (samples/lenet.net, mnist_conv.net, fashion_conv.net; the
last on Fashion-MNIST, data/fashion): Conv2d, MaxPool2d, Linear and Dropout layers as the
.net files write them, torch.flatten(x, 1) before the first Linear; initialised as netc
does without an `init` setting: kaiming_normal_ (fan_in = C·KH·KW for a Conv2d) for the
relu layers, xavier_uniform_ for the softmax layer, torch's default biases
U(±1/√fan_in); nn.CrossEntropyLoss, Adam(lr 1e-3, betas 0.9/0.999, eps 1e-8, no weight
decay), netc's cosine to 0 per epoch, inverted dropout (model.train() while training,
model.eval() for the test), batch 64.

All: a fresh torch.randperm order each epoch, one thread, float32; prints the test
accuracy after the last epoch.  One to two minutes per seed on one core for the dense
samples, more for the conv ones:

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


def images(path, shape):
    x = netc_weights.read_idx(path)
    return torch.tensor(x.reshape((len(x),) + shape) / 255.0, dtype=torch.float32)


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


def conv_net(*layers):
    """nn.Sequential of the layers, initialised as netc initialises a network without an
    `init` setting: He (kaiming_normal_, fan_in) for the relu layers, Xavier uniform for
    the output (softmax) layer; biases keep torch's U(±1/√fan_in), as netc's."""
    net = torch.nn.Sequential(*layers)
    weighted = [m for m in net if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    for m in weighted[:-1]:
        torch.nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
    torch.nn.init.xavier_uniform_(weighted[-1].weight)
    return net


def adam_cosine(net, batch, epochs):
    """Cross-entropy on the logits, Adam(1e-3), cosine to 0: the conv samples' train block."""
    ce = torch.nn.CrossEntropyLoss()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    return net, lambda x, lab: ce(net(x), lab), opt, batch, epochs, cosine(1e-3, 0.0)


def lenet_recipe():
    """samples/lenet.net"""
    nn = torch.nn
    net = conv_net(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                   nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                   nn.Linear(400, 120), nn.ReLU(), nn.Dropout(0.5),
                   nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    return adam_cosine(net, 64, 12)


def two_block_net(c1, c2, hidden, map_dropout=None):
    """samples/mnist_conv.net and fashion_conv.net: two 3x3 conv blocks (padding 1, max
    pooling), then dropout on the pooled maps if map_dropout is given (elementwise, as
    netc's dropout layer: nn.Dropout, not Dropout2d), a dense layer with dropout."""
    nn = torch.nn
    maps = [nn.Dropout(map_dropout)] if map_dropout is not None else []
    return conv_net(nn.Conv2d(1, c1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                    nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), *maps,
                    nn.Flatten(), nn.Linear(c2 * 7 * 7, hidden), nn.ReLU(), nn.Dropout(0.5),
                    nn.Linear(hidden, 10))


def mnist_conv_recipe():
    """samples/mnist_conv.net: 32 and 64 filters, dropout 0.25 on the pooled maps"""
    return adam_cosine(two_block_net(32, 64, 256, map_dropout=0.25), 64, 12)


def fashion_conv_recipe():
    """samples/fashion_conv.net"""
    return adam_cosine(two_block_net(16, 32, 256), 64, 12)


# name: (recipe, default data, image shape)
RECIPES = {"mnist": (mnist_recipe, "data/mnist", (784,)),
           "mnist_relu": (mnist_relu_recipe, "data/mnist", (784,)),
           "lenet": (lenet_recipe, "data/mnist", (1, 28, 28)),
           "mnist_conv": (mnist_conv_recipe, "data/mnist", (1, 28, 28)),
           "fashion_conv": (fashion_conv_recipe, "data/fashion", (1, 28, 28))}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("sample", choices=sorted(RECIPES))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", help="default: data/mnist, data/fashion for fashion_conv")
    p.add_argument("--epochs", type=int, help="default: the sample's")
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    recipe, data, shape = RECIPES[a.sample]
    data = a.data or data
    x = images(os.path.join(data, "train-images-idx3-ubyte"), shape)
    lab = labels(os.path.join(data, "train-labels-idx1-ubyte"))
    xt = images(os.path.join(data, "t10k-images-idx3-ubyte"), shape)
    lt = labels(os.path.join(data, "t10k-labels-idx1-ubyte"))
    net, loss_of, opt, batch, epochs, lr_at = recipe()
    epochs = a.epochs or epochs
    for e in range(epochs):
        for group in opt.param_groups:
            group["lr"] = lr_at(e, epochs)
        net.train()
        order = torch.randperm(len(x))
        for i in range(0, len(x), batch):
            b = order[i:i + batch]
            loss = loss_of(x[b], lab[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
    net.eval()
    with torch.no_grad():     # in chunks: a conv layer's maps of 10,000 images are large
        right = sum((net(xt[i:i + 1000]).argmax(1) == lt[i:i + 1000]).sum().item()
                    for i in range(0, len(xt), 1000))
    accuracy = right / len(xt)
    print(f"{a.sample} seed {a.seed}: test accuracy {100 * accuracy:.2f}%")


if __name__ == "__main__":
    main()
