#version 450
// dst[o, j, i] = Σ src[o, j', i] over j' <= j (j' >= j with REVERSE): one
// invocation per (o, i) walks its axis in order.
#include "common.glsl"

layout(constant_id = 1) const uint REVERSE = 0u;

layout(std430, binding = 0) writeonly buffer Dst { float dst[]; };
layout(std430, binding = 1) readonly buffer Src { float src[]; };

layout(push_constant) uniform PC { uint outer; uint n; uint inner; } pc;

void main() {
    uint r = flatIndex();
    if (r >= pc.outer * pc.inner) return;
    uint o = r / pc.inner, i = r % pc.inner;
    float s = 0.0;
    for (uint q = 0u; q < pc.n; ++q) {
        uint j = REVERSE == 1u ? pc.n - 1u - q : q;
        uint k = (o * pc.n + j) * pc.inner + i;
        s += src[k];
        dst[k] = s;
    }
}
