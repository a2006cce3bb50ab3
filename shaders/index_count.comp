#version 450
// IndexAdd, step 1: counts[k] = how many indices name k (integer atomics:
// the counts are exact whatever the order).
#include "common.glsl"
#include "index.glsl"

layout(std430, binding = 0) buffer Counts { uint counts[]; };
layout(std430, binding = 1) readonly buffer Idx { float idx[]; };

layout(push_constant) uniform PC { uint m; uint n; int skip; } pc;

void main() {
    uint j = flatIndex();
    if (j >= pc.m) return;
    uint k = targetOf(idx[j], pc.n, pc.skip);
    if (k != 0xffffffffu) atomicAdd(counts[k], 1u);
}
