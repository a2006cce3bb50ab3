#version 450
// col2im as a gather: dx[n][c][h][w] sums the col entries of every kernel
// position that reads (h, w). One invocation per element of dx, so no two
// invocations write the same address (no atomics).
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer DX { float dx[]; };
layout(std430, binding = 1) readonly buffer Col { float col[]; };

layout(push_constant) uniform PC {
    uint total;  // images * C*H*W
    uint C, H, W, KH, KW;
    uint SH, SW, PH, PW, DH, DW;
    uint OH, OW;
    uint dxOff;
} pc;

void main() {
    uint i = flatIndex();
    if (i >= pc.total) return;
    uint w = i % pc.W, h = (i / pc.W) % pc.H;
    uint c = (i / (pc.W * pc.H)) % pc.C, n = i / (pc.W * pc.H * pc.C);
    uint ohw = pc.OH * pc.OW, kk = pc.KH * pc.KW;
    float s = 0.0;
    for (uint kh = 0u; kh < pc.KH; ++kh) {
        int th = int(h) + int(pc.PH) - int(kh * pc.DH);
        if (th < 0 || th % int(pc.SH) != 0) continue;
        uint oh = uint(th) / pc.SH;
        if (oh >= pc.OH) continue;
        for (uint kw = 0u; kw < pc.KW; ++kw) {
            int tw = int(w) + int(pc.PW) - int(kw * pc.DW);
            if (tw < 0 || tw % int(pc.SW) != 0) continue;
            uint ow = uint(tw) / pc.SW;
            if (ow >= pc.OW) continue;
            s += col[((n * pc.C + c) * kk + kh * pc.KW + kw) * ohw + oh * pc.OW + ow];
        }
    }
    dx[pc.dxOff + i] = s;
}
