#version 450
// Counter-based random numbers: element i is a function of (seed, offset+i)
// through Philox4x32-10, as in package internal/philox (bit for bit for
// uniform draws and masks). MODE 0: uniform [p0, p1); 1: normal (mean p0,
// std p1); 2: p1 with probability p0, else 0.
#include "common.glsl"

layout(constant_id = 1) const uint MODE = 0u;

layout(std430, binding = 0) writeonly buffer Dst { float dst[]; };
layout(push_constant) uniform PC {
    uint n;
    uint seedLo, seedHi;
    uint offLo, offHi;
    float p0, p1;
} pc;

#include "philox.glsl"

void main() {
    uint i = flatIndex();
    if (i >= pc.n) return;
    uvec4 b = draw(uvec2(pc.seedLo, pc.seedHi), uvec2(pc.offLo, pc.offHi), i);
    float v;
    if (MODE == 0u) {
        v = pc.p0 + (pc.p1 - pc.p0) * unit(b.x);
    } else if (MODE == 1u) {
        float r = sqrt(-2.0 * log(openUnit(b.x)));
        v = pc.p0 + pc.p1 * r * cos(6.283185307179586 * unit(b.y));
    } else {
        v = unit(b.x) < pc.p0 ? pc.p1 : 0.0;
    }
    dst[i] = v;
}
