"""PyTorch on the GPU: the peer of org.sparkgrad.bench.GpuTrainingBenchmark.

The same models, batches, optimizer and step as the Java side, on cuda:0, with TF32 off (full
float32 matmuls, as Sparkgrad's). Prints machine-readable lines:
  DEVICE name=... torch=... cuda=...
  THROUGHPUT model=mlp batch=1024 samples_per_s=...
  THROUGHPUT model=cnn batch=256 samples_per_s=...
  SGEMM n=4096 tflops=...
  TRANSFER mb=... to_gpu_pageable=... to_gpu_pinned=... to_host=...   (GB/s, beside GpuTransferProbe)
Usage: python3 gpu_training_torch.py [--steps 50] [--warmup 10]
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def mlp():
    return nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(),
                         nn.Linear(1024, 10))


def cnn():
    return nn.Sequential(nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 5 * 5, 10))


def throughput(model, x, y, steps, warmup):
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(warmup):
        step()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    torch.cuda.synchronize()
    return steps * x.shape[0] / (time.perf_counter() - t0)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--warmup", type=int, default=10)
    a = p.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("torch.cuda.is_available() is False")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    dev = torch.device("cuda:0")
    print(f"DEVICE name={torch.cuda.get_device_name(0).replace(' ', '_')} "
          f"torch={torch.__version__} cuda={torch.version.cuda}", flush=True)
    torch.manual_seed(0)
    x = torch.randn(1024, 784, device=dev)
    y = torch.randint(0, 10, (1024,), device=dev)
    r = throughput(mlp().to(dev), x, y, a.steps, a.warmup)
    print(f"THROUGHPUT model=mlp batch=1024 samples_per_s={r:.1f}", flush=True)
    x = torch.randn(256, 1, 28, 28, device=dev)
    y = torch.randint(0, 10, (256,), device=dev)
    r = throughput(cnn().to(dev), x, y, a.steps, a.warmup)
    print(f"THROUGHPUT model=cnn batch=256 samples_per_s={r:.1f}", flush=True)
    n = 4096
    A = torch.randn(n, n, device=dev)
    B = torch.randn(n, n, device=dev)
    for _ in range(3):
        A @ B
    torch.cuda.synchronize()
    reps = 20
    t0 = time.perf_counter()
    for _ in range(reps):
        A @ B
    torch.cuda.synchronize()
    dt = time.perf_counter() - t0
    print(f"SGEMM n={n} tflops={2 * n ** 3 * reps / dt / 1e12:.2f}", flush=True)
    for mb in (1, 16, 64):
        host = torch.arange(mb * (1 << 20) // 4, dtype=torch.float32)
        pinned = host.pin_memory()
        rates = []
        for src in (host, pinned):
            best = float("inf")
            for _ in range(5):
                t0 = time.perf_counter()
                src.to(dev)
                torch.cuda.synchronize()
                best = min(best, time.perf_counter() - t0)
            rates.append(mb * (1 << 20) / best / 1e9)
        on_gpu = host.to(dev)
        best = float("inf")
        for _ in range(5):
            t0 = time.perf_counter()
            on_gpu.cpu()
            best = min(best, time.perf_counter() - t0)
        print(f"TRANSFER mb={mb} to_gpu_pageable={rates[0]:.2f} to_gpu_pinned={rates[1]:.2f} "
              f"to_host={mb * (1 << 20) / best / 1e9:.2f}", flush=True)


if __name__ == "__main__":
    main()
