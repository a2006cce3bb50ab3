#!/usr/bin/python3
"""Writes index_reference.json: PyTorch's forward and backward of the index
ops (embedding with repeated indices and padding_idx, index_select, gather,
scatter, scatter_add, stable sort with ties and topk) and one_hot. torchref.CheckIndexing replays each case
on a vkgrad device: the same inputs, the same upstream gradient, and
compares the output and the gradients of every input.

Regenerate (Debian's python3-torch), from this folder:
    /usr/bin/python3 index_reference.py
"""
import json

import torch
import torch.nn.functional as F

torch.manual_seed(13)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1)]


def case(name, op, axis, x, idx, src=None, padding_idx=-1):
    x = x.double().requires_grad_(True)
    inputs = [x]
    if src is not None:
        src = src.double().requires_grad_(True)
        inputs.append(src)
    if op == "embedding":
        out = F.embedding(idx, x, padding_idx=None if padding_idx < 0 else padding_idx)
    elif op == "index_select":
        out = torch.index_select(x, axis, idx)
    elif op == "gather":
        out = torch.gather(x, axis, idx)
    elif op == "scatter":
        out = torch.scatter(x, axis, idx, src)
    elif op == "scatter_add":
        out = torch.scatter_add(x, axis, idx, src)
    g = torch.randn(out.shape, dtype=torch.float64)
    out.backward(g)
    c = dict(name=name, op=op, axis=axis, padding_idx=padding_idx,
             x=flat(x), x_shape=list(x.shape), idx=flat(idx), idx_shape=list(idx.shape),
             g=flat(g), out=flat(out), out_shape=list(out.shape), grad_x=flat(x.grad))
    if src is not None:
        c.update(src=flat(src), src_shape=list(src.shape), grad_src=flat(src.grad))
    return c


def rand(*shape):
    # float32 values, so that vkgrad gets exactly PyTorch's inputs.
    return torch.randn(*shape).float()


cases = [
    case("embedding/repeats", "embedding", 0, rand(6, 3), torch.tensor([[4, 1, 4], [0, 4, 2]])),
    case("embedding/padding_idx", "embedding", 0, rand(5, 4), torch.tensor([[2, 0, 2, 3], [0, 0, 4, 1]]), padding_idx=0),
    case("index_select/axis1", "index_select", 1, rand(2, 5, 3), torch.tensor([4, 0, 4, 2, 4, 1, 0])),
    case("gather/axis1", "gather", 1, rand(3, 5), torch.tensor([[4, 4, 0, 1, 2, 4], [0, 0, 0, 1, 3, 3], [2, 1, 4, 4, 2, 0]])),
    case("gather/axis0/shorter", "gather", 0, rand(4, 5), torch.tensor([[3, 0, 1], [3, 3, 2]])),
    case("gather/axis2/3d", "gather", 2, rand(2, 3, 4), torch.randint(0, 4, (2, 3, 5))),
    case("scatter/axis1", "scatter", 1, rand(3, 5), torch.tensor([[4, 0, 2], [1, 3, 0], [2, 4, 1]]), src=rand(3, 3)),
    case("scatter/axis0", "scatter", 0, rand(4, 3), torch.tensor([[3, 0, 1], [1, 2, 0]]), src=rand(2, 3)),
    case("scatter_add/axis1", "scatter_add", 1, rand(3, 5), torch.tensor([[4, 4, 0, 4], [1, 3, 1, 1], [0, 0, 0, 2]]), src=rand(3, 4)),
    case("scatter_add/axis0/3d", "scatter_add", 0, rand(3, 2, 4), torch.randint(0, 3, (5, 2, 4)), src=rand(5, 2, 4)),
]



def sort_case(name, op, axis, x, descending, k=None):
    x = x.double().requires_grad_(True)
    if op == "sort":
        out, idx = torch.sort(x, dim=axis, descending=descending, stable=True)
    else:
        out, idx = torch.topk(x, k, dim=axis, largest=descending, sorted=True)
    g = torch.randn(out.shape, dtype=torch.float64)
    out.backward(g)
    return dict(name=name, op=op, axis=axis, descending=descending, k=k or 0,
                x=flat(x), x_shape=list(x.shape), g=flat(g), out=flat(out),
                out_shape=list(out.shape), indices=flat(idx), grad_x=flat(x.grad))


ties = torch.tensor([[2.0, -1.0, 2.0, 0.0, -0.0, 5.0, -1.0], [1.0, 1.0, 1.0, -3.0, 1.0, 0.5, 7.0]])
sorts = [
    sort_case("sort/ties/ascending", "sort", 1, ties, False),
    sort_case("sort/ties/descending", "sort", 1, ties, True),
    sort_case("sort/axis0", "sort", 0, rand(6, 3), False),
    sort_case("sort/long", "sort", 0, rand(300), True),
    sort_case("topk/largest", "topk", 1, rand(4, 9), True, k=3),
    sort_case("topk/smallest/axis0", "topk", 0, rand(7, 2, 3), False, k=2),
]

labels = torch.tensor([[2, 0, 3], [3, 3, 1]])
one_hot = dict(idx=flat(labels), idx_shape=list(labels.shape), classes=4,
               out=flat(F.one_hot(labels, 4)), out_shape=list(F.one_hot(labels, 4).shape))

with open("index_reference.json", "w") as f:
    json.dump(dict(torch=torch.__version__, cases=cases, sorts=sorts, one_hot=one_hot), f, indent=None)
    f.write("\n")
