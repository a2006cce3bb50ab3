#version 450
// 2-D pooling backward as a gather: one invocation per input element sums
// the gradient of every window containing it; for max pooling only of the
// windows that chose it. No two invocations write the same address.
#include "common.glsl"

layout(constant_id = 1) const uint MAX = 1u;
layout(constant_id = 2) const uint INCLUDE_PAD = 0u;

layout(std430, binding = 0) writeonly buffer DX { float dx[]; };
layout(std430, binding = 1) readonly buffer DY { float dy[]; };
layout(std430, binding = 2) readonly buffer Idx { float idx[]; };

layout(push_constant) uniform PC {
    uint total; // planes * H * W
    uint H, W, OH, OW, KH, KW, SH, SW, PH, PW;
} pc;

void main() {
    uint i = flatIndex();
    if (i >= pc.total) return;
    uint w = i % pc.W, h = (i / pc.W) % pc.H, plane = i / (pc.W * pc.H);
    uint k = h * pc.W + w;
    // Outputs whose window [o*S - P, o*S - P + K) contains h.
    int hlo = int(h + pc.PH) - int(pc.KH) + 1, wlo = int(w + pc.PW) - int(pc.KW) + 1;
    uint oh0 = hlo <= 0 ? 0u : (uint(hlo) + pc.SH - 1u) / pc.SH;
    uint ow0 = wlo <= 0 ? 0u : (uint(wlo) + pc.SW - 1u) / pc.SW;
    uint oh1 = min((h + pc.PH) / pc.SH + 1u, pc.OH), ow1 = min((w + pc.PW) / pc.SW + 1u, pc.OW);
    float s = 0.0;
    for (uint oh = oh0; oh < oh1; ++oh) {
        for (uint ow = ow0; ow < ow1; ++ow) {
            uint o = (plane * pc.OH + oh) * pc.OW + ow;
            if (MAX == 1u) {
                if (uint(idx[o]) == k) s += dy[o];
            } else {
                int h0 = int(oh * pc.SH) - int(pc.PH), w0 = int(ow * pc.SW) - int(pc.PW);
                int h1 = min(h0 + int(pc.KH), int(pc.H)), w1 = min(w0 + int(pc.KW), int(pc.W));
                int hp1 = min(h0 + int(pc.KH), int(pc.H + pc.PH)), wp1 = min(w0 + int(pc.KW), int(pc.W + pc.PW));
                int div = INCLUDE_PAD == 1u ? (hp1 - h0) * (wp1 - w0) : (h1 - max(h0, 0)) * (w1 - max(w0, 0));
                s += dy[o] / float(div);
            }
        }
    }
    dx[i] = s;
}
