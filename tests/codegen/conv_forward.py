#!/usr/bin/python3
"""conv_forward.py DIR - issue 15's pinned forward semantics in plain numpy loops.

A second, independent reading of what torch_step.py asks of torch: conv as
cross-correlation with zero padding and stride plus a bias per filter, max and
average pools without padding, the flatten in C x H x W order, and the dropout mask
written out from its definition (splitmix64's mix, one element at a time, in Python
integers).  DIR is a dump of harness.c (`dump DIR STEPS LR`): meta.txt, x.f32 and
params_0.f32.  Computes every layer's activations with dropout off and, when
meta.txt has a dropout_key, on, and compares them (1e-12 relative) with torch_step.py's
float64 model on the same parameters, and (1e-5) with netc's own eval_*/train_*
files when DIR has them.  Prints one line per layer; exit 0 = pass.

It exists so that a mistake in torch_step.py's model (a transposed kernel, a wrong
flatten order, a mask that is not the pinned one) cannot pass by agreeing with the
same mistake in the generated code.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch_step  # noqa: E402

MASK64 = (1 << 64) - 1


def kept(key, index, row, k, rate):
    """The pinned mask, element by element."""
    x = key ^ ((index + 1) << 56) ^ (row << 28) ^ k
    z = (x + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    h = z ^ (z >> 31)
    return (h >> 40) >= int(np.floor(rate * 2.0 ** 24 + 0.5))


def conv(a, w, b, stride, padding):
    """a: C x H x W; w: out x C x kh x kw."""
    c, h, wd = a.shape
    out, _, kh, kw = w.shape
    p = np.zeros((c, h + 2 * padding[0], wd + 2 * padding[1]))
    p[:, padding[0]:padding[0] + h, padding[1]:padding[1] + wd] = a
    oh = (p.shape[1] - kh) // stride[0] + 1
    ow = (p.shape[2] - kw) // stride[1] + 1
    z = np.zeros((out, oh, ow))
    for o in range(out):
        for i in range(oh):
            for j in range(ow):
                patch = p[:, i * stride[0]:i * stride[0] + kh, j * stride[1]:j * stride[1] + kw]
                z[o, i, j] = b[o] + float(np.sum(patch * w[o]))
    return z


def pool(a, kernel, stride, reduce):
    c, h, w = a.shape
    oh, ow = (h - kernel[0]) // stride[0] + 1, (w - kernel[1]) // stride[1] + 1
    z = np.zeros((c, oh, ow))
    for ch in range(c):
        for i in range(oh):
            for j in range(ow):
                z[ch, i, j] = reduce(a[ch, i * stride[0]:i * stride[0] + kernel[0],
                                       j * stride[1]:j * stride[1] + kernel[1]])
    return z


def activate(layer, z):
    act = layer["activation"]
    if act == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if act == "relu":
        return np.maximum(z, 0.0)
    if act == "leaky_relu":
        return np.where(z > 0, z, layer["alpha"] * z)
    if act == "tanh":
        return np.tanh(z)
    if act == "softmax":
        e = np.exp(z - z.max())
        return e / e.sum()
    return z


def forward(layers, params, x, key):
    """Each layer's activations of each sample: a list (per layer) of n x size arrays."""
    outs = [[] for _ in layers]
    for row, sample in enumerate(x):
        a = sample
        for index, layer in enumerate(layers):
            kind = layer["kind"]
            if kind == "conv":
                w, b = params[layer["weight"]], params[layer["weight"] + 1]
                a = activate(layer, conv(a.reshape(layer["in"]), w, b, layer["stride"], layer["padding"]))
            elif kind == "maxpool":
                a = pool(a.reshape(layer["in"]), layer["kernel"], layer["stride"], np.max)
            elif kind == "avgpool":
                a = pool(a.reshape(layer["in"]), layer["kernel"], layer["stride"], np.mean)
            elif kind == "dense":
                w, b = params[layer["weight"]], params[layer["weight"] + 1]
                a = activate(layer, w @ a.reshape(-1) + b)
            elif key is not None:
                scale = float(np.float32(1.0 / (1.0 - layer["rate"])))
                a = np.array([v * scale if kept(key, index, row, k, layer["rate"]) else 0.0
                              for k, v in enumerate(a.reshape(-1))])
            a = a.reshape(-1)
            outs[index].append(a)
    return [np.array(o) for o in outs]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    work = sys.argv[1]
    meta, layers, tensors = torch_step.read_meta(work)
    n = int(meta["n"])
    x = torch_step.read(work, "x").astype(np.float64).reshape(n, -1)
    flat = torch_step.read(work, "params_0").astype(np.float64)
    params, at = [], 0
    for _, shape in tensors:
        size = int(np.prod(shape))
        params.append(flat[at:at + size].reshape(shape))
        at += size
    model = torch_step.Net(layers, tensors).double()
    torch_step.load(model.params, torch_step.read(work, "params_0"))
    key = int(meta["dropout_key"]) if "dropout_key" in meta else None
    ok = True
    for what, k in (("eval", None), ("train", key)) if key is not None else (("eval", None),):
        ours = forward(layers, params, x, k)
        model.set_dropout(k, n)
        with torch.no_grad():
            theirs, _ = model(torch.from_numpy(x))
        for index, layer in enumerate(layers):
            ref = ours[index]
            scale = max(float(np.abs(ref).max()), 1e-30)
            rel = float(np.abs(theirs[index].numpy() - ref).max()) / scale
            good = rel <= 1e-12
            line = f"{what} {layer['name']}: torch_step's model {rel:.1e}"
            path = os.path.join(work, f"{what}_act_{index}.f32")
            if os.path.exists(path):
                netc = torch_step.read(work, f"{what}_act_{index}").astype(np.float64)
                rel_netc = float(np.abs(netc - ref.reshape(-1)).max()) / scale if netc.size == ref.size else np.inf
                good &= rel_netc <= torch_step.TOL
                line += f", netc {rel_netc:.1e}"
            print(f"{'OK' if good else 'FAIL'}, {line}")
            ok &= good
    print(f"conv_forward: {'PASS' if ok else 'FAIL'} ({meta['name']}, {len(layers)} layers, {n} samples)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
