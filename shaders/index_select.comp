#version 450
// dst[o, j, :] = src[o, idx[j], :] for src [outer, n, inner] and m
// indices (float32 integers); a bad index gives NaN and a status report.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Dst { float dst[]; };
layout(std430, binding = 1) buffer Status { uint status[]; };
#include "status.glsl"
layout(std430, binding = 2) readonly buffer Src { float src[]; };
layout(std430, binding = 3) readonly buffer Idx { float idx[]; };

layout(push_constant) uniform PC { uint outer; uint n; uint inner; uint m; } pc;

void main() {
    uint e = flatIndex();
    if (e >= pc.outer * pc.m * pc.inner) return;
    uint i = e % pc.inner, r = e / pc.inner;
    uint j = r % pc.m, o = r / pc.m;
    float v = idx[j];
    if (v >= 0.0 && v < float(pc.n) && floor(v) == v) {
        dst[e] = src[(o * pc.n + uint(v)) * pc.inner + i];
    } else {
        dst[e] = NAN;
        if (o == 0u && i == 0u) reportBad(STATUS_INDEX, j, v, pc.n);
    }
}
