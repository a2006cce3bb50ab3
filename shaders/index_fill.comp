#version 450
// IndexAdd, step 3: each index's position goes into its segment of order
// (offsets from step 2; the order within a segment is fixed in step 4).
#include "common.glsl"
#include "index.glsl"

layout(std430, binding = 0) writeonly buffer Order { uint order[]; };
layout(std430, binding = 1) buffer Cursor { uint cursor[]; };
layout(std430, binding = 2) readonly buffer Offsets { uint offsets[]; };
layout(std430, binding = 3) readonly buffer Idx { float idx[]; };

layout(push_constant) uniform PC { uint m; uint n; int skip; } pc;

void main() {
    uint j = flatIndex();
    if (j >= pc.m) return;
    uint k = targetOf(idx[j], pc.n, pc.skip);
    if (k != 0xffffffffu) order[offsets[k] + atomicAdd(cursor[k], 1u)] = j;
}
