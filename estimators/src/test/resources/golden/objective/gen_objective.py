"""Golden values for org.sparkgrad.ml.train.Objective, computed by PyTorch 1.13 on the CPU.

Run from this folder with `python3 gen_objective.py`; it rewrites objective_golden.txt, one value a
line, `name value`: the mean loss of a minibatch and its gradient with respect to the logits
(`name.grad` followed by the values, row-major). ObjectiveTest holds the same inputs. The build never
runs this script.
"""
import torch
import torch.nn.functional as F

lines = []


def put(name, loss, x):
    (g,) = torch.autograd.grad(loss, x)
    lines.append("%s %.9g" % (name, loss.item()))
    lines.append("%s.grad %s" % (name, " ".join("%.9g" % v for v in g.flatten().tolist())))


logits = [[1.5, -0.3, 0.2], [0.1, 2.0, -1.0], [-0.7, 0.4, 0.9], [0.3, 0.3, -2.0], [2.2, -1.1, 0.5]]
labels = [0, 1, 2, 2, 1]
weight = [0.5, 2.0, 1.25]

x = torch.tensor(logits, requires_grad=True)
put("ce_weight_smooth",
    F.cross_entropy(x, torch.tensor(labels), weight=torch.tensor(weight), label_smoothing=0.1), x)
x = torch.tensor(logits, requires_grad=True)
put("ce_weight", F.cross_entropy(x, torch.tensor(labels), weight=torch.tensor(weight)), x)

# Binary: one logit per row; with smoothing s the target is y (1 - s) + s / 2, which is what
# cross_entropy does with the two logits [0, z].
z = [0.8, -1.2, 2.5, 0.0, -0.4]
y = [1.0, 0.0, 1.0, 1.0, 0.0]
x = torch.tensor(z, requires_grad=True)
two = torch.stack([torch.zeros(5), x], 1)
put("bce_binary_smooth_as_ce", F.cross_entropy(two, torch.tensor(y).long(), label_smoothing=0.2), x)
x = torch.tensor(z, requires_grad=True)
two = torch.stack([torch.zeros(5), x], 1)
put("bce_binary_weight_as_ce",
    F.cross_entropy(two, torch.tensor(y).long(), weight=torch.tensor([3.0, 0.5])), x)

# Multi-label: PyTorch's per-class weight, mean over rows and classes.
ml_y = [[1.0, 0.0, 1.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [1.0, 0.0, 0.0]]
x = torch.tensor(logits, requires_grad=True)
put("bce_multilabel_weight",
    F.binary_cross_entropy_with_logits(x, torch.tensor(ml_y), weight=torch.tensor(weight)), x)

with open("objective_golden.txt", "w") as f:
    f.write("\n".join(lines) + "\n")
