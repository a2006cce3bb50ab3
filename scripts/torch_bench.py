#!/usr/bin/env python3
"""PyTorch side by side with vkbench: the same cases, the same JSON.

Reads the cases `vkbench -cases cases.json` wrote (names, units and what
each computes), runs each one in PyTorch on a device, and writes a report in
vkbench's JSON format, so that

    vkbench -from bench.json,torch.json -md side-by-side.md

renders one table with vkgrad's and PyTorch's columns and their ratio.

    python3 scripts/torch_bench.py --cases cases.json --json torch.json [--device cuda] [--tf32]

On CUDA, single kernels (GEMM, pooling, cross-entropy, add) are timed with
CUDA events, as vkbench times them with GPU timestamps; training steps,
epochs and convolution passes with the wall clock around a synchronize, as
vkbench times them. --tf32 adds a second column with TF32 matmuls and
convolutions allowed. On the CPU everything is timed by the wall clock.
The recipes are vkbench's: the MLP 784-512 ReLU-10 with RMSprop (lr 1e-3,
alpha 0.9, eps 1e-7), the CNN conv32-ReLU-maxpool, conv64-ReLU-maxpool,
128 ReLU, 10 with Adam (lr 1e-3), Glorot-uniform weights and zero biases.
"""
import argparse
import gzip
import json
import os
import platform
import re
import socket
import statistics
import struct
import sys
import time


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", required=True, help="the JSON vkbench -cases wrote")
    ap.add_argument("--json", required=True, help="where to write the report")
    ap.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    ap.add_argument("--tf32", action="store_true", help="on CUDA, also run with TF32 allowed (a second column)")
    ap.add_argument("--groups", default="", help="only these case groups (comma-separated)")
    ap.add_argument("--run", default="", help="only the cases whose name matches this regular expression (as vkbench -run)")
    ap.add_argument("--reps", type=int, default=5, help="timed runs per case, at least")
    ap.add_argument("--max-reps", type=int, default=50)
    ap.add_argument("--min-time", type=float, default=1.0, help="seconds each case runs for, at least")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--mnist", default=os.environ.get("MNIST_DIR", ""), help="folder of the MNIST IDX files (for the epoch case)")
    ap.add_argument("--threads", type=int, default=0, help="CPU threads (0: torch's default)")
    return ap.parse_args(argv)


def read_idx(path):
    """An IDX file (raw or gzip) as (sizes, bytes)."""
    for p in (path, path + ".gz"):
        if os.path.exists(p):
            path = p
            break
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    magic = struct.unpack(">I", data[:4])[0]
    dims = magic & 0xFF
    sizes = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return sizes, data[4 + 4 * dims:]


def LSTMClassifier(torch, features, hidden):
    """The "lstm" recipe: a one-layer LSTM, batch first, its last hidden
    state into Linear(hidden, 10)."""
    class M(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(features, hidden, batch_first=True)
            self.fc = torch.nn.Linear(hidden, 10)

        def forward(self, x):
            _, (h, _) = self.lstm(x)
            return self.fc(h[-1])
    return M()


def EncoderClassifier(torch, d, heads, ff):
    """The "transformer" recipe: one post-norm encoder layer (relu, no
    dropout, batch first), the tokens' mean into Linear(d, 10)."""
    class M(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layer = torch.nn.TransformerEncoderLayer(d, heads, dim_feedforward=ff, dropout=0.0, batch_first=True)
            self.fc = torch.nn.Linear(d, 10)

        def forward(self, x):
            return self.fc(self.layer(x).mean(1))
    return M()


class Runner:
    def __init__(self, args, torch):
        self.args, self.torch = args, torch
        self.dev = torch.device(args.device)
        self.cuda = self.dev.type == "cuda"
        self.mnist = None

    def sync(self):
        if self.cuda:
            self.torch.cuda.synchronize()

    def randn(self, *shape):
        return self.torch.randn(*shape, device=self.dev)

    # Each setup returns a function that runs the case once.
    def setup(self, spec):
        op = spec["Op"]
        return getattr(self, "setup_" + op.replace("-", "_"))(spec)

    def setup_gemm(self, s):
        m, n, k = s["M"], s["N"], s["K"]
        a = self.randn(k, m) if s.get("TransA") else self.randn(m, k)
        b = self.randn(n, k) if s.get("TransB") else self.randn(k, n)
        c = self.torch.empty(m, n, device=self.dev)
        ta, tb = (a.t() if s.get("TransA") else a), (b.t() if s.get("TransB") else b)
        return lambda: self.torch.matmul(ta, tb, out=c)

    def setup_conv2d(self, s):
        F = self.torch.nn.functional
        p = s["Conv"]
        x = self.randn(p["N"], p["C"], p["H"], p["W"]).requires_grad_(s["Pass"] == "bwd-data")
        w = self.randn(p["OutC"], p["C"] // p["Groups"], p["KH"], p["KW"]).requires_grad_(s["Pass"] == "bwd-filter")
        bias = self.randn(p["OutC"])
        kw = dict(stride=(p["StrideH"], p["StrideW"]), padding=(p["PadH"], p["PadW"]), dilation=(p["DilationH"], p["DilationW"]), groups=p["Groups"])
        if s["Pass"] == "fwd":
            return lambda: F.conv2d(x, w, bias, **kw)
        y = F.conv2d(x, w, None, **kw)
        dy = self.randn(*y.shape)
        target = x if s["Pass"] == "bwd-data" else w
        return lambda: self.torch.autograd.grad(y, target, dy, retain_graph=True)

    def setup_pool(self, s):
        F = self.torch.nn.functional
        p = s["Pool"]
        kw = dict(kernel_size=(p["KH"], p["KW"]), stride=(p["StrideH"], p["StrideW"]), padding=(p.get("PadH", 0), p.get("PadW", 0)))
        x = self.randn(p["N"], p["C"], p["H"], p["W"])
        kind, pass_ = s["Pass"].split()
        pool = F.max_pool2d if kind == "max" else F.avg_pool2d
        if pass_ == "fwd":
            return lambda: pool(x, **kw)
        xg = x.clone().requires_grad_(True)
        y = pool(xg, **kw)
        dy = self.randn(*y.shape)
        return lambda: self.torch.autograd.grad(y, xg, dy, retain_graph=True)

    def setup_softmax_ce(self, s):
        F = self.torch.nn.functional
        x = self.randn(s["Batch"], s["Classes"]).requires_grad_(True)
        y = self.torch.ones(s["Batch"], dtype=self.torch.long, device=self.dev)

        def run():
            loss = F.cross_entropy(x, y)
            self.torch.autograd.grad(loss, x)
        return run

    def setup_add(self, s):
        a, b = self.randn(s["Elements"]), self.randn(s["Elements"])
        c = self.torch.empty_like(a)
        return lambda: self.torch.add(a, b, out=c)

    def setup_embedding(self, s):
        F = self.torch.nn.functional
        w = self.randn(s["Vocab"], s["Dim"]).requires_grad_(True)
        idx = self.torch.randint(s["Vocab"], tuple(s["Shape"]), device=self.dev)
        g = self.randn(*s["Shape"], s["Dim"])

        def run():
            self.torch.autograd.grad(F.embedding(idx, w), w, g)
        return run

    def setup_attention(self, s):
        torch = self.torch
        b, h, l, d = s["Shape"]
        q, k, v = [self.randn(b, h, l, d).requires_grad_(True) for _ in range(3)]
        g = self.randn(b, h, l, d)
        causal = bool(s.get("Causal"))
        sdpa = getattr(torch.nn.functional, "scaled_dot_product_attention", None)
        mask = torch.ones(l, l, dtype=torch.bool, device=self.dev).triu(1)

        def attend():
            if sdpa is not None:  # PyTorch 2: its fused kernels
                return sdpa(q, k, v, is_causal=causal)
            scores = q @ k.transpose(-1, -2) / d ** 0.5
            if causal:
                scores = scores.masked_fill(mask, float("-inf"))
            return scores.softmax(-1) @ v

        return lambda: torch.autograd.grad(attend(), (q, k, v), g)

    def model(self, name, spec=None):
        torch, nn = self.torch, self.torch.nn
        torch.manual_seed(1)
        if name == "lstm":
            m = LSTMClassifier(torch, spec["Shape"][2], spec["Hidden"]).to(self.dev)
            return m, torch.optim.Adam(m.parameters(), lr=1e-3)
        if name == "transformer":
            m = EncoderClassifier(torch, spec["Shape"][2], spec["Heads"], spec["Hidden"]).to(self.dev)
            return m, torch.optim.Adam(m.parameters(), lr=1e-3)
        if name == "mlp":
            m = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 10))
        elif name == "cnn":
            m = nn.Sequential(
                nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
                nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
                nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))
        else:
            raise ValueError("unknown model %r" % name)
        for mod in m.modules():
            if isinstance(mod, (nn.Linear, nn.Conv2d)):
                nn.init.xavier_uniform_(mod.weight)
                nn.init.zeros_(mod.bias)
        m = m.to(self.dev)
        if name == "mlp":
            opt = torch.optim.RMSprop(m.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
        else:
            opt = torch.optim.Adam(m.parameters(), lr=1e-3)
        return m, opt

    def step(self, m, opt, x, y):
        F = self.torch.nn.functional
        opt.zero_grad(set_to_none=True)
        F.cross_entropy(m(x), y).backward()
        opt.step()

    def setup_train(self, s):
        m, opt = self.model(s["Model"], s)
        shape = s["Shape"]
        x = self.torch.rand(*shape, device=self.dev)
        y = (self.torch.arange(shape[0], device=self.dev) % 10).long()
        return lambda: self.step(m, opt, x, y)

    def setup_epoch(self, s):
        torch = self.torch
        if self.mnist is None:
            if not self.args.mnist:
                return None
            (n, rows, cols), pix = read_idx(os.path.join(self.args.mnist, "train-images-idx3-ubyte"))
            _, lab = read_idx(os.path.join(self.args.mnist, "train-labels-idx1-ubyte"))
            x = torch.frombuffer(bytearray(pix), dtype=torch.uint8).float().div_(255).reshape(n, rows * cols)
            y = torch.frombuffer(bytearray(lab), dtype=torch.uint8).long()
            self.mnist = (x, y)
        x, y = self.mnist
        m, opt = self.model(s["Model"])
        batch = s["Shape"][0]
        gen = torch.Generator().manual_seed(1)

        def run():
            perm = torch.randperm(x.shape[0], generator=gen)
            for i in range(0, x.shape[0], batch):
                idx = perm[i:i + batch]
                self.step(m, opt, x[idx].to(self.dev, non_blocking=True), y[idx].to(self.dev, non_blocking=True))
        return run

    def time_case(self, c, run):
        """Seconds per run (sorted) and how they were timed."""
        a = self.args
        for _ in range(max(a.warmup, 1)):
            run()
        self.sync()
        events = self.cuda and not c.get("WallClock")
        secs, start = [], time.perf_counter()
        while len(secs) < max(a.reps, 1) or (time.perf_counter() - start < a.min_time and len(secs) < max(a.max_reps, a.reps)):
            if events:
                e0, e1 = self.torch.cuda.Event(enable_timing=True), self.torch.cuda.Event(enable_timing=True)
                e0.record()
                run()
                e1.record()
                e1.synchronize()
                secs.append(e0.elapsed_time(e1) / 1000)
            else:
                t0 = time.perf_counter()
                run()
                self.sync()
                secs.append(time.perf_counter() - t0)
        return sorted(secs), ("gpu-events" if events else "wall-clock")


def main(argv):
    args = parse_args(argv)
    import torch
    if args.threads:
        torch.set_num_threads(args.threads)
    with open(args.cases) as f:
        cases = json.load(f)
    if args.groups:
        keep = {g.strip() for g in args.groups.split(",")}
        cases = [c for c in cases if c["Group"] in keep]
    if args.run:
        cases = [c for c in cases if re.search(args.run, c["Name"])]
    r = Runner(args, torch)
    if r.cuda:
        if not torch.cuda.is_available():
            sys.exit("torch_bench: --device cuda but torch sees no CUDA device")
        name = torch.cuda.get_device_name(r.dev)
        driver = "CUDA %s, cuDNN %s" % (torch.version.cuda, torch.backends.cudnn.version())
        kind = "discrete-gpu"
    else:
        name = "%s CPU (%d threads)" % (platform.machine(), torch.get_num_threads())
        driver, kind = "", "cpu"
    base = "torch-" + r.dev.type
    variants = [(base, False)]
    if args.tf32 and r.cuda:
        variants.append((base + "-tf32", True))
    targets, results = [], []
    for tname, tf32 in variants:
        gemm = "PyTorch %s, %s" % (torch.__version__, "TF32 allowed" if tf32 else "fp32 (TF32 off)")
        targets.append({"Name": tname, "Backend": "torch", "Device": name, "Kind": kind, "Driver": driver, "GEMM": gemm})
        if r.cuda:
            torch.backends.cuda.matmul.allow_tf32 = tf32
            torch.backends.cudnn.allow_tf32 = tf32
        for c in cases:
            if tf32 and c["Group"] not in ("gemm", "conv2d", "train"):
                continue  # TF32 changes only matmuls and convolutions
            run = r.setup(c["Spec"])
            if run is None:
                print("%-12s %-34s %-16s skipped (no MNIST files: --mnist)" % (c["Group"], c["Name"], tname), file=sys.stderr)
                continue
            secs, timing = r.time_case(c, run)
            med = statistics.median(secs)
            res = {"Group": c["Group"], "Name": c["Name"], "Target": tname, "Size": c.get("Size", 0), "Unit": c["Unit"],
                   "Median": med, "Min": secs[0], "Max": secs[-1], "Rate": c["Work"] / med / c["Scale"] if med > 0 else 0,
                   "Spread": (secs[-1] - secs[0]) / med if med > 0 else 0, "PeakFraction": 0, "Timing": timing, "Reps": len(secs)}
            results.append(res)
            print("%-12s %-34s %-16s %10.3g %s (%s)" % (c["Group"], c["Name"], tname, res["Rate"], c["Unit"], timing), file=sys.stderr)
            del run
    report = {"Time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "GoVersion": "Python %s, PyTorch %s" % (platform.python_version(), torch.__version__),
              "Commit": "", "Host": socket.gethostname(), "Targets": targets, "Results": results}
    with open(args.json, "w") as f:
        json.dump(report, f, indent=2)
    print("wrote %d results to %s" % (len(results), args.json))


if __name__ == "__main__":
    main(sys.argv[1:])
