#version 450
// 2-D pooling forward, one invocation per output. MAX = 1: the maximum
// (NaN wins, the first on ties) and its position h*W+w in the plane;
// MAX = 0: the mean, dividing by the whole window when INCLUDE_PAD.
#include "common.glsl"

layout(constant_id = 1) const uint MAX = 1u;
layout(constant_id = 2) const uint INCLUDE_PAD = 0u;

layout(std430, binding = 0) writeonly buffer Y { float y[]; };
layout(std430, binding = 1) writeonly buffer Idx { float idx[]; };
layout(std430, binding = 2) readonly buffer X { float x[]; };

layout(push_constant) uniform PC {
    uint total; // planes * OH * OW
    uint H, W, OH, OW, KH, KW, SH, SW, PH, PW;
} pc;

void main() {
    uint i = flatIndex();
    if (i >= pc.total) return;
    uint ow = i % pc.OW, oh = (i / pc.OW) % pc.OH, plane = i / (pc.OW * pc.OH);
    int h0 = int(oh * pc.SH) - int(pc.PH), w0 = int(ow * pc.SW) - int(pc.PW);
    int h1 = min(h0 + int(pc.KH), int(pc.H)), w1 = min(w0 + int(pc.KW), int(pc.W));
    int hp1 = min(h0 + int(pc.KH), int(pc.H + pc.PH)), wp1 = min(w0 + int(pc.KW), int(pc.W + pc.PW));
    int full = (hp1 - h0) * (wp1 - w0);
    h0 = max(h0, 0);
    w0 = max(w0, 0);
    uint base = plane * pc.H * pc.W;
    if (MAX == 1u) {
        uint bi = uint(h0) * pc.W + uint(w0);
        float best = x[base + bi];
        for (int h = h0; h < h1; ++h) {
            for (int w = w0; w < w1; ++w) {
                uint k = uint(h) * pc.W + uint(w);
                float v = x[base + k];
                if (v > best || (isnan(v) && !isnan(best))) { best = v; bi = k; }
            }
        }
        y[i] = best;
        idx[i] = float(bi);
    } else {
        float s = 0.0;
        for (int h = h0; h < h1; ++h)
            for (int w = w0; w < w1; ++w) s += x[base + uint(h) * pc.W + uint(w)];
        int div = INCLUDE_PAD == 1u ? full : (h1 - h0) * (w1 - w0);
        y[i] = s / float(div);
    }
}
