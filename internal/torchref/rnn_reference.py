#!/usr/bin/python3
"""Writes rnn_reference.json: PyTorch's forward and backward of nn.RNN,
nn.LSTM and nn.GRU with PyTorch's own initial weights, for configurations
with one and two layers, both directions, batch_first, and given initial
states; of nn.RNNCell, nn.LSTMCell and nn.GRUCell stepped by hand; and of
padded batches through pack_padded_sequence and pad_packed_sequence. torchref.CheckRecurrent loads the weights by name into vkgrad's
layers and compares the outputs, the final states and every gradient.

Regenerate (Debian's python3-torch), from this folder:
    /usr/bin/python3 rnn_reference.py
"""
import json

import torch

torch.manual_seed(11)
T, B, I, H = 5, 2, 3, 4

configs = [
    ("RNN_TANH", dict(num_layers=1)),
    ("RNN_RELU", dict(num_layers=1, bidirectional=True)),
    ("LSTM", dict(num_layers=2, bidirectional=True, states=True)),
    ("LSTM", dict(num_layers=1, batch_first=True)),
    ("GRU", dict(num_layers=2, batch_first=True, states=True)),
    ("GRU", dict(num_layers=1, bidirectional=True)),
]


def flat(t):
    return [float(v) for v in t.detach().reshape(-1)]


cases = []
for mode, cfg in configs:
    layers = cfg.get("num_layers", 1)
    bi = cfg.get("bidirectional", False)
    bf = cfg.get("batch_first", False)
    kw = dict(num_layers=layers, bidirectional=bi, batch_first=bf)
    if mode == "LSTM":
        m = torch.nn.LSTM(I, H, **kw)
    elif mode == "GRU":
        m = torch.nn.GRU(I, H, **kw)
    else:
        m = torch.nn.RNN(I, H, nonlinearity="tanh" if mode == "RNN_TANH" else "relu", **kw)
    m = m.double()
    dirs = 2 if bi else 1
    x = torch.randn(B, T, I) if bf else torch.randn(T, B, I)
    x = x.double().requires_grad_(True)
    states = cfg.get("states", False)
    h0 = torch.randn(layers * dirs, B, H, dtype=torch.float64, requires_grad=True) if states else None
    c0 = torch.randn(layers * dirs, B, H, dtype=torch.float64, requires_grad=True) if states and mode == "LSTM" else None
    if mode == "LSTM":
        out, (hn, cn) = m(x, (h0, c0)) if states else m(x)
    else:
        out, hn = m(x, h0) if states else m(x)
        cn = None
    g = torch.randn(out.shape, dtype=torch.float64)
    gh = torch.randn(hn.shape, dtype=torch.float64)
    loss = (out * g).sum() + (hn * gh).sum()
    gc = None
    if cn is not None:
        gc = torch.randn(cn.shape, dtype=torch.float64)
        loss = loss + (cn * gc).sum()
    loss.backward()
    case = {
        "mode": mode, "layers": layers, "bidirectional": bi, "batch_first": bf, "states": states,
        "x": flat(x), "x_shape": list(x.shape),
        "weights": {n: flat(p) for n, p in m.named_parameters()},
        "shapes": {n: list(p.shape) for n, p in m.named_parameters()},
        "g": flat(g), "gh": flat(gh),
        "out": flat(out), "hn": flat(hn),
        "grad_x": flat(x.grad),
        "grads": {n: flat(p.grad) for n, p in m.named_parameters()},
    }
    if states:
        case["h0"] = flat(h0)
        case["grad_h0"] = flat(h0.grad)
    if c0 is not None:
        case["c0"] = flat(c0)
        case["grad_c0"] = flat(c0.grad)
    if cn is not None:
        case["cn"] = flat(cn)
        case["gc"] = flat(gc)
    cases.append(case)

# Cells (nn.RNNCell, nn.LSTMCell, nn.GRUCell) stepped by hand for T steps,
# the state carried between calls: from given states, from zeros, and
# unbatched.
cell_configs = [
    ("RNN_TANH", dict(states=True)),
    ("RNN_RELU", dict()),
    ("LSTM", dict(states=True)),
    ("LSTM", dict(unbatched=True)),
    ("GRU", dict(states=True)),
    ("GRU", dict(unbatched=True, states=True)),
]
cells = []
for mode, cfg in cell_configs:
    if mode == "LSTM":
        m = torch.nn.LSTMCell(I, H)
    elif mode == "GRU":
        m = torch.nn.GRUCell(I, H)
    else:
        m = torch.nn.RNNCell(I, H, nonlinearity="tanh" if mode == "RNN_TANH" else "relu")
    m = m.double()
    unbatched = cfg.get("unbatched", False)
    states = cfg.get("states", False)
    lead = () if unbatched else (B,)
    x = torch.randn(T, *lead, I).double().requires_grad_(True)
    h0 = torch.randn(*lead, H).double().requires_grad_(True) if states else None
    c0 = torch.randn(*lead, H).double().requires_grad_(True) if states and mode == "LSTM" else None
    h, c = h0, c0
    hs = []
    for t in range(T):
        if mode == "LSTM":
            h, c = m(x[t], None if h is None else (h, c))
        else:
            h = m(x[t], h)
        hs.append(h)
    hs = torch.stack(hs)
    g = torch.randn(hs.shape, dtype=torch.float64)
    loss = (hs * g).sum()
    gc = None
    if mode == "LSTM":
        gc = torch.randn(c.shape, dtype=torch.float64)
        loss = loss + (c * gc).sum()
    loss.backward()
    case = {
        "mode": mode, "unbatched": unbatched, "states": states,
        "x": flat(x), "x_shape": list(x.shape),
        "weights": {n: flat(p) for n, p in m.named_parameters()},
        "shapes": {n: list(p.shape) for n, p in m.named_parameters()},
        "g": flat(g), "hs": flat(hs), "grad_x": flat(x.grad),
        "grads": {n: flat(p.grad) for n, p in m.named_parameters()},
    }
    if h0 is not None:
        case["h0"] = flat(h0)
        case["grad_h0"] = flat(h0.grad)
    if c0 is not None:
        case["c0"] = flat(c0)
        case["grad_c0"] = flat(c0.grad)
    if gc is not None:
        case["cn"] = flat(c)
        case["gc"] = flat(gc)
    cells.append(case)

# Padded batches: pack_padded_sequence(enforce_sorted=False), the layer,
# pad_packed_sequence(total_length=T).
padded_configs = [
    ("LSTM", [5, 3], dict(num_layers=2, bidirectional=True, states=True)),
    ("GRU", [2, 5], dict(num_layers=1, batch_first=True)),
    ("RNN_TANH", [1, 4], dict(num_layers=1, bidirectional=True)),
]
padded = []
for mode, lengths, cfg in padded_configs:
    layers = cfg.get("num_layers", 1)
    bi = cfg.get("bidirectional", False)
    bf = cfg.get("batch_first", False)
    kw = dict(num_layers=layers, bidirectional=bi, batch_first=bf)
    if mode == "LSTM":
        m = torch.nn.LSTM(I, H, **kw)
    elif mode == "GRU":
        m = torch.nn.GRU(I, H, **kw)
    else:
        m = torch.nn.RNN(I, H, nonlinearity="tanh", **kw)
    m = m.double()
    dirs = 2 if bi else 1
    x = torch.randn(B, T, I) if bf else torch.randn(T, B, I)
    x = x.double().requires_grad_(True)
    states = cfg.get("states", False)
    h0 = torch.randn(layers * dirs, B, H, dtype=torch.float64, requires_grad=True) if states else None
    c0 = torch.randn(layers * dirs, B, H, dtype=torch.float64, requires_grad=True) if states and mode == "LSTM" else None
    packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), batch_first=bf, enforce_sorted=False)
    if mode == "LSTM":
        po, (hn, cn) = m(packed, (h0, c0)) if states else m(packed)
    else:
        po, hn = m(packed, h0) if states else m(packed)
        cn = None
    out, _ = torch.nn.utils.rnn.pad_packed_sequence(po, batch_first=bf, total_length=T)
    g = torch.randn(out.shape, dtype=torch.float64)
    gh = torch.randn(hn.shape, dtype=torch.float64)
    loss = (out * g).sum() + (hn * gh).sum()
    gc = None
    if cn is not None:
        gc = torch.randn(cn.shape, dtype=torch.float64)
        loss = loss + (cn * gc).sum()
    loss.backward()
    case = {
        "mode": mode, "layers": layers, "bidirectional": bi, "batch_first": bf, "states": states,
        "lengths": lengths,
        "x": flat(x), "x_shape": list(x.shape),
        "weights": {n: flat(p) for n, p in m.named_parameters()},
        "shapes": {n: list(p.shape) for n, p in m.named_parameters()},
        "g": flat(g), "gh": flat(gh),
        "out": flat(out), "hn": flat(hn),
        "grad_x": flat(x.grad),
        "grads": {n: flat(p.grad) for n, p in m.named_parameters()},
    }
    if states:
        case["h0"] = flat(h0)
        case["grad_h0"] = flat(h0.grad)
    if c0 is not None:
        case["c0"] = flat(c0)
        case["grad_c0"] = flat(c0.grad)
    if cn is not None:
        case["cn"] = flat(cn)
        case["gc"] = flat(gc)
    padded.append(case)

with open("rnn_reference.json", "w") as f:
    json.dump({"T": T, "B": B, "I": I, "H": H, "torch": torch.__version__, "cases": cases, "cells": cells, "padded": padded}, f)
print("wrote", len(cases), "cases,", len(cells), "cells and", len(padded), "padded batches")
