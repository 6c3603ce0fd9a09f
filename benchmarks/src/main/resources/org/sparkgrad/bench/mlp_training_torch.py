"""The PyTorch side of org.sparkgrad.bench.MlpTrainingBenchmark: the same MLP 784-256-128-10 (ReLU,
CrossEntropyLoss, Adam or SGD with momentum) on the same Fashion-MNIST files, on one thread.

The Java program launches it; it can also be run by hand:
  python3 mlp_training_torch.py --data /usr/share/datasets/fashion-mnist --mode both
Results are printed as machine-readable lines:
  BLAS sgemm_=<library that serves sgemm_> threads=<n> torch=<version> blas_info=<BLAS_INFO>
  THROUGHPUT batch=<b> samples_per_s=<x> steps=<n> reps=<r>
  ACCURACY epochs=<e> batch=<b> test_accuracy=<a> seconds=<s> final_loss=<l>
"""
import argparse
import ctypes
import gzip
import os
import re
import struct
import time

import numpy as np
import torch
import torch.nn as nn


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit("%s: not an unsigned-byte IDX file" % path)
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(data_dir, split):
    x = read_idx(os.path.join(data_dir, "%s-images-idx3-ubyte.gz" % split))
    y = read_idx(os.path.join(data_dir, "%s-labels-idx1-ubyte.gz" % split))
    x = torch.from_numpy(x.reshape(x.shape[0], -1).astype(np.float32) / 255.0)
    return x, torch.from_numpy(y.astype(np.int64))


class DlInfo(ctypes.Structure):
    _fields_ = [
        ("dli_fname", ctypes.c_char_p),
        ("dli_fbase", ctypes.c_void_p),
        ("dli_sname", ctypes.c_char_p),
        ("dli_saddr", ctypes.c_void_p),
    ]


def sgemm_library():
    """The shared library that serves torch's sgemm_ calls.

    A globally visible sgemm_ (an LD_PRELOAD) wins symbol resolution, so dladdr names it; otherwise
    it is the BLAS that libtorch_cpu linked, found among the mapped libraries.
    """
    torch.randn(4, 4) @ torch.randn(4, 4)
    try:
        libc = ctypes.CDLL(None)
        addr = ctypes.cast(libc.sgemm_, ctypes.c_void_p)
        info = DlInfo()
        libc.dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(DlInfo)]
        if libc.dladdr(addr, ctypes.byref(info)) and info.dli_fname:
            return os.path.realpath(info.dli_fname.decode())
    except (AttributeError, OSError):
        pass
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if path.startswith("/") and "blas" in os.path.basename(path):
                return os.path.realpath(path)
    return "unknown"


def blas_info():
    m = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    return m.group(1) if m else "unknown"


def mlp():
    return nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)
    )


def optimizer(params, a):
    if a.optimizer == "adam":
        return torch.optim.Adam(params, lr=a.lr)
    return torch.optim.SGD(params, lr=a.lr, momentum=a.momentum)


def throughput(x, y, batch, a):
    torch.manual_seed(0)
    model = mlp()
    opt = optimizer(model.parameters(), a)
    loss_fn = nn.CrossEntropyLoss()
    order = torch.randperm(x.shape[0])
    steps = max(1, a.samples // batch)
    per_epoch = x.shape[0] // batch
    pos = [0]

    def step():
        s = pos[0] % per_epoch
        pos[0] += 1
        idx = order[s * batch : (s + 1) * batch]
        opt.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()

    for _ in range(a.warmup):
        step()
    best = 0.0
    for _ in range(a.reps):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        best = max(best, steps * batch / (time.perf_counter() - t0))
    return best, steps


def accuracy(x, y, xt, yt, a):
    batch, epochs = a.epoch_batch, a.epochs
    torch.manual_seed(0)
    model = mlp()
    opt = optimizer(model.parameters(), a)
    loss_fn = nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    loss = None
    for _ in range(epochs):
        model.train()
        order = torch.randperm(x.shape[0])
        for s in range(0, x.shape[0], batch):
            idx = order[s : s + batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    seconds = time.perf_counter() - t0
    model.eval()
    with torch.no_grad():
        predicted = model(xt).softmax(1).argmax(1)
    return (predicted == yt).double().mean().item(), seconds, loss.item()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--mode", choices=["throughput", "accuracy", "both"], default="both")
    p.add_argument("--batches", default="32,128,1024")
    p.add_argument("--samples", type=int, default=20480, help="samples per timed repetition")
    p.add_argument("--warmup", type=int, default=10, help="untimed steps first")
    p.add_argument("--reps", type=int, default=3, help="timed repetitions; the best is reported")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--epoch-batch", type=int, default=128)
    p.add_argument("--optimizer", choices=["sgd", "adam"], default="adam")
    p.add_argument("--lr", type=float, default=0.001)
    p.add_argument("--momentum", type=float, default=0.9, help="SGD only")
    a = p.parse_args()

    torch.set_num_threads(1)
    x, y = load(a.data, "train")
    print(
        "BLAS sgemm_=%s threads=%d torch=%s blas_info=%s"
        % (sgemm_library(), torch.get_num_threads(), torch.__version__, blas_info()),
        flush=True,
    )
    if a.mode in ("throughput", "both"):
        for b in (int(s) for s in a.batches.split(",")):
            rate, steps = throughput(x, y, b, a)
            print(
                "THROUGHPUT batch=%d samples_per_s=%.1f steps=%d reps=%d" % (b, rate, steps, a.reps),
                flush=True,
            )
    if a.mode in ("accuracy", "both"):
        xt, yt = load(a.data, "t10k")
        acc, seconds, last = accuracy(x, y, xt, yt, a)
        print(
            "ACCURACY epochs=%d batch=%d test_accuracy=%.4f seconds=%.1f final_loss=%.4f"
            % (a.epochs, a.epoch_batch, acc, seconds, last),
            flush=True,
        )


if __name__ == "__main__":
    main()
