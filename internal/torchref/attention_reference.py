#!/usr/bin/python3
"""Writes attention_reference.json: PyTorch's scaled dot-product attention
(computed from its definition: PyTorch 1.13 has no
F.scaled_dot_product_attention) with and without a causal mask and an
additive mask, nn.MultiheadAttention (self- and cross-attention, key
padding and additive masks, its averaged attention weights),
nn.TransformerEncoderLayer (post-norm and pre-norm, relu and gelu, a key
padding mask) and nn.TransformerEncoder (two layers and a final norm),
each with given weights, forward and backward. torchref.CheckAttention
replays every case on a vkgrad device.

Regenerate (Debian's python3-torch), from this folder:
    /usr/bin/python3 attention_reference.py
"""
import json
import math

import torch

torch.manual_seed(14)
torch.set_default_dtype(torch.float64)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1)]


def rand(*shape, scale=1.0):
    # float32 values, so that vkgrad gets exactly PyTorch's inputs.
    return (torch.randn(*shape) * scale).float().double()


def sdpa(name, b, h, l, s, d, dv, causal=False, mask=False, scale=None):
    q, k, v = [rand(b, h, n, m).requires_grad_(True) for n, m in ((l, d), (s, d), (s, dv))]
    sc = scale if scale is not None else 1 / math.sqrt(d)
    scores = q @ k.transpose(-1, -2) * sc
    m = None
    if mask:
        m = rand(l, s)
        m[0, -1] = -math.inf
        scores = scores + m
    if causal:
        scores = scores.masked_fill(torch.ones(l, s, dtype=torch.bool).triu(1), -math.inf)
    out = scores.softmax(-1) @ v
    g = rand(*out.shape)
    out.backward(g)
    c = dict(name=name, shape=[b, h], l=l, s=s, d=d, dv=dv, causal=causal, scale=scale or 0.0,
             q=flat(q), k=flat(k), v=flat(v), g=flat(g), out=flat(out),
             grad_q=flat(q.grad), grad_k=flat(k.grad), grad_v=flat(v.grad))
    if m is not None:
        c["mask"] = [v if math.isfinite(v) else "-inf" for v in flat(m)]
    return c


def set_weights(module):
    """Fills every parameter with float32 draws and returns them by name."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(rand(*p.shape, scale=0.5))
    return {n: flat(p) for n, p in module.named_parameters()}


def grads(module):
    return {n: flat(p.grad) for n, p in module.named_parameters()}


def mha(name, e, h, l, s, n, batch_first, self_attn, padding=False, attn_mask=False):
    m = torch.nn.MultiheadAttention(e, h, batch_first=batch_first)
    weights = set_weights(m)
    shape_q = (n, l, e) if batch_first else (l, n, e)
    shape_k = (n, s, e) if batch_first else (s, n, e)
    q = rand(*shape_q).requires_grad_(True)
    if self_attn:
        k = v = q
    else:
        k, v = rand(*shape_k).requires_grad_(True), rand(*shape_k).requires_grad_(True)
    kw = {}
    c = dict(name=name, e=e, h=h, l=l, s=s, n=n, batch_first=batch_first, self_attn=self_attn, weights=weights)
    if padding:
        kp = torch.zeros(n, s, dtype=torch.bool)
        kp[0, -1] = True
        kp[-1, 0] = True
        kw["key_padding_mask"] = kp
        c["key_padding_mask"] = [float(x) for x in kp.reshape(-1)]
    if attn_mask:
        am = rand(l, s)
        kw["attn_mask"] = am
        c["attn_mask"] = flat(am)
    out, w = m(q, k, v, need_weights=True, average_attn_weights=True, **kw)
    g = rand(*out.shape)
    out.backward(g)
    c.update(q=flat(q), g=flat(g), out=flat(out), attn_weights=flat(w), grad_q=flat(q.grad), grads=grads(m))
    if not self_attn:
        c.update(k=flat(k), v=flat(v), grad_k=flat(k.grad), grad_v=flat(v.grad))
    return c


def encoder(name, d, h, ff, l, n, activation, norm_first, layers=1, final_norm=False):
    layer = torch.nn.TransformerEncoderLayer(d, h, dim_feedforward=ff, dropout=0.0, activation=activation,
                                             batch_first=True, norm_first=norm_first)
    m = torch.nn.TransformerEncoder(layer, layers, norm=torch.nn.LayerNorm(d) if final_norm else None,
                                    enable_nested_tensor=False) if layers > 1 or final_norm else layer
    m.train()
    weights = set_weights(m)
    x = rand(n, l, d).requires_grad_(True)
    kp = torch.zeros(n, l, dtype=torch.bool)
    kp[0, -1] = True
    out = m(x, src_key_padding_mask=kp)
    g = rand(*out.shape)
    out.backward(g)
    return dict(name=name, d=d, h=h, ff=ff, l=l, n=n, activation=activation, norm_first=norm_first,
                layers=layers, final_norm=final_norm, weights=weights, key_padding_mask=[float(v) for v in kp.reshape(-1)],
                x=flat(x), g=flat(g), out=flat(out), grad_x=flat(x.grad), grads=grads(m))


def masked_softmax(name, shape, causal, mask):
    x = rand(*shape).requires_grad_(True)
    l, s = shape[-2], shape[-1]
    allowed = torch.rand(l, s) > 0.3 if mask else torch.ones(l, s, dtype=torch.bool)
    allowed[:, 0] = True  # every row keeps a position
    y = x.masked_fill(~allowed, -math.inf)
    if causal:
        y = y.masked_fill(torch.ones(l, s, dtype=torch.bool).triu(1), -math.inf)
    out = y.softmax(-1)
    g = rand(*out.shape)
    out.backward(g)
    return dict(name=name, shape=list(shape), causal=causal, allowed=[float(v) for v in allowed.reshape(-1)],
                x=flat(x), g=flat(g), out=flat(out), grad_x=flat(x.grad))


ref = dict(
    torch=torch.__version__,
    sdpa=[
        sdpa("sdpa/plain", 2, 3, 5, 7, 4, 6),
        sdpa("sdpa/causal", 1, 2, 6, 6, 8, 8, causal=True),
        sdpa("sdpa/mask", 2, 1, 4, 9, 5, 3, mask=True, scale=0.3),
        sdpa("sdpa/causal_mask", 1, 2, 7, 7, 16, 16, causal=True, mask=True),
        sdpa("sdpa/long", 1, 1, 70, 90, 32, 32, causal=True),
    ],
    masked_softmax=[
        masked_softmax("masked_softmax/boolean", (2, 4, 6), False, True),
        masked_softmax("masked_softmax/causal_boolean", (3, 5, 5), True, True),
        masked_softmax("masked_softmax/causal", (1, 2, 4, 7), True, False),
    ],
    mha=[
        mha("mha/self_batch_first_padding", 8, 2, 5, 5, 3, True, True, padding=True),
        mha("mha/cross_seq_first_masks", 12, 3, 4, 6, 2, False, False, padding=True, attn_mask=True),
    ],
    encoder=[
        encoder("encoder_layer/post_relu", 8, 2, 16, 5, 3, "relu", False),
        encoder("encoder_layer/pre_gelu", 8, 2, 16, 5, 3, "gelu", True),
        encoder("encoder/two_layers_norm", 8, 4, 12, 4, 2, "relu", False, layers=2, final_norm=True),
    ],
)

with open("attention_reference.json", "w") as f:
    json.dump(ref, f)
print("wrote %d sdpa, %d mha, %d encoder cases" % (len(ref["sdpa"]), len(ref["mha"]), len(ref["encoder"])))
