#!/usr/bin/python3
"""Writes torch_trajectory.json: PyTorch's training trajectory of a small MLP
(6 -> 8 ReLU -> 4, cross-entropy from logits) under each optimizer that nn
offers, from fixed initial weights and a fixed batch order. torchref.CheckTrajectories
replays the same steps with vkgrad and compares every loss and the final
weights, so the optimizers, the loss and the backward pass are checked
against PyTorch itself rather than against our reading of its docs.

Regenerate (Debian's python3-torch), from this folder:
    /usr/bin/python3 torch_trajectory.py
"""
import json

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(7)
N, D, H, C, B, STEPS = 24, 6, 8, 4, 8, 12
x = torch.randn(N, D)
y = torch.randint(0, C, (N,))
w1, b1 = torch.randn(H, D) * 0.5, torch.randn(H) * 0.1
w2, b2 = torch.randn(C, H) * 0.5, torch.randn(C) * 0.1

# The optimizer configurations; the Go test builds the same ones by name.
configs = {
    "SGD": lambda p: torch.optim.SGD(p, lr=0.1),
    "SGD momentum nesterov wd": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-2),
    "Adam": lambda p: torch.optim.Adam(p, lr=0.01),
    "Adam wd": lambda p: torch.optim.Adam(p, lr=0.01, weight_decay=1e-2),
    "AdamW": lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1),
    "RMSprop keras": lambda p: torch.optim.RMSprop(p, lr=1e-3, alpha=0.9, eps=1e-7),
    "RMSprop centered momentum": lambda p: torch.optim.RMSprop(p, lr=1e-2, alpha=0.9, eps=1e-7, centered=True, momentum=0.5),
    "AdaGrad": lambda p: torch.optim.Adagrad(p, lr=0.1, initial_accumulator_value=0.1, eps=1e-10),
}


def flat(t):
    return [float(v) for v in t.reshape(-1)]


out = {"x": flat(x), "y": [int(v) for v in y], "n": N, "d": D, "h": H, "c": C, "batch": B,
       "init": {"0.weight": flat(w1), "0.bias": flat(b1), "2.weight": flat(w2), "2.bias": flat(b2)},
       "runs": {}}
for name, make in configs.items():
    model = nn.Sequential(nn.Linear(D, H), nn.ReLU(), nn.Linear(H, C))
    with torch.no_grad():
        model[0].weight.copy_(w1), model[0].bias.copy_(b1)
        model[2].weight.copy_(w2), model[2].bias.copy_(b2)
    opt = make(model.parameters())
    losses = []
    for step in range(STEPS):
        i = (step * B) % N
        loss = F.cross_entropy(model(x[i:i + B]), y[i:i + B])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
    out["runs"][name] = {"losses": losses,
                         "final": {k: flat(v.detach()) for k, v in model.state_dict().items()}}

with open("torch_trajectory.json", "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("torch", torch.__version__)
