#!/usr/bin/python3
"""Models netc import refuses, and hostile .onnx files: the message and exit status
netc gives each, and nothing written (docs/onnx.md's table of refusals).

Each case builds a model (torch.onnx.export from PyTorch 1.13, or onnx.helper for the
files no exporter writes), runs `netc import MODEL -o DIR`, and requires the exit
status, a message on stderr containing the pinned text, and an empty DIR.
usage: onnx_refuse.py NETC WORKDIR
"""
import io
import os
import subprocess
import sys

import onnx
import torch
from onnx import TensorProto, helper

nn = torch.nn


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.a, self.b = nn.Linear(4, 4), nn.Linear(4, 4)

    def forward(self, x):
        h = torch.relu(self.a(x))
        return self.b(h) + h


class ViewBatch(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(12, 2)

    def forward(self, x):
        return self.a(x.view(x.size(0), -1))


def exported(model, shape, opset=13, dynamic=None):
    f = io.BytesIO()
    torch.onnx.export(model.eval(), torch.zeros(1, *shape), f, opset_version=opset,
                      input_names=["input"], output_names=["output"],
                      dynamic_axes=dynamic or {"input": {0: "batch"}, "output": {0: "batch"}})
    return f.getvalue()


def small_graph(nodes, inits, inputs=1, opset=13, input_dims=("batch", 4)):
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(input_dims))
         for n in ["input", "input2"][:inputs]],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 2])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


def gemm_model():
    w = helper.make_tensor("W", TensorProto.FLOAT, [2, 4], [0.5] * 8)
    return small_graph([helper.make_node("Gemm", ["input", "W"], ["output"], transB=1)], [w])


def short_data():
    m = gemm_model()
    m.graph.initializer[0].ClearField("float_data")
    m.graph.initializer[0].raw_data = b"\0" * 20          # 5 floats for [2, 4]
    return m.SerializeToString()


def huge_dims():
    m = gemm_model()
    del m.graph.initializer[0].dims[:]
    m.graph.initializer[0].dims.extend([1 << 40, 4])
    return m.SerializeToString()


def cycle():
    m = gemm_model()
    m.graph.node[0].output[0] = "a"
    m.graph.node.append(helper.make_node("Identity", ["a"], ["input"]))
    return m.SerializeToString()


def one_input_matmul():
    """A MatMul without its weights (found by the fuzzer: read past the node's inputs)."""
    return small_graph([helper.make_node("MatMul", ["input"], ["output"])], []).SerializeToString()


def two_inputs():
    return small_graph([helper.make_node("Add", ["input", "input2"], ["output"])], [],
                       inputs=2).SerializeToString()


def new_opset():
    m = gemm_model()
    m.opset_import[0].version = 19
    return m.SerializeToString()


def nested():
    """A model whose graph nests If nodes' subgraphs 100 deep (a few bytes each)."""
    leaf = g = helper.make_graph([], "leaf", [], [])
    for _ in range(100):
        g = helper.make_graph([helper.make_node("If", ["c"], ["o"], then_branch=g,
                                                else_branch=leaf)], "g", [], [])
    return helper.make_model(g).SerializeToString()


torch.manual_seed(0)
# name: (the model's bytes, exit status, text the message must contain, netc import options)
CASES = {
    # convolutions and pools netc's layers do not express (docs/onnx.md)
    "conv_group": (lambda: exported(nn.Sequential(nn.Conv2d(2, 4, 3, groups=2), nn.Flatten(),
                                                  nn.Linear(64, 3)), (2, 6, 6)), 1,
                   "node '/0/Conv' (Conv): attribute group = 2 (a grouped or depthwise "
                   "convolution): netc's conv layers connect every input channel to every "
                   "filter (group 1)", []),
    "conv_dilation": (lambda: exported(nn.Sequential(nn.Conv2d(1, 2, 3, dilation=2), nn.Flatten(),
                                                     nn.Linear(50, 3)), (1, 9, 9)), 1,
                      "node '/0/Conv' (Conv): attribute dilations = [2, 2]: netc's convolutions "
                      "are not dilated", []),
    "conv_pads": (lambda: exported(nn.Sequential(nn.Conv2d(1, 2, 3, padding=(1, 0)), nn.Flatten(),
                                                 nn.Linear(48, 3)), (1, 6, 6)), 1,
                  "node '/0/Conv' (Conv): attribute pads = [1, 0, 1, 0] (top, left, bottom, "
                  "right): netc pads every side alike (`padding N`)", []),
    "conv_strides": (lambda: exported(nn.Sequential(nn.Conv2d(1, 2, 3, stride=(2, 1)),
                                                    nn.Flatten(), nn.Linear(30, 3)), (1, 7, 7)), 1,
                     "node '/0/Conv' (Conv): attribute strides = [2, 1]: netc's conv layers "
                     "take one stride for both dimensions (`stride N`)", []),
    "conv_stride_fit": (lambda: exported(nn.Sequential(nn.Conv2d(1, 2, 3, stride=2), nn.Flatten(),
                                                       nn.Linear(18, 3)), (1, 8, 8)), 1,
                        "node '/0/Conv' (Conv): stride 2 does not fit the input's height: 8 + 2 x "
                        "0 padding - 3 = 5 is not a multiple of 2: the last 1 row(s) fill no "
                        "whole window, and netc's layers read every one in whole windows", []),
    "conv1d": (lambda: exported(nn.Sequential(nn.Conv1d(1, 2, 3), nn.Flatten(), nn.Linear(12, 3)),
                                (1, 8)), 1,
               "node '/0/Conv' (Conv): its input has 2 dimensions per sample; netc's conv and "
               "pooling layers take images, [batch, C, H, W]", []),
    "pool_padding": (lambda: exported(nn.Sequential(nn.MaxPool2d(2, padding=1), nn.Flatten(),
                                                    nn.Linear(16, 3)), (1, 6, 6)), 1,
                     "node '/0/MaxPool' (MaxPool): attribute pads = 1: netc's pooling layers do "
                     "not pad (as PyTorch's by default)", []),
    "pool_strides": (lambda: exported(nn.Sequential(nn.MaxPool2d((2, 3), stride=(1, 2)),
                                                    nn.Flatten(), nn.Linear(15, 3)), (1, 6, 7)), 1,
                     "node '/0/MaxPool' (MaxPool): attribute strides = [1, 2] for a 2 x 3 window: "
                     "netc's pools step by the window or by one stride for both dimensions", []),
    "pool_ceil": (lambda: exported(nn.Sequential(nn.MaxPool2d(2, ceil_mode=True), nn.Flatten(),
                                                 nn.Linear(9, 3)), (1, 5, 5)), 1,
                  "node '/0/MaxPool' (MaxPool): stride 2 does not fit the input's height: 5 + 2 x "
                  "0 padding - 2 = 3 is not a multiple of 2", []),
    "relu_after_avgpool": (lambda: exported(nn.Sequential(nn.Conv2d(1, 2, 3), nn.AvgPool2d(2),
                                                          nn.ReLU(), nn.Flatten(),
                                                          nn.Linear(8, 3)), (1, 6, 6)), 1,
                           "node '/2/Relu' (Relu): an activation after an average pool: netc "
                           "applies it before the pool (the conv layer's), and the average of "
                           "f(x) is not f of the average\nhint: apply the activation before "
                           "pooling", []),
    "uneven_pad": (lambda: exported(nn.Sequential(nn.ZeroPad2d((1, 0, 1, 0)), nn.Conv2d(1, 2, 3),
                                                  nn.Flatten(), nn.Linear(50, 3)), (1, 6, 6),
                                    opset=10), 1,
                   "node '/0/Pad' (Pad): padding in a node of its own (mode constant, value 0, "
                   "pads [0, 0, 1, 1, 0, 0, 0, 0]): netc pads inside its conv layers only, with "
                   "zeros on every side alike", []),
    "pad_then_pool": (lambda: exported(nn.Sequential(nn.ZeroPad2d(1), nn.MaxPool2d(2),
                                                     nn.Flatten(), nn.Linear(16, 3)), (1, 6, 6),
                                       opset=10), 1,
                      "node '/1/MaxPool' (MaxPool): follows a Pad of 1 on each side: netc pads "
                      "inside its conv layers only, so a Conv must come right after it", []),
    "conv_last": (lambda: exported(nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten()), (1, 5, 5)), 1,
                  "the network ends with a conv layer (Conv /0/Conv); netc's output layer is a "
                  "dense one", []),
    "batchnorm": (lambda: exported(nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3), nn.ReLU()),
                                   (4,)), 1,
                  "(BatchNormalization): unsupported operator\nhint: netc imports networks of "
                  "layers: Gemm, MatMul, Add, Conv, MaxPool, AveragePool", []),
    "residual": (lambda: exported(Residual(), (4,)), 1, "branching graph: '/Relu_output_0' "
                 "feeds nodes '/b/Gemm' and '/Add'; netc's networks are one chain of layers", []),
    "view_batch": (lambda: exported(ViewBatch(), (3, 4)), 1, "branching graph: 'input' feeds "
                   "nodes", []),
    "dynamic": (lambda: exported(nn.Sequential(nn.Linear(4, 2)), (4,),
                                 dynamic={"input": {0: "batch", 1: "n"}}), 1,
                "dynamic shape: dimension 1 of input 'input' has no fixed size", []),
    "log_softmax": (lambda: exported(nn.Sequential(nn.Linear(4, 2), nn.LogSoftmax(1)), (4,)), 1,
                    "(LogSoftmax): netc has no log-softmax activation, so it cannot write this "
                    "network exactly\nhint: --log-softmax softmax", []),
    "hidden_softmax": (lambda: exported(nn.Sequential(nn.Linear(4, 3), nn.Softmax(1),
                                                      nn.Linear(3, 2)), (4,)), 1,
                       "node '/2/Gemm' (Gemm): follows the output layer's softmax", []),
    "two_activations": (lambda: exported(nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Sigmoid()),
                                         (4,)), 1,
                        "(Sigmoid): a second activation after layer 1: netc's layers have one", []),
    "truncated": (lambda: exported(nn.Sequential(nn.Linear(4, 2)), (4,))[:150], 1,
                  "not an ONNX model: the protobuf data is malformed or truncated", []),
    "short_data": (short_data, 1, "weight tensor 'W': its dimensions declare 8 values, its data "
                   "holds 20 bytes (32 expected)", []),
    "huge_dims": (huge_dims, 1, "weight tensor 'W': dimension 0 is 1099511627776; netc takes 1 "
                  "to 1048576", []),
    "cycle": (cycle, 1, "(Gemm): the graph has a cycle through this node", []),
    "one_input_matmul": (one_input_matmul, 1, "(MatMul): 1 input; MatMul takes 2", []),
    "two_inputs": (two_inputs, 1, "the graph has 2 inputs; netc's networks have one", []),
    "new_opset": (new_opset, 1, "opset 19: netc imports opsets 7 to 17", []),
    "nested": (nested, 1, "messages nested more than 64 deep", []),
    "bad_name": (lambda: exported(nn.Sequential(nn.Linear(4, 2)), (4,)), 2,
                 "--name and --log-softmax are only for", ["--emit", "dot"]),
}


def main():
    netc, work = sys.argv[1], sys.argv[2]
    torch.set_num_threads(1)
    failed = 0
    for name, (make, status, text, options) in CASES.items():
        path, out = os.path.join(work, f"{name}.onnx"), os.path.join(work, f"{name}.out")
        with open(path, "wb") as f:
            data = make()
            f.write(data if isinstance(data, bytes) else data.SerializeToString())
        cmd = [netc, "import", path, "-o", out]
        if options:
            cmd = [netc, *options, "--name", "x", path]
        r = subprocess.run(cmd, capture_output=True, text=True)
        written = os.listdir(out) if os.path.isdir(out) else []
        ok = r.returncode == status and text in r.stderr and not written
        failed += not ok
        first = r.stderr.strip().splitlines()[0] if r.stderr.strip() else "(no message)"
        print(f"{'OK' if ok else 'FAIL'}  {name}: exit {r.returncode}: {first}")
        if not ok:
            print(f"    expected exit {status} and: {text}\n    got: {r.stderr}"
                  f"    written: {written}")
    print(f"{len(CASES) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
