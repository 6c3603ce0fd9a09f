# The expected vector of ParameterVectorsTest.pytorchOrderIsTheStateDictOrderWithoutBuffers:
# every floating state-dict entry i holds arange(numel) + 10 * i, buffers included, and
# parameters_to_vector lists the parameters only. Run with PyTorch 1.13.
import torch
from torch import nn

net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.ReLU(), nn.Linear(3, 2))
with torch.no_grad():
    for i, (k, v) in enumerate(net.state_dict().items()):
        if v.dtype.is_floating_point:
            v.copy_(torch.arange(v.numel(), dtype=v.dtype).reshape(v.shape) + 10 * i)
print(list(net.state_dict().keys()))
print(nn.utils.parameters_to_vector(net.parameters()).tolist())
