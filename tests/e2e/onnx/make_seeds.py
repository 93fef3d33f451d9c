#!/usr/bin/python3
"""The conv seeds of the ONNX fuzzer (tests/fuzz/seeds/onnx/), written by PyTorch 1.13's
torch.onnx.export from tiny models, so that the fuzzer starts from what the importer
accepts: Conv, MaxPool, AveragePool (with the Pad PyTorch puts before it), a Reshape to
an image, an activation after a max pool, Flatten, Gemm.
usage: tests/e2e/onnx/make_seeds.py [DIR]   (DIR: tests/fuzz/seeds/onnx)
"""
import os
import sys

import torch
import torch.nn.functional as F

nn = torch.nn


class ViewPoolRelu(nn.Module):
    """x.view(-1, 1, 6, 6), conv, max pool, then relu (PyTorch's MNIST example's shape)."""
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.fc = nn.Linear(8, 2)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv(x.view(-1, 1, 6, 6)), 2))
        return self.fc(x.view(-1, 8))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/seeds/onnx"
    torch.manual_seed(1)
    seeds = {
        "conv_pool.onnx": (nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                                         nn.Conv2d(2, 2, (3, 1)), nn.Tanh(), nn.AvgPool2d((1, 3)),
                                         nn.Flatten(), nn.Linear(2, 2), nn.Softmax(dim=1)),
                           (1, 6, 6), 13),
        "conv_view_relu.onnx": (ViewPoolRelu(), (36,), 9),
    }
    for name, (model, shape, opset) in seeds.items():
        torch.onnx.export(model.eval(), torch.zeros(1, *shape), os.path.join(out, name),
                          opset_version=opset, input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})


if __name__ == "__main__":
    main()
