"""The PyTorch side of org.sparkgrad.bench.FashionMnistRace: the MLP 784-256-128-10 (ReLU,
CrossEntropyLoss, Adam) on the Fashion-MNIST IDX files, on one thread, in one process. With
`--model cnn`, the side of org.sparkgrad.bench.CnnRace: conv16-pool-conv32-pool-linear on 1x28x28.

After every epoch it evaluates the 10k test images and prints one JSON object per line:
  {"event": "setup", "sgemm": <library serving sgemm_>, "torch": <version>, "threads": 1}
  {"event": "epoch", "epoch": e, "train_seconds": t, "elapsed_seconds": s, "test_accuracy": a,
   "train_loss": l}
  {"event": "done", "epochs": n}
elapsed_seconds counts from the first training step and includes the per-epoch test evaluation
(as Sparkgrad's validation is inside its fit); train_seconds is the epoch's training alone.
Run by hand:  python3 race_torch.py --data /usr/share/datasets/fashion-mnist --epochs 10
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mlp_training_torch import load, mlp, sgemm_library  # noqa: E402


def cnn():
    """The network of CnnRace's network JSON, layer for layer (PyTorch's default initialisation)."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 10))


def emit(obj):
    print(json.dumps(obj), flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--model", choices=("mlp", "cnn"), default="mlp")
    a = p.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    x, y = load(a.data, "train")
    xt, yt = load(a.data, "t10k")
    if a.model == "cnn":
        x, xt = x.view(-1, 1, 28, 28), xt.view(-1, 1, 28, 28)
    emit({"event": "setup", "sgemm": sgemm_library(), "torch": torch.__version__,
          "threads": torch.get_num_threads()})
    model = mlp() if a.model == "mlp" else cnn()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    loss_fn = nn.CrossEntropyLoss()
    n = x.shape[0]
    start = time.perf_counter()
    for epoch in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        model.train()
        order = torch.randperm(n)
        total, steps = 0.0, 0
        for s in range(0, n, a.batch):
            idx = order[s : s + a.batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.item()
            steps += 1
        train_seconds = time.perf_counter() - t0
        model.eval()
        with torch.no_grad():
            pred = torch.cat([model(xt[i : i + 2000]).argmax(1) for i in range(0, xt.shape[0], 2000)])
            acc = (pred == yt).double().mean().item()
        emit({"event": "epoch", "epoch": epoch, "train_seconds": train_seconds,
              "elapsed_seconds": time.perf_counter() - start, "test_accuracy": acc,
              "train_loss": total / steps})
    emit({"event": "done", "epochs": a.epochs})


if __name__ == "__main__":
    main()
