"""netc's weights files from Python, with nothing but the standard library and NumPy.

A netc weights file is safetensors (docs/weights.md): per layer `<layer>.weight`
[out, in] and `<layer>.bias` [out], float32 little-endian, the layout of
torch.nn.Linear.  Only the names differ from a torch.nn.Sequential's state_dict, whose
keys are module positions ("0.weight", "2.weight", ...); netc's are the layer names of
the .net file (`as NAME`, else dense1, dense2, ...).  See docs/pytorch.md.

    write_safetensors(path, tensors, metadata)   tensors: (name, array) pairs or a dict
    read_safetensors(path)                       {name: float32 array}
    read_idx(path)                               an IDX file (MNIST) as a uint8 array
    save_for_netc(model, path, names)            a Sequential's Linear layers under netc's names
    load_from_netc(model, path, names)           the reverse, into the Sequential
"""
import json
import struct

import numpy as np


def write_safetensors(path, tensors, metadata=None):
    """Write float32 tensors: an 8-byte little-endian header length, the JSON header
    (dtype, shape, data_offsets; padded with spaces to a multiple of 8), the data."""
    items = tensors.items() if isinstance(tensors, dict) else tensors
    header, offset, blobs = {}, 0, []
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name, array in items:
        array = np.asarray(array)
        blob = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors(path):
    """The F32 tensors of a safetensors file, by name (the metadata left out)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header, body = json.loads(data[8:8 + n]), data[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: tensor '{name}' is {info['dtype']}, not F32")
        begin, end = info["data_offsets"]
        out[name] = np.frombuffer(body[begin:end], dtype="<f4").reshape(info["shape"])
    return out


def read_idx(path):
    """An IDX file (MNIST's format): big-endian magic 0x00000800 + type + rank, the
    dimensions, then the bytes.  Unsigned bytes only (type 0x08)."""
    with open(path, "rb") as f:
        data = f.read()
    zero, kind, rank = struct.unpack(">HBB", data[:4])
    if zero != 0 or kind != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    dims = struct.unpack(f">{rank}I", data[4:4 + 4 * rank])
    pixels = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank)
    if pixels.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {pixels.size} bytes of data, dimensions {dims} say "
                         f"{int(np.prod(dims))}")
    return pixels.reshape(dims)


def linear_layers(model):
    """The model's torch.nn.Linear modules in order, with their state_dict prefixes."""
    import torch
    return [(prefix, m) for prefix, m in model.named_modules()
            if isinstance(m, torch.nn.Linear)]


def netc_names(model, names=None):
    """{state_dict prefix: netc layer name} for the model's Linear layers: names given
    in order (the .net file's `as NAME`), else dense1, dense2, ..."""
    linears = linear_layers(model)
    names = names or [f"dense{i + 1}" for i in range(len(linears))]
    if len(names) != len(linears):
        raise ValueError(f"{len(names)} names for {len(linears)} Linear layers")
    return {prefix: name for (prefix, _), name in zip(linears, names)}


def save_for_netc(model, path, names=None, metadata=None, extra=None):
    """The Linear layers' weights and biases under netc's names ("0.weight" ->
    "dense1.weight", ...; a Linear without bias gets zeros), plus extra (name, array)
    pairs such as input.mean and input.std.  A "network" in metadata must be the .net
    file's network name: netc refuses another network's file unless given
    --allow-other-network (docs/weights.md); without one the file loads on its shapes."""
    tensors, names = [], netc_names(model, names)
    for prefix, linear in linear_layers(model):
        name = names[prefix]
        weight = linear.weight.detach().cpu().float().numpy()
        bias = np.zeros(weight.shape[0], np.float32) if linear.bias is None else \
            linear.bias.detach().cpu().float().numpy()      # netc layers always have one
        tensors += [(f"{name}.weight", weight), (f"{name}.bias", bias)]
    write_safetensors(path, tensors + list(extra or []), metadata)


def load_from_netc(model, path, names=None):
    """A netc weights file into the model's Linear layers ("dense1.weight" -> "0.weight")."""
    import torch
    tensors, names, state = read_safetensors(path), netc_names(model, names), {}
    for prefix, linear in linear_layers(model):
        for kind in ("weight", "bias"):
            value = tensors[f"{names[prefix]}.{kind}"]
            if getattr(linear, kind) is not None:
                state[f"{prefix}.{kind}"] = torch.from_numpy(value.copy())
            elif value.any():
                raise ValueError(f"{path}: {names[prefix]}.bias is not zero but Linear "
                                 f"{prefix} has no bias")
    model.load_state_dict(state)


def torch_activation(spec):
    """The torch.nn module computing a netc activation, written as in a .net file:
    sigmoid, relu, tanh, linear, softmax (on dim 1: one row per sample),
    leaky_relu (alpha 0.01), leaky_relu(0.1) or leaky_relu(alpha = 0.1)."""
    import torch
    name, _, args = spec.partition("(")
    if name.strip() == "leaky_relu":
        alpha = args.rstrip(") ").split("=")[-1].strip() if args else "0.01"
        return torch.nn.LeakyReLU(float(alpha))
    modules = {"sigmoid": torch.nn.Sigmoid, "relu": torch.nn.ReLU, "tanh": torch.nn.Tanh,
               "linear": torch.nn.Identity, "softmax": lambda: torch.nn.Softmax(dim=1)}
    if args or name.strip() not in modules:
        raise ValueError(f"unknown activation '{spec}'")
    return modules[name.strip()]()
