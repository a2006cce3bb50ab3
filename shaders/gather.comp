#version 450
// Gather: dst[o, j, i] = src[o, idx[o, j, i], i] for src [outer, n, inner]
// and idx, dst [outer, m, inner]; a bad index gives NaN and a status
// report.
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
    uint i = e % pc.inner, o = e / (pc.m * pc.inner);
    float v = idx[e];
    if (v >= 0.0 && v < float(pc.n) && floor(v) == v) {
        dst[e] = src[(o * pc.n + uint(v)) * pc.inner + i];
    } else {
        dst[e] = NAN;
        reportBad(STATUS_GATHER, e, v, pc.n);
    }
}
