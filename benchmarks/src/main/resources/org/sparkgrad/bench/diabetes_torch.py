"""PyTorch 1.13 baseline of DiabetesLabelScaling: the same split, features and MLP, trained on the
raw target and on the standardised one (undone for the RMSE). Prints `RMSE target=raw|standardised
test=...`. Usage: python3 diabetes_torch.py DATA_DIR EPOCHS."""
import gzip
import sys

import numpy as np
import torch

data_dir, epochs = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(1)
with gzip.open(data_dir + "/diabetes_data_raw.csv.gz", "rt") as f:
    x = np.loadtxt(f)
with gzip.open(data_dir + "/diabetes_target.csv.gz", "rt") as f:
    y = np.loadtxt(f)
test = np.arange(len(y)) % 5 == 0
xtr, xte, ytr, yte = x[~test], x[test], y[~test], y[test]
mu, sd = xtr.mean(0), xtr.std(0)
xtr, xte = (xtr - mu) / sd, (xte - mu) / sd

for name in ("raw", "standardised"):
    torch.manual_seed(0)
    m, s = (ytr.mean(), ytr.std()) if name == "standardised" else (0.0, 1.0)
    X = torch.tensor(xtr, dtype=torch.float32)
    Y = torch.tensor((ytr - m) / s, dtype=torch.float32).reshape(-1, 1)
    net = torch.nn.Sequential(torch.nn.Linear(10, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    for epoch in range(epochs):
        perm = torch.randperm(len(X))
        for i in range(0, len(X), 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            torch.nn.functional.mse_loss(net(X[idx]), Y[idx]).backward()
            opt.step()
    with torch.no_grad():
        pred = net(torch.tensor(xte, dtype=torch.float32)).numpy().ravel() * s + m
    print("RMSE target=%s test=%.2f" % (name, np.sqrt(((pred - yte) ** 2).mean())))
