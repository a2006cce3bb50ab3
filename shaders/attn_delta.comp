#version 450
// The attention backward pass's per-row statistics: stats[2r] = lse[r] and
// stats[2r + 1] = dout[r] · out[r], one invocation per query row.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Stats { float stats[]; };
layout(std430, binding = 1) readonly buffer Lse { float lse[]; };
layout(std430, binding = 2) readonly buffer DOut { float dout[]; };
layout(std430, binding = 3) readonly buffer Out { float o_[]; };

layout(push_constant) uniform PC { uint rows; uint DV; } pc;

void main() {
    uint r = flatIndex();
    if (r >= pc.rows) return;
    float d = 0.0;
    for (uint t = 0u; t < pc.DV; ++t) d += dout[r * pc.DV + t] * o_[r * pc.DV + t];
    stats[2u * r] = lse[r];
    stats[2u * r + 1u] = d;
}
