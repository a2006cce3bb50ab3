#version 450
// IndexAdd, step 4: each segment of order sorted in increasing position,
// so that step 5 sums in the same order on every run and every device.
#include "common.glsl"

layout(std430, binding = 0) buffer Order { uint order[]; };
layout(std430, binding = 1) readonly buffer Offsets { uint offsets[]; };

layout(push_constant) uniform PC { uint n; } pc;

void main() {
    uint k = flatIndex();
    if (k >= pc.n) return;
    uint lo = offsets[k], hi = offsets[k + 1u];
    for (uint p = lo + 1u; p < hi; ++p) {
        uint v = order[p];
        uint q = p;
        while (q > lo && order[q - 1u] > v) {
            order[q] = order[q - 1u];
            --q;
        }
        order[q] = v;
    }
}
