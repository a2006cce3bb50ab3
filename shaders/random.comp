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

uvec4 philox(uvec2 key, uvec2 ctr) {
    uvec4 c = uvec4(ctr, 0u, 0u);
    for (int r = 0; r < 10; ++r) {
        uint hi0, lo0, hi1, lo1;
        umulExtended(0xD2511F53u, c.x, hi0, lo0);
        umulExtended(0xCD9E8D57u, c.z, hi1, lo1);
        c = uvec4(hi1 ^ c.y ^ key.x, lo1, hi0 ^ c.w ^ key.y, lo0);
        key += uvec2(0x9E3779B9u, 0xBB67AE85u);
    }
    return c;
}

float unit(uint x) { return float(x >> 8) * (1.0 / 16777216.0); }
float openUnit(uint x) { return (float(x >> 8) + 0.5) * (1.0 / 16777216.0); }

void main() {
    uint i = flatIndex();
    if (i >= pc.n) return;
    uint lo = pc.offLo + i;
    uint hi = pc.offHi + (lo < i ? 1u : 0u);
    uvec4 b = philox(uvec2(pc.seedLo, pc.seedHi), uvec2(lo, hi));
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
