#version 450
// Scatter, in place: one invocation per column (o, i) walks j in
// increasing order and writes (or, with ACCUMULATE set, adds) src[o, j, i]
// into dst[o, idx[o, j, i], i]. Columns touch disjoint elements, so the
// result has the same bits every run without float atomics; a bad index
// is skipped and reported.
#include "common.glsl"

layout(constant_id = 1) const uint ACCUMULATE = 1u;

layout(std430, binding = 0) buffer Dst { float dst[]; };
layout(std430, binding = 1) buffer Status { uint status[]; };
#include "status.glsl"
layout(std430, binding = 2) readonly buffer Src { float src[]; };
layout(std430, binding = 3) readonly buffer Idx { float idx[]; };

layout(push_constant) uniform PC { uint outer; uint n; uint inner; uint m; } pc;

void main() {
    uint c = flatIndex();
    if (c >= pc.outer * pc.inner) return;
    uint i = c % pc.inner, o = c / pc.inner;
    for (uint j = 0u; j < pc.m; ++j) {
        uint e = (o * pc.m + j) * pc.inner + i;
        float v = idx[e];
        if (v >= 0.0 && v < float(pc.n) && floor(v) == v) {
            uint t = (o * pc.n + uint(v)) * pc.inner + i;
            dst[t] = ACCUMULATE != 0u ? dst[t] + src[e] : src[e];
        } else {
            reportBad(STATUS_SCATTER, e, v, pc.n);
        }
    }
}
