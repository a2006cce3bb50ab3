#version 450
// IndexAdd, step 2: offsets[k] = Σ counts[<k], offsets[n] = the total; one
// workgroup walks the counts a workgroup-width at a time, scanning each
// piece in shared memory.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Offsets { uint offsets[]; };
layout(std430, binding = 1) readonly buffer Counts { uint counts[]; };

layout(push_constant) uniform PC { uint n; } pc;

shared uint part[gl_WorkGroupSize.x];

void main() {
    uint lid = gl_LocalInvocationID.x;
    uint carry = 0u;
    for (uint base = 0u; base < pc.n; base += gl_WorkGroupSize.x) {
        uint k = base + lid;
        uint c = k < pc.n ? counts[k] : 0u;
        part[lid] = c;
        barrier();
        // Hillis-Steele inclusive scan of the piece.
        for (uint d = 1u; d < gl_WorkGroupSize.x; d <<= 1) {
            uint add = lid >= d ? part[lid - d] : 0u;
            barrier();
            part[lid] += add;
            barrier();
        }
        if (k < pc.n) offsets[k] = carry + part[lid] - c;
        carry += part[gl_WorkGroupSize.x - 1u];
        barrier();
    }
    if (lid == 0u) offsets[pc.n] = carry;
}
