#!/usr/bin/python3
"""Writes ops.json: PyTorch's outputs and gradients for the ops that GoldenValuesTest checks.

Run once, from any directory, with the system Python that has torch 1.13 (CPU):

    /usr/bin/python3 gen_golden.py

and commit both this script and ops.json. The Java build never runs Python.

For every case in CASES: seeded random float32 inputs (away from kinks, poles and ties where an op
has them), the forward output, a fixed random float32 weight w of the output's shape, and the
gradient of (out * w).sum() with respect to each input that requires grad. Every case name here must
have a lambda of the same name in GoldenValuesTest, computing the same thing with Sparkgrad.

Outputs and gradients are recorded with the dtype and shape of the float32 op, but their values are
what PyTorch computes in float64 from the same float32 inputs and weight: the exact answer to about
1e-16, so that the test's tolerance is all Sparkgrad's. (PyTorch's own float32 kernels are
approximations too: its vectorised float32 GELU is off by up to 7e-5 relative where GELU is small.)

"printing" holds tensors and the repr PyTorch prints for them, for TensorFormatTest.
"""

import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

SEED = 20240611
rng = np.random.default_rng(SEED)

# The numbers of the tutorial's w (5x3) and b (3); TutorialTest repeats them.
TUTORIAL_W = [
    [0.3, -0.5, 0.8],
    [-1.2, 0.7, 0.1],
    [0.25, -0.9, 0.4],
    [1.1, 0.05, -0.6],
    [-0.35, 0.6, 0.2],
]
TUTORIAL_B = [0.1, -0.2, 0.3]


# ---------------------------------------------------------------- inputs


def f32(a):
    return np.asarray(a, dtype=np.float32)


def normal(*shape, grad=True, scale=1.0):
    return {"array": f32(rng.standard_normal(shape) * scale), "grad": grad}


def uniform(lo, hi, *shape, grad=True):
    return {"array": f32(rng.uniform(lo, hi, shape)), "grad": grad}


def away_from_zero(*shape, lo=0.1, hi=2.0, grad=True):
    """Random sign times uniform [lo, hi): no value near the kink of abs/relu."""
    sign = np.where(rng.random(shape) < 0.5, -1.0, 1.0)
    return {"array": f32(sign * rng.uniform(lo, hi, shape)), "grad": grad}


def away_from(points, eps, lo, hi, *shape):
    """Uniform [lo, hi) with every value at least eps from each of points."""
    a = rng.uniform(lo, hi, shape)
    for p in points:
        near = np.abs(a - p) < eps
        a = np.where(near, a + 2 * eps * np.sign(a - p + 1e-12), a)
    return {"array": f32(a), "grad": True}


def fixed(values, grad):
    return {"array": f32(values), "grad": grad}


def mask(*shape):
    """A 0/1 float32 condition with both values present."""
    m = (rng.random(shape) < 0.5).astype(np.float32)
    m.flat[0], m.flat[-1] = 1.0, 0.0
    return {"array": m, "grad": False}


def longs(values):
    return {"array": np.asarray(values, dtype=np.int64), "grad": False}


def distinct(spec):
    """Asserts no ties (max/argmax gradients and indices are then unambiguous)."""
    a = spec["array"]
    assert len(np.unique(a)) == a.size, "inputs of a max case must be distinct"
    return spec


# ---------------------------------------------------------------- cases

CASES = []


def case(name, inputs, fn, weight=None):
    CASES.append((name, inputs, fn, weight))


case("add_same_shape", [normal(2, 3), normal(2, 3)], lambda a, b: a + b)
case("add_broadcast_row", [normal(4, 3), normal(3)], lambda a, b: a + b)
case("add_broadcast_both", [normal(2, 1, 3), normal(4, 1)], lambda a, b: a + b)
case("sub_broadcast", [normal(3, 1), normal(1, 4)], lambda a, b: a - b)
case("mul_broadcast", [normal(2, 1, 3), normal(4, 1)], lambda a, b: a * b)
case("div_broadcast", [normal(3, 4), away_from_zero(3, 1, lo=0.5)], lambda a, b: a / b)
case("div_same_shape", [normal(8, 16), away_from_zero(8, 16, lo=0.5)], lambda a, b: a / b)
case("scalar_arithmetic", [normal(3, 2)], lambda a: ((a + 2.5) * -3 - 1) / 4)
case("rsub_scalar", [normal(5)], lambda a: 1 - a)
case("neg", [normal(2, 3)], lambda a: -a)
case("pow_scalar_int", [normal(5)], lambda a: a**3)
case("pow_scalar_frac", [uniform(0.5, 2, 2, 4)], lambda a: a**1.5)
case("pow_scalar_negative", [uniform(0.5, 2, 6)], lambda a: a**-2)
case("pow_tensor", [uniform(0.5, 2, 2, 3), normal(3)], lambda a, b: a**b)
case("exp", [normal(3, 4)], torch.exp)
case("log", [uniform(0.2, 3, 3, 4)], torch.log)
case("sqrt", [uniform(0.2, 3, 12)], torch.sqrt)
case("abs", [away_from_zero(3, 4)], torch.abs)
case("clamp", [away_from([-0.5, 0.5], 0.05, -1.5, 1.5, 4, 4)], lambda a: a.clamp(-0.5, 0.5))
case("relu", [away_from_zero(4, 5)], torch.relu)
case("sigmoid", [normal(4, 5, scale=2)], torch.sigmoid)
case("tanh", [normal(4, 5)], torch.tanh)
case("gelu", [normal(4, 5, scale=2)], F.gelu)  # the exact erf form, PyTorch's default
case("maximum", [normal(2, 3), normal(3)], torch.maximum)
case("minimum", [normal(2, 1), normal(1, 3)], torch.minimum)
case("matmul_2d", [normal(8, 16), normal(16, 4)], torch.matmul)
case("matmul_batched_3d", [normal(3, 4, 5), normal(3, 5, 2)], torch.matmul)
case("matmul_3d_2d", [normal(3, 4, 5), normal(5, 2)], torch.matmul)
case("matmul_2d_3d", [normal(4, 5), normal(3, 5, 2)], torch.matmul)
case("matmul_batch_broadcast", [normal(1, 3, 4), normal(2, 4, 2)], torch.matmul)
case("matmul_1d_2d", [normal(5), normal(5, 3)], torch.matmul)
case("matmul_2d_1d", [normal(4, 5), normal(5)], torch.matmul)
case("matmul_1d_1d", [normal(6), normal(6)], torch.matmul)
case("sum_all", [normal(3, 4)], torch.sum)
case("sum_dim0", [normal(3, 4)], lambda a: a.sum(0))
case("sum_dim1_3d", [normal(2, 3, 4)], lambda a: a.sum(1))
case("sum_last_keepdim", [normal(2, 3, 4)], lambda a: a.sum(-1, keepdim=True))
case("mean_all", [normal(3, 4)], torch.mean)
case("mean_dim1_3d", [normal(2, 3, 4)], lambda a: a.mean(1))
case("mean_dim0_keepdim", [normal(3, 4)], lambda a: a.mean(0, keepdim=True))
case("max_all", [distinct(normal(3, 5))], torch.max)
case("max_dim1", [distinct(normal(3, 5))], lambda a: a.max(1).values)
case("max_dim0_keepdim", [distinct(normal(2, 3, 4))], lambda a: a.max(0, keepdim=True).values)
case("max_last", [distinct(normal(4, 3))], lambda a: a.max(-1).values)
case("argmax_all", [distinct(normal(3, 5, grad=False))], torch.argmax)
case("argmax_dim1", [distinct(normal(3, 5, grad=False))], lambda a: a.argmax(1))
case(
    "argmax_dim1_keepdim",
    [distinct(normal(2, 3, 4, grad=False))],
    lambda a: a.argmax(1, keepdim=True),
)
case("softmax_dim1", [normal(3, 4, scale=2)], lambda a: a.softmax(1))
case("softmax_dim0", [normal(3, 4, scale=2)], lambda a: a.softmax(0))
case("softmax_3d_mid", [normal(2, 3, 4)], lambda a: a.softmax(1))
case("log_softmax_dim1", [normal(3, 4, scale=2)], lambda a: a.log_softmax(1))
case("log_softmax_3d_last", [normal(2, 3, 4)], lambda a: a.log_softmax(-1))
case("reshape", [normal(2, 3, 4)], lambda a: a.reshape(4, 6))
case("reshape_infer", [normal(2, 3, 4)], lambda a: a.reshape(-1, 3))
case("flatten_all", [normal(2, 3, 4)], torch.flatten)
case("flatten_range", [normal(2, 3, 4)], lambda a: a.flatten(1, 2))
case("transpose", [normal(2, 3, 4)], lambda a: a.transpose(0, 2))
case("t", [normal(3, 5)], lambda a: a.t())
case("permute", [normal(2, 3, 4)], lambda a: a.permute(2, 0, 1))
case("expand", [normal(2, 1)], lambda a: a.expand(3, 2, 4))
case("narrow", [normal(2, 6)], lambda a: a.narrow(1, 1, 3))
case("unsqueeze", [normal(2, 3)], lambda a: a.unsqueeze(1))
case("cat_dim0", [normal(2, 3), normal(1, 3)], lambda a, b: torch.cat([a, b], 0))
case("cat_dim1_reused", [normal(2, 3), normal(2, 1)], lambda a, b: torch.cat([a, b, a], 1))
case(
    "index_select_dim0",
    [normal(4, 3), longs([2, 0, 2, 3])],
    lambda a, i: a.index_select(0, i),
)
case(
    "index_select_dim1",
    [normal(2, 5), longs([4, 1, 1])],
    lambda a, i: a.index_select(1, i),
)
case(
    "gather_dim1",
    [normal(2, 3), longs([[1, 0, 1], [1, 2, 0]])],
    lambda a, i: a.gather(1, i),
)
case(
    "gather_dim0",
    [normal(3, 4), longs([[2, 0, 1, 1], [0, 0, 2, 1]])],
    lambda a, i: a.gather(0, i),
)
case(
    "where_broadcast",
    [mask(2, 3), normal(2, 3), normal(3)],
    lambda c, a, b: torch.where(c.bool(), a, b),
)
case("masked_fill", [normal(2, 3), mask(2, 3)], lambda a, m: a.masked_fill(m.bool(), -1.0))
case(
    "masked_fill_broadcast",
    [normal(3, 4), mask(4)],
    lambda a, m: a.masked_fill(m.bool(), 2.5),
)
case(
    "mlp_step",
    [
        normal(6, 4, grad=False),
        normal(4, 5),
        normal(5),
        normal(5, 3),
        longs([[0], [2], [1], [1], [0], [2]]),
    ],
    lambda x, w1, b1, w2, y: -F.gelu(x @ w1 + b1)
    .matmul(w2)
    .log_softmax(1)
    .gather(1, y)
    .mean(),
)
# The tutorial's computational graph; weight 1, so the gradients are those of the loss itself.
case(
    "tutorial_bce",
    [
        fixed(np.ones(5), False),
        fixed(np.zeros(3), False),
        fixed(TUTORIAL_W, True),
        fixed(TUTORIAL_B, True),
    ],
    lambda x, y, w, b: F.binary_cross_entropy(torch.sigmoid(x @ w + b), y),
    weight=f32(1.0),
)


# ---------------------------------------------------------------- printing

PRINTING = [
    ("matrix_integral", torch.tensor([[1.0, 2.0], [3.0, 4.0]]), False),
    ("vector_requires_grad", torch.tensor([0.5, 1.5]), True),
    ("mixed_signs", torch.tensor([-1.5, 2.25, 0.125]), False),
    ("half_even_ties", torch.tensor([0.03125, 0.15625, 1.0]), False),
    ("scalar_integral", torch.tensor(3.0), False),
    ("scalar_fraction", torch.tensor(-0.3333), False),
    ("scalar_int64", torch.tensor(5), False),
    ("int64_vector", torch.tensor([1, -20, 300]), False),
    ("int64_matrix", torch.tensor([[7, 0], [-1, 12]]), False),
    ("float64_rounding", torch.tensor([2.00005, 1.00015, 0.12345], dtype=torch.float64), False),
    ("sci_small", torch.tensor([1e-5, 1.0]), False),
    ("sci_ratio_integral", torch.tensor([1.0, 10000.0]), False),
    ("sci_large_integral", torch.tensor([1e9, 2e9]), False),
    ("sci_negative", torch.tensor([-1.5e-6, 3.0]), False),
    ("negative_zero", torch.tensor([-0.0, 1.5]), False),
    ("zeros_matrix", torch.zeros(2, 2), False),
    ("three_d", torch.arange(8.0).reshape(2, 2, 2), False),
    ("three_d_fractions", torch.arange(-6.0, 6.0).reshape(2, 3, 2) / 4, False),
    ("wrapped_integral", torch.arange(30.0), False),
    ("wrapped_fractions", torch.from_numpy(f32(rng.standard_normal(25))), False),
    ("wrapped_rows", torch.from_numpy(f32(rng.standard_normal((2, 15)))), False),
    ("wrapped_requires_grad", torch.from_numpy(f32(rng.standard_normal(9))), True),
    ("wrapped_rows_requires_grad", torch.from_numpy(f32(rng.standard_normal((3, 9)))), True),
    ("float64_requires_grad", torch.tensor([0.25, -4.0], dtype=torch.float64), True),
    ("summarized_1d", torch.from_numpy(f32(rng.standard_normal(1500))), False),
    ("summarized_2d", torch.arange(1200.0).reshape(40, 30), False),
    ("summarized_3d", torch.from_numpy(f32(rng.standard_normal((12, 10, 10)))), False),
    ("summarized_int64", torch.arange(2000).reshape(2, 1000), False),
    ("empty_1d", torch.zeros(0), False),
    ("empty_2d", torch.zeros(0, 3), False),
    ("empty_int64", torch.zeros(0, dtype=torch.int64), False),
    ("empty_float64", torch.zeros(2, 0, dtype=torch.float64), False),
    ("nonfinite", torch.tensor([math.nan, 1.5, math.inf]), False),
    ("nonfinite_integral", torch.tensor([math.nan, -math.inf, 2.0]), False),
    ("all_nan", torch.tensor([math.nan, math.nan]), False),
]


# ---------------------------------------------------------------- output


def number(v, dtype):
    """A JSON number; float32 as its shortest decimal, non-finite values as strings."""
    if dtype == "int64":
        return int(v)
    if not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    if dtype == "float32":
        return float(str(np.float32(v)))
    return float(v)


DTYPES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64"}


def spec(t):
    t = t.detach()
    dtype = DTYPES[t.dtype]
    return {
        "dtype": dtype,
        "shape": list(t.shape),
        "values": [number(v, dtype) for v in t.reshape(-1).tolist()],
    }


def reference(t, like):
    """Float64 values of t, recorded with the dtype of the float32 computation's result like."""
    dtype = DTYPES[like.dtype]
    kind = "int64" if dtype == "int64" else "float64"
    return {
        "dtype": dtype,
        "shape": list(t.shape),
        "values": [number(v, kind) for v in t.reshape(-1).tolist()],
    }


def run_case(name, inputs, fn, weight):
    tensors32, tensors64 = [], []
    for i in inputs:
        t32 = torch.from_numpy(i["array"].copy())
        t64 = t32.double() if t32.is_floating_point() else t32.clone()
        if i["grad"]:
            t32.requires_grad_(True)
            t64.requires_grad_(True)
        tensors32.append(t32)
        tensors64.append(t64)
    out32 = fn(*tensors32)
    out64 = fn(*tensors64)
    result = {
        "name": name,
        "inputs": [dict(spec(t), requires_grad=t.requires_grad) for t in tensors32],
        "output": reference(out64, out32),
    }
    if out64.requires_grad:
        w = torch.from_numpy(
            f32(rng.standard_normal(tuple(out64.shape))) if weight is None else f32(weight)
        )
        (out64 * w.double()).sum().backward()
        result["weight"] = spec(w)
        result["grads"] = [
            reference(t64.grad, t32) if t64.requires_grad else None
            for t32, t64 in zip(tensors32, tensors64)
        ]
    return result


def main():
    torch.manual_seed(SEED)
    cases = [run_case(*c) for c in CASES]
    names = [c["name"] for c in cases]
    assert len(set(names)) == len(names), "case names must be unique"
    printing = [
        dict(name=n, tensor=spec(t), requires_grad=g, repr=repr(t.clone().requires_grad_(g)))
        for n, t, g in PRINTING
    ]
    doc = {
        "generator": "gen_golden.py",
        "torch": torch.__version__,
        "seed": SEED,
        "loss": "each grad is d/d input of (output * weight).sum()",
        "reference": "outputs and grads computed in float64 from the float32 inputs and weight",
        "cases": cases,
        "printing": printing,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ops.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {len(cases)} cases and {len(printing)} printing cases to {path}")


if __name__ == "__main__":
    main()
