#version 450
// Sort, step 3: the first k keys and positions of each sorted row become
// values and indices [outer, k, inner].
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Values { float values[]; };
layout(std430, binding = 1) writeonly buffer Indices { float indices[]; };
layout(std430, binding = 2) readonly buffer Keys { float keys[]; };
layout(std430, binding = 3) readonly buffer Pos { uint pos[]; };

layout(push_constant) uniform PC { uint outer; uint k; uint inner; uint p; } pc;

void main() {
    uint e = flatIndex();
    if (e >= pc.outer * pc.k * pc.inner) return;
    uint i = e % pc.inner, r = e / pc.inner;
    uint j = r % pc.k, o = r / pc.k;
    uint src = (o * pc.inner + i) * pc.p + j;
    values[e] = keys[src];
    indices[e] = float(pos[src]);
}
