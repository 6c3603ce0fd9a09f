#!/usr/bin/env python3
"""Golden files for the safetensors interop tests (SafeTensorsInteropTest).

Run from this directory with PyTorch (1.13 is enough; the `safetensors` package is not needed):

    python3 gen_safetensors.py

The format is written and read by hand with struct + json, exactly as the spec defines it
(https://github.com/huggingface/safetensors#format): an 8-byte little-endian header length N, N
bytes of JSON padded with spaces to a multiple of 8, then the little-endian data. The data is laid
out as the reference implementation lays it out (sorted by dtype alignment, then name), and the
header is written compact with "__metadata__" first, as the reference does.

It writes:
  torch_mlp.safetensors      state dict of Sequential(Linear(50,30), ReLU, Linear(30,20), ReLU,
                             Linear(20,3)) after torch.manual_seed(0)
  torch_mlp_expected.txt     every value of that state dict, a fixed input and the model's output
  torch_mixed.safetensors    F64, I64, 0-d and empty tensors, metadata with escapes and non-ASCII
  torch_mixed_expected.txt   their values
and, if java_written.safetensors exists (the Java test writes it when run with
-Dsparkgrad.regenerateFixtures=true), checks it against the spec, loads it into torch tensors and
writes what torch read to java_written_torch_read.txt.

Text format of the .txt files: a line "tensor NAME DTYPE D0,D1,.. SUM" followed by a line of the
values in row-major order (floats as Python repr, exact for float32 and float64), and for metadata
"meta KEYHEX VALUEHEX" (UTF-8 bytes in hex). Names contain no spaces.
"""
import json
import os
import struct

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
CODES = {torch.float32: "F32", torch.float64: "F64", torch.int64: "I64"}
DTYPES = {v: k for k, v in CODES.items()}


def write_safetensors(path, tensors, metadata=None):
    """Writes a safetensors file as the reference implementation does."""
    names = sorted(tensors, key=lambda k: (-tensors[k].element_size(), k))
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    blobs = []
    for name in names:
        t = tensors[name].contiguous()
        blob = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": CODES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """Reads a safetensors file, enforcing the spec; returns (ordered tensors, metadata, key order)."""
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    assert n % 8 == 0, "header length %d is not a multiple of 8" % n
    raw = data[8:8 + n]
    assert raw[:1] == b"{", "header must start with '{'"
    text = raw.decode("utf-8")
    decoder = json.JSONDecoder(object_pairs_hook=lambda p: p)
    pairs, end = decoder.raw_decode(text)
    assert text[end:].strip(" ") == "", "header padding must be spaces"
    area = data[8 + n:]
    metadata = {}
    entries = []
    for key, value in pairs:
        if key == "__metadata__":
            metadata = dict(value)
        else:
            entries.append((key, dict(value)))
    expected = 0
    for key, info in sorted(entries, key=lambda e: tuple(e[1]["data_offsets"])):
        begin, end = info["data_offsets"]
        assert begin == expected, "tensor %s starts at %d, expected %d" % (key, begin, expected)
        expected = end
    assert expected == len(area), "tensors cover %d of %d data bytes" % (expected, len(area))
    tensors = {}
    for key, info in entries:
        begin, end = info["data_offsets"]
        dtype = DTYPES[info["dtype"]]
        shape = info["shape"]
        buf = bytearray(area[begin:end])
        t = torch.frombuffer(buf, dtype=dtype) if buf else torch.empty(0, dtype=dtype)
        t = t.reshape(shape)
        assert t.element_size() * t.numel() == end - begin
        tensors[key] = t
    return tensors, metadata, [k for k, _ in entries]


def value_line(t):
    flat = t.reshape(-1).tolist()
    return " ".join(repr(v) if isinstance(v, float) else str(v) for v in flat)


def tensor_lines(name, t):
    s = t.sum().item() if t.dtype == torch.int64 else t.double().sum().item()
    shape = ",".join(str(d) for d in t.shape)
    return ["tensor %s %s %s %r" % (name, CODES[t.dtype], shape, s), value_line(t)]


def meta_lines(metadata):
    return ["meta %s %s" % (k.encode().hex(), v.encode().hex()) for k, v in metadata.items()]


def main():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(50, 30), torch.nn.ReLU(), torch.nn.Linear(30, 20),
                                torch.nn.ReLU(), torch.nn.Linear(20, 3))
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    write_safetensors(os.path.join(HERE, "torch_mlp.safetensors"), state, {"format": "pt"})
    x = torch.randn(4, 50, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        y = model(x)
    lines = meta_lines({"format": "pt"})
    for k, v in state.items():
        lines += tensor_lines(k, v)
    lines += tensor_lines("input", x) + tensor_lines("output", y)
    with open(os.path.join(HERE, "torch_mlp_expected.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")

    mixed = {
        "counts": torch.tensor([[-1, 0, 2 ** 53 + 1], [2 ** 63 - 1, -2 ** 63, 42]], dtype=torch.int64),
        "step": torch.tensor(7, dtype=torch.int64),
        "precise": torch.tensor([3.141592653589793, -1e-300, 2.5e300], dtype=torch.float64),
        "empty": torch.zeros(0, 3),
        "scale": torch.tensor(0.1, dtype=torch.float32),
    }
    meta = {"format": "pt", "note": "quote \" backslash \\ tab \t caf\u00e9 \U0001d11e"}
    write_safetensors(os.path.join(HERE, "torch_mixed.safetensors"), mixed, meta)
    lines = meta_lines(meta)
    for k, v in mixed.items():
        lines += tensor_lines(k, v)
    with open(os.path.join(HERE, "torch_mixed_expected.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")

    java = os.path.join(HERE, "java_written.safetensors")
    if os.path.exists(java):
        tensors, metadata, order = read_safetensors(java)
        lines = ["order " + " ".join(order)] + meta_lines(metadata)
        for k, v in tensors.items():
            lines += tensor_lines(k, v)
        with open(os.path.join(HERE, "java_written_torch_read.txt"), "w") as f:
            f.write("\n".join(lines) + "\n")
        print("verified", java, "with torch", torch.__version__)


if __name__ == "__main__":
    main()
