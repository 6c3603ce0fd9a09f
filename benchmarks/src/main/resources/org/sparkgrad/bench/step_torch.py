"""The PyTorch side of org.sparkgrad.bench.StepBenchmark: one network's full training step
(zero_grad, forward, CrossEntropyLoss, backward, Adam lr 1e-3) on one thread, on the first 16
batches of Fashion-MNIST's training set in turn (--data DIR), or on as many uniform random batches
with random labels (--data random), first in a fresh process (the first steps, no warm-up) and then
warm (best of reps). Random batches are not a fair baseline: on them this step's backward and
Adam run three to five times slower than on the images (measured with PyTorch 1.13 here).

The Java program launches it once per network and batch size; by hand:
  python3 step_torch.py --net cnn --batch 64 --steps 100 --warmup-seconds 5 --reps 3 --data DIR
Results are printed as machine-readable lines:
  LIBS gemm=<library serving sgemm_> conv=<aten op that ran the convolution> torch=<version>
  COLD samples_per_s=<x> cpu_samples_per_s=<y> steps=<n>
  WARM samples_per_s=<x> cpu_samples_per_s=<y> steps=<n> reps=<r>
samples_per_s divides by wall time, cpu_samples_per_s by the process's CPU time (all threads), which
a machine shared with other work disturbs far less.
"""
import argparse
import os
import time

# One thread for real: torch.set_num_threads(1) bounds PyTorch's own pool, not the threads of the
# OpenBLAS that serves its GEMMs, which otherwise starts one per core (and spins them on a busy
# machine). They are read when the library loads, so before torch is imported.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

from mlp_training_torch import load, sgemm_library  # noqa: E402

BATCHES = 16


def network(name):
    if name == "mlp":
        return nn.Sequential(
            nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)
        )
    width = {"cnn": (16, 32), "wide": (32, 64)}[name]
    return nn.Sequential(
        nn.Conv2d(1, width[0], 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(width[0], width[1], 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(width[1] * 5 * 5, 10),
    )


def conv_library(model, x):
    """The aten kernel that runs the first convolution's forward, as the profiler records it."""
    if not isinstance(model[0], nn.Conv2d):
        return "none"
    with torch.autograd.profiler.profile() as prof:
        model(x)
    names = [e.name for e in prof.function_events]
    for n in ("aten::mkldnn_convolution", "aten::_slow_conv2d_forward", "aten::thnn_conv2d"):
        if n in names:
            return n + (" (oneDNN)" if "mkldnn" in n else " (im2col + BLAS)")
    return ",".join(n for n in names if "conv" in n) or "unknown"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--net", choices=["mlp", "cnn", "wide"], required=True)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--warmup-seconds", type=float, default=5.0)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--data", required=True, help="the Fashion-MNIST folder, or random")
    a = p.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = network(a.net)
    shape = (a.batch, 784) if a.net == "mlp" else (a.batch, 1, 28, 28)
    if a.data == "random":
        xs = [torch.rand(shape) for _ in range(BATCHES)]
        ys = [torch.randint(0, 10, (a.batch,)) for _ in range(BATCHES)]
    else:
        x, y = load(a.data, "train")
        xs = [x[i * a.batch : (i + 1) * a.batch].reshape(shape).clone() for i in range(BATCHES)]
        ys = [y[i * a.batch : (i + 1) * a.batch].clone() for i in range(BATCHES)]
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    pos = [0]

    def step():
        i = pos[0] % len(xs)
        pos[0] += 1
        opt.zero_grad()
        loss_fn(model(xs[i]), ys[i]).backward()
        opt.step()

    def timed():
        """Samples per second of wall time and of this process's CPU time over a.steps steps."""
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(a.steps):
            step()
        n = a.steps * a.batch
        return n / (time.perf_counter() - t0), n / (time.process_time() - c0)

    wall, cpu = timed()
    print("COLD samples_per_s=%.1f cpu_samples_per_s=%.1f steps=%d" % (wall, cpu, a.steps),
          flush=True)
    end = time.perf_counter() + a.warmup_seconds
    while time.perf_counter() < end:
        step()
    runs = [timed() for _ in range(a.reps)]
    print("WARM samples_per_s=%.1f cpu_samples_per_s=%.1f steps=%d reps=%d"
          % (max(r[0] for r in runs), max(r[1] for r in runs), a.steps, a.reps), flush=True)
    print("LIBS gemm=%s conv=%s torch=%s threads=%d"
          % (sgemm_library(), conv_library(model, xs[0]), torch.__version__,
             torch.get_num_threads()), flush=True)


if __name__ == "__main__":
    main()
