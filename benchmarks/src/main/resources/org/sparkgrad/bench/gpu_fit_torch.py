"""PyTorch peer of GpuFitCheck: the same two networks (MLP 784-256-128-10 with ReLU; CNN conv 8,
pool, conv 16, pool, linear) trained for the same epochs on the same kind of data (10 classes of
noisy 28x28 templates, ROWS rows) with plain SGD (lr 0.05, batch 128, shuffled each epoch), on
cuda:0 when there is one. Prints one line per network: its fit seconds (data already on the
device, as the estimator's cached blocks are) and its last epoch's mean loss. PRECISION bf16 or
fp16 runs the forward pass and the loss under torch.autocast(device_type, dtype) (fp16 with
torch.cuda.amp.GradScaler's default dynamic loss scaling), as the estimators' precision param.
Usage: python3 gpu_fit_torch.py [rows] [epochs] [float32|bf16|fp16]"""
import sys
import time

import torch
from torch import nn

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
precision = sys.argv[3] if len(sys.argv) > 3 else "float32"
if precision not in ("float32", "bf16", "fp16"):
    sys.exit("precision must be float32, bf16 or fp16, got %r" % precision)
device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
gen = torch.Generator().manual_seed(11)
templates = torch.rand(10, 784, generator=gen)
labels = torch.randint(0, 10, (rows,), generator=gen)
x = (templates[labels] + 0.8 * torch.randn(rows, 784, generator=gen)).to(device)
y = labels.to(device)


def mlp():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                         nn.Linear(128, 10))


def cnn():
    return nn.Sequential(nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(784, 10))


def fit(make):
    torch.manual_seed(5)
    model = make().to(device)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    loss_fn = nn.CrossEntropyLoss()
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(precision)
    scaler = torch.cuda.amp.GradScaler(enabled=precision == "fp16")
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    last = 0.0
    for _ in range(epochs):
        order = torch.randperm(rows, device=device)
        total = torch.zeros((), device=device)
        for s in range(0, rows, 128):
            idx = order[s:s + 128]
            opt.zero_grad(set_to_none=True)
            with torch.autocast(device.type, dtype=dtype or torch.float32,
                                enabled=dtype is not None):
                loss = loss_fn(model(x[idx]), y[idx])
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            total += loss.detach() * idx.numel()
        last = (total / rows).item()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start, last


name = torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu"
for net, make in (("mlp", mlp), ("cnn", cnn)):
    fit(make)  # warm-up: cuDNN autotuning, the allocator's first blocks
    seconds, loss = fit(make)
    print("torch %s (%s) on %s (%s): fit %.3f s for %d epochs of %d rows, last epoch loss %.4f"
          % (net, precision, device, name, seconds, epochs, rows, loss))
