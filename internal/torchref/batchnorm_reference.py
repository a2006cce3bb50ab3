#!/usr/bin/python3
"""Writes batchnorm_reference.safetensors and batchnorm_reference.json: a
PyTorch model (Linear, BatchNorm1d) trained for three steps, its
state_dict saved in the safetensors format (num_batches_tracked as an I64
scalar, as safetensors.torch.save_file writes it; the format is written
here by hand, since Debian has no python3-safetensors), and the model's
output in evaluation mode on a fixed input. torchref.CheckBatchNormFile
loads the file into vkgrad's layers and compares the output and the
counter.

Regenerate (Debian's python3-torch), from this folder:
    /usr/bin/python3 batchnorm_reference.py
"""
import json
import struct

import torch

torch.manual_seed(17)
model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for _ in range(3):
    x = torch.randn(8, 3)
    loss = model(x).square().mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
model.eval()
x = torch.randn(5, 3)
with torch.no_grad():
    out = model(x)

dtypes = {torch.float32: ("F32", "<f"), torch.int64: ("I64", "<q")}
header = {"__metadata__": {"format": "pt"}}
data = b""
for name, t in sorted(model.state_dict().items()):
    code, fmt = dtypes[t.dtype]
    vals = t.reshape(-1).tolist()
    raw = struct.pack("<%d%s" % (len(vals), fmt[1]), *vals)
    header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(raw)]}
    data += raw
h = json.dumps(header, separators=(",", ":")).encode()
h += b" " * (-len(h) % 8)
with open("batchnorm_reference.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + data)
with open("batchnorm_reference.json", "w") as f:
    json.dump({"torch": torch.__version__, "x": x.reshape(-1).tolist(), "x_shape": list(x.shape),
               "out": out.reshape(-1).tolist(),
               "num_batches_tracked": int(model[1].num_batches_tracked)}, f)
    f.write("\n")
