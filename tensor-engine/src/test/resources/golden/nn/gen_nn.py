"""Golden values for org.sparkgrad.nn, computed by PyTorch 1.13 on the CPU in float32.

Run from this folder with `python3 gen_nn.py`; it rewrites nn_golden.txt and nn_repr.txt. The build
never runs it.

nn_golden.txt has one tensor per line, `name dtype d0,d1,... : v v v ...` with dtype float32 or int64
(a 0-d tensor has no dims: `name dtype : v`). For a module case `c`: `c.in` (input), `c.state.<key>`
(the state dict loaded before the forward), `c.g` (the upstream gradient: backward is run on
`(out * g).sum()`), `c.out`, `c.grad.in` and `c.grad.<param>`. For a loss case: `c.in`, `c.target`,
optional `c.weight` / `c.pos_weight`, `c.out`, and `c.grad.in` (backward of `out.sum()`).

nn_repr.txt holds blocks `=== name` followed by the string PyTorch prints (repr) or, for
`<case>.keys`, the state-dict keys one a line.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1234)
lines = []
reprs = []


def put(name, t):
    t = t.detach()
    dims = ",".join(str(d) for d in t.shape)
    if t.dtype == torch.int64:
        vals = " ".join(str(int(v)) for v in t.flatten().tolist())
    else:
        vals = " ".join("%.9g" % v for v in t.float().flatten().tolist())
    dtype = "int64" if t.dtype == torch.int64 else "float32"
    lines.append("%s %s %s : %s" % (name, dtype, dims, vals) if dims else "%s %s : %s" % (name, dtype, vals))


def put_repr(name, text):
    reprs.append("=== " + name + "\n" + text)


def randomize(m):
    """Non-trivial values for every floating parameter and buffer, so a test can't pass by accident."""
    with torch.no_grad():
        for name, p in m.named_parameters():
            p.copy_(torch.randn_like(p) * 0.5 + (1.0 if name.endswith("weight") and p.dim() == 1 else 0.0))


def module_case(name, m, x, train=True):
    m.train(train)
    for k, v in m.state_dict().items():
        put("%s.state.%s" % (name, k), v)
    put(name + ".in", x)
    x = x.clone().requires_grad_(x.dtype.is_floating_point)
    out = m(x)
    g = torch.randn_like(out)
    (out * g).sum().backward()
    put(name + ".g", g)
    put(name + ".out", out)
    if x.requires_grad:
        put(name + ".grad.in", x.grad)
    for k, p in m.named_parameters():
        put("%s.grad.%s" % (name, k), p.grad)
    put_repr(name + ".keys", "\n".join(m.state_dict().keys()))
    return out


# ------------------------------------------------------------------ layers
module_case("linear", nn.Linear(4, 3), torch.randn(5, 4))
module_case("linear_nobias_3d", nn.Linear(4, 3, bias=False), torch.randn(2, 3, 4))
act_x = torch.randn(4, 5)
module_case("relu", nn.ReLU(), act_x)
module_case("leaky_relu", nn.LeakyReLU(0.2), act_x)
module_case("sigmoid", nn.Sigmoid(), act_x)
module_case("tanh", nn.Tanh(), act_x)
module_case("gelu", nn.GELU(), act_x * 2)
module_case("softmax", nn.Softmax(dim=1), act_x)
module_case("softmax0", nn.Softmax(dim=0), act_x)
module_case("log_softmax", nn.LogSoftmax(dim=1), act_x * 3)

ln = nn.LayerNorm((3, 4))
randomize(ln)
module_case("layer_norm", ln, torch.randn(2, 3, 4) * 2 + 1)
module_case("layer_norm_plain", nn.LayerNorm(5, elementwise_affine=False), torch.randn(3, 5))

emb = nn.Embedding(10, 3)
module_case("embedding", emb, torch.tensor([[1, 7, 1], [0, 9, 7]], dtype=torch.int64))

conv = nn.Conv2d(2, 3, 3, stride=2, padding=1)
module_case("conv2d", conv, torch.randn(2, 2, 7, 6))
module_case("conv2d_nobias", nn.Conv2d(3, 2, 2, bias=False), torch.randn(1, 3, 4, 5))

module_case("maxpool", nn.MaxPool2d(2), torch.randn(2, 3, 6, 6))
module_case("maxpool_pad", nn.MaxPool2d(3, 2, 1), torch.randn(1, 2, 7, 7))
module_case("maxpool_overlap", nn.MaxPool2d(3, 1), torch.randn(1, 1, 5, 5))

mlp = nn.Sequential(nn.Linear(6, 5), nn.LayerNorm(5), nn.GELU(), nn.Dropout(0.3), nn.Linear(5, 3), nn.Tanh())
randomize(mlp[1])
module_case("mlp_eval", mlp, torch.randn(4, 6), train=False)

# BatchNorm1d and BatchNorm2d: two training steps, then evaluation.
def batch_norm_case(name, bn, shape):
    randomize(bn)
    for k, v in bn.state_dict().items():
        put("%s.state.%s" % (name, k), v)
    bn.train()
    for step in (1, 2):
        x = (torch.randn(*shape) * 3 + 2).requires_grad_(True)
        out = bn(x)
        g = torch.randn_like(out)
        bn.zero_grad()
        (out * g).sum().backward()
        put("%s.step%d.in" % (name, step), x)
        put("%s.step%d.g" % (name, step), g)
        put("%s.step%d.out" % (name, step), out)
        put("%s.step%d.grad.in" % (name, step), x.grad)
        put("%s.step%d.grad.weight" % (name, step), bn.weight.grad)
        put("%s.step%d.grad.bias" % (name, step), bn.bias.grad)
    for k, v in bn.state_dict().items():
        put("%s.after.%s" % (name, k), v)
    bn.eval()
    x = (torch.randn(*shape) * 3 + 2).requires_grad_(True)
    out = bn(x)
    g = torch.randn_like(out)
    (out * g).sum().backward()
    put("%s.eval.in" % name, x)
    put("%s.eval.g" % name, g)
    put("%s.eval.out" % name, out)
    put("%s.eval.grad.in" % name, x.grad)
    put_repr(name + ".keys", "\n".join(bn.state_dict().keys()))


batch_norm_case("batch_norm", nn.BatchNorm1d(3), (6, 3))
batch_norm_case("batch_norm_3d_cumulative", nn.BatchNorm1d(3, momentum=None), (4, 3, 5))


# ------------------------------------------------------------------ losses
def loss_case(name, fn, x, target, **tensors):
    put(name + ".in", x)
    put(name + ".target", target)
    for k, v in tensors.items():
        put("%s.%s" % (name, k), v)
    x = x.clone().requires_grad_(True)
    out = fn(x, target, **tensors)
    out.sum().backward()
    put(name + ".out", out)
    put(name + ".grad.in", x.grad)


logits = torch.randn(5, 4) * 2
labels = torch.tensor([2, 0, 3, 1, 3])
labels_ignored = torch.tensor([2, -100, 3, 1, -100])
labels_ignore1 = torch.tensor([2, 1, 3, 1, 0])
class_w = torch.tensor([0.5, 2.0, 1.0, 1.5])
probs = torch.softmax(torch.randn(5, 4), 1)
for r in ("mean", "sum", "none"):
    loss_case("ce_%s" % r, lambda x, t: F.cross_entropy(x, t, reduction=r), logits, labels)
    loss_case(
        "ce_w_ls_ii_%s" % r,
        lambda x, t, weight: F.cross_entropy(x, t, weight=weight, reduction=r, label_smoothing=0.1),
        logits, labels_ignored, weight=class_w)
    loss_case(
        "ce_w_ls_ii1_%s" % r,
        lambda x, t, weight: F.cross_entropy(
            x, t, weight=weight, ignore_index=1, reduction=r, label_smoothing=0.25),
        logits, labels_ignore1, weight=class_w)
    loss_case(
        "ce_ls_ii_%s" % r,
        lambda x, t: F.cross_entropy(x, t, reduction=r, label_smoothing=0.2),
        logits, labels_ignored)
    loss_case(
        "ce_prob_w_ls_%s" % r,
        lambda x, t, weight: F.cross_entropy(x, t, weight=weight, reduction=r, label_smoothing=0.1),
        logits, probs, weight=class_w)
    loss_case(
        "nll_w_ii_%s" % r,
        lambda x, t, weight: F.nll_loss(x, t, weight=weight, reduction=r),
        torch.log_softmax(logits, 1), labels_ignored, weight=class_w)

reg_x = torch.randn(3, 4)
reg_y = reg_x + torch.randn(3, 4) * 0.8
bce_p = torch.sigmoid(torch.randn(3, 4) * 2)
bce_y = (torch.rand(3, 4) > 0.5).float()
bce_w = torch.rand(4) + 0.5
edge_p = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.5, 1e-30])
edge_y = torch.tensor([1.0, 0.0, 0.0, 1.0, 0.25, 1.0])
logit_x = torch.tensor([[0.0, 30.0, -30.0, 1.5], [-2.0, 0.3, 4.0, -0.7], [0.0, -5.0, 2.5, 9.0]])
soft_y = torch.rand(3, 4)
pos_w = torch.tensor([1.0, 3.0, 0.5, 2.0])
for r in ("mean", "sum", "none"):
    loss_case("mse_%s" % r, lambda x, t: F.mse_loss(x, t, reduction=r), reg_x, reg_y)
    loss_case("l1_%s" % r, lambda x, t: F.l1_loss(x, t, reduction=r), reg_x, reg_y)
    loss_case("huber_%s" % r, lambda x, t: F.huber_loss(x, t, reduction=r, delta=0.5), reg_x, reg_y)
    loss_case("bce_w_%s" % r, lambda x, t, weight: F.binary_cross_entropy(x, t, weight=weight, reduction=r),
              bce_p, bce_y, weight=bce_w)
    loss_case("bce_edge_%s" % r, lambda x, t: F.binary_cross_entropy(x, t, reduction=r), edge_p, edge_y)
    loss_case(
        "bce_logits_%s" % r,
        lambda x, t, weight, pos_weight: F.binary_cross_entropy_with_logits(
            x, t, weight=weight, pos_weight=pos_weight, reduction=r),
        logit_x, soft_y, weight=bce_w, pos_weight=pos_w)
    loss_case("bce_logits_plain_%s" % r,
              lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction=r), logit_x, bce_y)

# ------------------------------------------------------------------ printing
put_repr("mlp_2213", repr(nn.Sequential(nn.Linear(50, 30), nn.ReLU(), nn.Linear(30, 20), nn.ReLU(), nn.Linear(20, 3))))
put_repr("zoo", repr(nn.Sequential(
    nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, stride=2, bias=False),
    nn.Flatten(), nn.Linear(64, 10, bias=False), nn.LayerNorm(10), nn.GELU(), nn.Dropout(0.25),
    nn.LeakyReLU(0.2), nn.BatchNorm1d(10), nn.Tanh(), nn.Sigmoid(), nn.Softmax(dim=1), nn.LogSoftmax(dim=-1),
    nn.Embedding(10, 3), nn.Sequential(nn.Linear(3, 3), nn.Sequential(nn.ReLU())),
    nn.LayerNorm((3, 4), eps=1e-6, elementwise_affine=False),
    nn.BatchNorm1d(4, eps=0.001, momentum=None, affine=False, track_running_stats=False),
    nn.MaxPool2d(3, 2, 1), nn.Dropout(), nn.LeakyReLU(), nn.Flatten(0, 2), nn.Sequential())))
put_repr("linear", repr(nn.Linear(4, 2)))
put_repr("empty_sequential", repr(nn.Sequential()))
put_repr("bn_keys", "\n".join(nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3)).state_dict().keys()))
for loss in (nn.CrossEntropyLoss(), nn.NLLLoss(), nn.MSELoss(), nn.L1Loss(), nn.HuberLoss(), nn.BCELoss(),
             nn.BCEWithLogitsLoss()):
    put_repr("loss." + type(loss).__name__, repr(loss))

# ------------------------------------------------------------------ added later
# (after every earlier case, so that the seeded draws of the cases above stay as they were)
module_case("avgpool", nn.AvgPool2d(2), torch.randn(2, 3, 4, 6))
module_case("avgpool_pad", nn.AvgPool2d(3, 2, 1), torch.randn(1, 2, 5, 7))
module_case("avgpool_overlap", nn.AvgPool2d(3, 1), torch.randn(2, 1, 5, 5))
batch_norm_case("batch_norm2d", nn.BatchNorm2d(3), (4, 3, 5, 6))
batch_norm_case("batch_norm2d_cumulative", nn.BatchNorm2d(2, eps=1e-3, momentum=None), (3, 2, 4, 4))
# A spec's CNN with batch norm, as nn.Sequential names its state dict (the estimators' spec tests).
put_repr("cnn_bn_keys", "\n".join(nn.Sequential(
    nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(),
    nn.Linear(36, 5), nn.BatchNorm1d(5), nn.Linear(5, 2)).state_dict().keys()))

with open("nn_golden.txt", "w") as f:
    f.write("\n".join(lines) + "\n")
with open("nn_repr.txt", "w") as f:
    f.write("\n".join(reprs) + "\n")
print("wrote %d tensors, %d strings" % (len(lines), len(reprs)))
