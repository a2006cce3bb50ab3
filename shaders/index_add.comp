#version 450
// IndexAdd, step 5: dst[o, k, i] = Σ src[o, j, i] over the positions j of
// segment k of order, in increasing j.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Dst { float dst[]; };
layout(std430, binding = 1) readonly buffer Src { float src[]; };
layout(std430, binding = 2) readonly buffer Order { uint order[]; };
layout(std430, binding = 3) readonly buffer Offsets { uint offsets[]; };

layout(push_constant) uniform PC { uint outer; uint n; uint inner; uint m; } pc;

void main() {
    uint e = flatIndex();
    if (e >= pc.outer * pc.n * pc.inner) return;
    uint i = e % pc.inner, r = e / pc.inner;
    uint k = r % pc.n, o = r / pc.n;
    float s = 0.0;
    for (uint p = offsets[k]; p < offsets[k + 1u]; ++p) {
        s += src[(o * pc.m + order[p]) * pc.inner + i];
    }
    dst[e] = s;
}
