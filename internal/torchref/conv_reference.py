#!/usr/bin/python3
"""Writes conv_reference.json: PyTorch's forward and backward of
F.conv_transpose2d at several strides, paddings, output paddings,
dilations and groups, with and without a bias. torchref.CheckConvTranspose
replays each case on a vkgrad device.

Regenerate (Debian's python3-torch), from this folder:
    /usr/bin/python3 conv_reference.py
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(15)
torch.set_default_dtype(torch.float64)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1)]


def rand(*shape):
    return torch.randn(*shape).float().double()


def case(name, n, cin, h, w, cout, k, stride=1, padding=0, output_padding=0, dilation=1, groups=1, bias=True):
    pair = lambda v: list(v) if isinstance(v, tuple) else [v, v]
    k = pair(k)
    x = rand(n, cin, h, w).requires_grad_(True)
    wt = rand(cin, cout // groups, *k).requires_grad_(True)
    b = rand(cout).requires_grad_(True) if bias else None
    out = F.conv_transpose2d(x, wt, b, stride=stride, padding=padding, output_padding=output_padding, groups=groups, dilation=dilation)
    g = rand(*out.shape)
    out.backward(g)
    c = dict(name=name, x_shape=list(x.shape), w_shape=list(wt.shape), stride=pair(stride), padding=pair(padding),
             output_padding=pair(output_padding), dilation=pair(dilation), groups=groups,
             x=flat(x), w=flat(wt), g=flat(g), out=flat(out), out_shape=list(out.shape),
             grad_x=flat(x.grad), grad_w=flat(wt.grad))
    if b is not None:
        c.update(b=flat(b), grad_b=flat(b.grad))
    return c


cases = [
    case("conv_transpose2d/stride1", 2, 3, 4, 5, 4, 3),
    case("conv_transpose2d/stride2_pad1", 2, 4, 5, 5, 3, 4, stride=2, padding=1),
    case("conv_transpose2d/stride2_outpad1", 1, 3, 4, 3, 2, 3, stride=2, padding=1, output_padding=1),
    case("conv_transpose2d/stride3_outpad2_rect", 2, 2, 3, 4, 3, (2, 3), stride=3, padding=(0, 1), output_padding=(2, 1), bias=False),
    case("conv_transpose2d/dilation_groups", 1, 4, 5, 5, 6, 3, stride=(1, 2), padding=2, dilation=2, groups=2),
    case("conv_transpose2d/dcgan", 4, 16, 7, 7, 8, 4, stride=2, padding=1),
]

with open("conv_reference.json", "w") as f:
    json.dump(dict(torch=torch.__version__, conv_transpose2d=cases), f)
print("wrote %d cases" % len(cases))
