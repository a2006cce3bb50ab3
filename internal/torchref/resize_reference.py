#!/usr/bin/python3
"""Writes resize_reference.json: PyTorch's forward and backward of
F.adaptive_avg_pool2d (sizes that do not divide, global), F.max_pool2d and
F.avg_pool2d with ceil_mode, F.interpolate (nearest; bilinear with and
without align_corners; up and down) and F.pad (constant, reflect).
torchref.CheckResize replays each case on a vkgrad device.

Regenerate (Debian's python3-torch), from this folder:
    /usr/bin/python3 resize_reference.py
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(16)
torch.set_default_dtype(torch.float64)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1)]


def case(name, op, shape, fn, **params):
    x = torch.randn(*shape).float().double().requires_grad_(True)
    out = fn(x)
    g = torch.randn(out.shape)
    out.backward(g)
    return dict(name=name, op=op, shape=list(shape), params=params, x=flat(x), g=flat(g),
                out=flat(out), out_shape=list(out.shape), grad_x=flat(x.grad))


cases = [
    case("adaptive_avg/7x5_to_3x2", "adaptive_avg", (2, 3, 7, 5), lambda x: F.adaptive_avg_pool2d(x, (3, 2)), out=[3, 2]),
    case("adaptive_avg/global", "adaptive_avg", (2, 4, 3, 3), lambda x: F.adaptive_avg_pool2d(x, 1), out=[1, 1]),
    case("adaptive_avg/up_4x4_to_6x5", "adaptive_avg", (1, 2, 4, 4), lambda x: F.adaptive_avg_pool2d(x, (6, 5)), out=[6, 5]),
    case("max_pool/ceil_2x2", "max_pool", (2, 2, 7, 5), lambda x: F.max_pool2d(x, 2, 2, ceil_mode=True), kernel=2, stride=2, padding=0, ceil=True),
    case("max_pool/ceil_3x3_pad", "max_pool", (1, 2, 8, 6), lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True), kernel=3, stride=2, padding=1, ceil=True),
    case("avg_pool/ceil_include_pad", "avg_pool", (1, 2, 8, 6), lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True), kernel=3, stride=2, padding=1, ceil=True, include_pad=True),
    case("avg_pool/ceil_exclude_pad", "avg_pool", (2, 1, 7, 7), lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False), kernel=3, stride=2, padding=1, ceil=True, include_pad=False),
    case("upsample/nearest_x2", "nearest", (2, 2, 3, 4), lambda x: F.interpolate(x, scale_factor=2, mode="nearest"), out=[6, 8]),
    case("upsample/nearest_5x3_to_7x8", "nearest", (1, 2, 5, 3), lambda x: F.interpolate(x, size=(7, 8), mode="nearest"), out=[7, 8]),
    case("upsample/bilinear_x2", "bilinear", (2, 2, 3, 4), lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False), out=[6, 8], align=False),
    case("upsample/bilinear_align_5x4_to_7x9", "bilinear", (1, 3, 5, 4), lambda x: F.interpolate(x, size=(7, 9), mode="bilinear", align_corners=True), out=[7, 9], align=True),
    case("upsample/bilinear_down_8x8_to_3x5", "bilinear", (1, 1, 8, 8), lambda x: F.interpolate(x, size=(3, 5), mode="bilinear", align_corners=False), out=[3, 5], align=False),
    case("pad/constant", "pad_constant", (2, 3, 4, 5), lambda x: F.pad(x, (1, 2, 0, 3), value=0.5), pads=[1, 2, 0, 3], value=0.5),
    case("pad/reflect", "pad_reflect", (2, 2, 4, 5), lambda x: F.pad(x, (2, 1, 3, 1), mode="reflect"), pads=[2, 1, 3, 1]),
    case("pad/reflect_1d", "pad_reflect", (2, 3, 6), lambda x: F.pad(x, (3, 2), mode="reflect"), pads=[3, 2]),
]

with open("resize_reference.json", "w") as f:
    json.dump(dict(torch=torch.__version__, cases=cases), f)
print("wrote %d cases" % len(cases))
