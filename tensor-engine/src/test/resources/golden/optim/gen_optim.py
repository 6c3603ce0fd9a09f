"""Golden values for org.sparkgrad.optim, from PyTorch 1.13 (run once: python3 gen_optim.py).

Writes two text files beside this script; each line is either
    config <name> <Class> key=value ...        (an optimizer or scheduler configuration)
or
    <key> <dims...> : <values...>              (an array; no dims for a scalar)
Values are written with repr(), so float64 values round-trip exactly.

optim_golden.txt: three fixed parameters and fixed per-step gradients (parameter 2 has no
gradient at steps 0, 1 and 5), then for each optimizer configuration the parameters after each
of 10 steps, in float64 and float32, and the float64 optimizer state after the last step.
Option names are PyTorch's, except betas, written as beta1 and beta2; "group1.<key>=<value>"
puts parameter 2 in a second param group with that override.

lr_golden.txt: each scheduler's learning rates over 30 steps for two param groups
(lr 0.1 and 0.02), starting with the rates after construction.
"""
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 10
SHAPES = [(2, 3), (4,), (2, 2)]
SCALES = [1.0, 0.3, 2.0, 0.05, 1.5, 0.7, 0.1, 3.0, 0.5, 1.0]
NO_GRAD = {2: {0, 1, 5}}  # parameter -> steps without a gradient

OPTIMIZERS = [
    ("sgd_plain", "SGD", {"lr": 0.1}),
    ("sgd_weight_decay", "SGD", {"lr": 0.1, "weight_decay": 0.05}),
    ("sgd_momentum", "SGD", {"lr": 0.1, "momentum": 0.9}),
    ("sgd_dampening", "SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3}),
    ("sgd_nesterov", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": 1}),
    ("sgd_nesterov_wd", "SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": 1, "weight_decay": 0.01}),
    ("sgd_maximize", "SGD", {"lr": 0.1, "momentum": 0.5, "maximize": 1}),
    ("sgd_groups", "SGD", {"lr": 0.1, "momentum": 0.9, "group1.lr": 0.01, "group1.weight_decay": 0.1}),
    ("adam_default", "Adam", {}),
    ("adam_lr", "Adam", {"lr": 0.01}),
    ("adam_betas_eps", "Adam", {"lr": 0.05, "beta1": 0.8, "beta2": 0.95, "eps": 1e-6}),
    ("adam_weight_decay", "Adam", {"lr": 0.01, "weight_decay": 0.1}),
    ("adam_amsgrad", "Adam", {"lr": 0.01, "amsgrad": 1}),
    ("adam_amsgrad_wd_maximize", "Adam",
     {"lr": 0.02, "amsgrad": 1, "weight_decay": 0.05, "maximize": 1}),
    ("adam_groups", "Adam", {"lr": 0.01, "group1.lr": 0.1, "group1.amsgrad": 1}),
    ("adamw_default", "AdamW", {}),
    ("adamw_lr", "AdamW", {"lr": 0.01}),
    ("adamw_weight_decay", "AdamW", {"lr": 0.05, "weight_decay": 0.2}),
    ("adamw_amsgrad", "AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": 1}),
    ("adamw_maximize", "AdamW", {"lr": 0.01, "maximize": 1, "beta1": 0.5, "beta2": 0.9}),
    ("rmsprop_default", "RMSprop", {}),
    ("rmsprop_alpha_eps", "RMSprop", {"lr": 0.01, "alpha": 0.9, "eps": 1e-6}),
    ("rmsprop_weight_decay", "RMSprop", {"lr": 0.01, "weight_decay": 0.1}),
    ("rmsprop_momentum", "RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("rmsprop_centered", "RMSprop", {"lr": 0.01, "centered": 1}),
    ("rmsprop_centered_momentum_wd", "RMSprop",
     {"lr": 0.005, "momentum": 0.5, "centered": 1, "weight_decay": 0.01}),
    ("rmsprop_maximize", "RMSprop", {"lr": 0.01, "maximize": 1, "momentum": 0.3}),
]

SCHEDULERS = [
    ("step_7_half", "StepLR", {"step_size": 7, "gamma": 0.5}),
    ("step_3_tenth", "StepLR", {"step_size": 3, "gamma": 0.1}),
    ("cosine_10", "CosineAnnealingLR", {"T_max": 10, "eta_min": 0.001}),
    ("cosine_7_zero", "CosineAnnealingLR", {"T_max": 7}),
    ("linear_warmup", "LinearLR", {"start_factor": 0.25, "end_factor": 1.0, "total_iters": 8}),
    ("linear_decay", "LinearLR", {"start_factor": 1.0, "end_factor": 0.1, "total_iters": 10}),
    ("linear_default", "LinearLR", {}),
    ("plateau_min", "ReduceLROnPlateau",
     {"mode": "min", "factor": 0.5, "patience": 2, "threshold": 0.01}),
    ("plateau_cooldown", "ReduceLROnPlateau",
     {"mode": "min", "factor": 0.3, "patience": 1, "cooldown": 2, "min_lr": [0.01, 0.005]}),
    ("plateau_max_abs", "ReduceLROnPlateau",
     {"mode": "max", "factor": 0.5, "patience": 2, "threshold": 0.01, "threshold_mode": "abs"}),
    ("plateau_eps", "ReduceLROnPlateau",
     {"mode": "min", "factor": 0.5, "patience": 0, "threshold": 0.0, "eps": 0.015}),
]
# A loss that falls, then plateaus with small wiggles; an accuracy that rises, then plateaus.
LOSS = [1.0, 0.8, 0.7, 0.69, 0.695, 0.6899, 0.6, 0.6, 0.61, 0.59, 0.595, 0.58, 0.58, 0.58, 0.58,
        0.57, 0.575, 0.5699, 0.5, 0.5, 0.5, 0.5, 0.49, 0.4899, 0.489, 0.48, 0.48, 0.48, 0.48, 0.48]
ACCURACY = [0.5, 0.6, 0.65, 0.655, 0.66, 0.7, 0.705, 0.709, 0.71, 0.75, 0.75, 0.751, 0.76, 0.765,
            0.77, 0.8, 0.8, 0.8, 0.8, 0.805, 0.81, 0.83, 0.83, 0.835, 0.84, 0.84, 0.84, 0.84,
            0.845, 0.85]


def fmt(values):
    return " ".join(repr(float(v)) for v in values)


def array_line(key, t):
    t = t.detach().double()
    dims = " ".join(str(d) for d in t.shape)
    return f"{key} {dims} : {fmt(t.reshape(-1).tolist())}".replace("  :", " :")


def config_line(name, cls, options):
    kv = " ".join(f"{k}={v}" for k, v in options.items())
    return f"config {name} {cls} {kv}".rstrip()


def make_optimizer(cls, options, params):
    kw, group1 = {}, {}
    for k, v in options.items():
        target = group1 if k.startswith("group1.") else kw
        target[k.replace("group1.", "")] = v
    if "beta1" in kw or "beta2" in kw:
        kw["betas"] = (kw.pop("beta1", 0.9), kw.pop("beta2", 0.999))
    for flag in ("nesterov", "amsgrad", "centered", "maximize"):
        if flag in kw:
            kw[flag] = bool(kw[flag])
        if flag in group1:
            group1[flag] = bool(group1[flag])
    ctor = getattr(torch.optim, cls)
    if group1:
        groups = [{"params": params[:2]}, dict(group1, params=params[2:])]
        return ctor(groups, **kw)
    return ctor(params, **kw)


def optim_golden():
    gen = torch.Generator().manual_seed(1234)
    init = [torch.randn(s, generator=gen, dtype=torch.float64) for s in SHAPES]
    grads = [[torch.randn(s, generator=gen, dtype=torch.float64) * SCALES[t] for s in SHAPES]
             for t in range(STEPS)]
    lines = [f"# generated by gen_optim.py with torch {torch.__version__}"]
    for i, p in enumerate(init):
        lines.append(array_line(f"init.{i}", p))
    for t in range(STEPS):
        for i in range(len(SHAPES)):
            if t not in NO_GRAD.get(i, ()):
                lines.append(array_line(f"grad.{t}.{i}", grads[t][i]))
    for name, cls, options in OPTIMIZERS:
        lines.append(config_line(name, cls, options))
        for dtype, tag in ((torch.float64, "float64"), (torch.float32, "float32")):
            params = [p.clone().to(dtype).requires_grad_(True) for p in init]
            opt = make_optimizer(cls, options, params)
            for t in range(STEPS):
                for i, p in enumerate(params):
                    skip = t in NO_GRAD.get(i, ())
                    p.grad = None if skip else grads[t][i].to(dtype).clone()
                opt.step()
                for i, p in enumerate(params):
                    lines.append(array_line(f"{tag}.{name}.{t}.{i}", p))
            if dtype == torch.float64:
                for i, p in enumerate(params):
                    for key, value in opt.state[p].items():
                        if value is None:
                            continue
                        value = torch.as_tensor(value, dtype=torch.float64)
                        lines.append(array_line(f"state.{name}.{i}.{key}", value))
    return lines


def make_scheduler(cls, options, opt):
    ctor = getattr(torch.optim.lr_scheduler, cls)
    return ctor(opt, **options)


def lr_golden():
    lines = [f"# generated by gen_optim.py with torch {torch.__version__}"]
    lines.append(array_line("metrics.loss", torch.tensor(LOSS, dtype=torch.float64)))
    lines.append(array_line("metrics.accuracy", torch.tensor(ACCURACY, dtype=torch.float64)))
    for name, cls, options in SCHEDULERS:
        shown = {k: (",".join(map(str, v)) if isinstance(v, list) else v)
                 for k, v in options.items()}
        lines.append(config_line(name, cls, shown))
        a, b = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.02}], lr=0.1)
        sched = make_scheduler(cls, options, opt)
        plateau = cls == "ReduceLROnPlateau"
        metrics = ACCURACY if options.get("mode") == "max" else LOSS
        lrs = [[g["lr"] for g in opt.param_groups]]
        for t in range(30):
            opt.step()
            if plateau:
                sched.step(metrics[t])
            else:
                sched.step()
            lrs.append([g["lr"] for g in opt.param_groups])
        for g in range(2):
            lines.append(array_line(f"lrs.{name}.{g}",
                                    torch.tensor([r[g] for r in lrs], dtype=torch.float64)))
    return lines


def write(name, lines):
    with open(os.path.join(HERE, name), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    write("optim_golden.txt", optim_golden())
    write("lr_golden.txt", lr_golden())
