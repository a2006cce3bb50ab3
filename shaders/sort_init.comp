#version 450
// Sort, step 1: copy each column of src [outer, n, inner] into a row of
// the padded key/position table [outer*inner, p], positions from n on
// marking padding.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Keys { float keys[]; };
layout(std430, binding = 1) writeonly buffer Pos { uint pos[]; };
layout(std430, binding = 2) readonly buffer Src { float src[]; };

layout(push_constant) uniform PC { uint outer; uint n; uint inner; uint p; } pc;

void main() {
    uint e = flatIndex();
    if (e >= pc.outer * pc.inner * pc.p) return;
    uint j = e % pc.p, r = e / pc.p;
    uint i = r % pc.inner, o = r / pc.inner;
    keys[e] = j < pc.n ? src[(o * pc.n + j) * pc.inner + i] : 0.0;
    pos[e] = j;
}
