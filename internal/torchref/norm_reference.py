#!/usr/bin/python3
"""Writes norm_reference.json: PyTorch's forward and backward of
F.layer_norm (over one and two trailing dimensions, with and without the
affine parameters, a row far from zero, a larger eps) and F.group_norm.
torchref.CheckNorms replays each case on a vkgrad device: the same inputs,
the same upstream gradient, and compares the output and the gradients of
every input.

Regenerate (Debian's python3-torch), from this folder:
    /usr/bin/python3 norm_reference.py
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(14)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1)]


def rand(*shape, offset=0.0):
    # float32 values, so that vkgrad gets exactly PyTorch's inputs.
    return (torch.randn(*shape) + offset).float()


def layer_norm(name, shape, normalized, weight=True, bias=True, eps=1e-5, offset=0.0):
    x = rand(*shape, offset=offset).double().requires_grad_(True)
    w = rand(*normalized).double().requires_grad_(True) if weight else None
    b = rand(*normalized).double().requires_grad_(True) if bias else None
    out = F.layer_norm(x, normalized, w, b, eps)
    g = torch.randn(out.shape, dtype=torch.float64)
    out.backward(g)
    c = dict(name=name, shape=list(shape), normalized=list(normalized), eps=eps,
             x=flat(x), g=flat(g), out=flat(out), grad_x=flat(x.grad))
    if w is not None:
        c.update(w=flat(w), grad_w=flat(w.grad))
    if b is not None:
        c.update(b=flat(b), grad_b=flat(b.grad))
    return c


def group_norm(name, shape, groups, affine=True, eps=1e-5):
    x = rand(*shape).double().requires_grad_(True)
    c = shape[1]
    w = rand(c).double().requires_grad_(True) if affine else None
    b = rand(c).double().requires_grad_(True) if affine else None
    out = F.group_norm(x, groups, w, b, eps)
    g = torch.randn(out.shape, dtype=torch.float64)
    out.backward(g)
    r = dict(name=name, shape=list(shape), groups=groups, eps=eps, x=flat(x), g=flat(g), out=flat(out), grad_x=flat(x.grad))
    if affine:
        r.update(w=flat(w), b=flat(b), grad_w=flat(w.grad), grad_b=flat(b.grad))
    return r


group_cases = [
    group_norm("group_norm/4d", (2, 6, 3, 4), 3),
    group_norm("group_norm/one_group", (3, 4, 5), 1),
    group_norm("group_norm/per_channel_no_affine", (2, 4, 2, 2), 4, affine=False),
]

cases = [
    layer_norm("layer_norm/last", (4, 7), (7,)),
    layer_norm("layer_norm/last2", (2, 3, 4, 5), (4, 5)),
    layer_norm("layer_norm/no_affine", (3, 16), (16,), weight=False, bias=False),
    layer_norm("layer_norm/weight_only", (5, 6), (6,), bias=False),
    layer_norm("layer_norm/bias_only", (5, 6), (6,), weight=False),
    layer_norm("layer_norm/offset", (2, 300), (300,), offset=100.0),
    layer_norm("layer_norm/eps", (3, 8), (8,), eps=0.1),
    layer_norm("layer_norm/d256", (8, 256), (256,)),
]

with open("norm_reference.json", "w") as f:
    json.dump(dict(torch=torch.__version__, layer_norm=cases, group_norm=group_cases), f)
print("wrote %d layer_norm and %d group_norm cases" % (len(cases), len(group_cases)))
