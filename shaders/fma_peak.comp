#version 450
// A chain of fused multiply-adds on eight independent vec4 accumulators per
// invocation: a measure of the device's fp32 peak (16 FLOP per vec4 FMA
// pair of a multiply and an add; ITER iterations of 8 vec4 FMAs each is
// 64*ITER FLOP per invocation).
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Dst { float dst[]; };
layout(push_constant) uniform PC { uint iters; float a; float b; } pc;

void main() {
    uint i = flatIndex();
    vec4 x0 = vec4(float(i)), x1 = x0 + 1.0, x2 = x0 + 2.0, x3 = x0 + 3.0;
    vec4 x4 = x0 + 4.0, x5 = x0 + 5.0, x6 = x0 + 6.0, x7 = x0 + 7.0;
    for (uint k = 0u; k < pc.iters; ++k) {
        x0 = fma(x0, vec4(pc.a), vec4(pc.b));
        x1 = fma(x1, vec4(pc.a), vec4(pc.b));
        x2 = fma(x2, vec4(pc.a), vec4(pc.b));
        x3 = fma(x3, vec4(pc.a), vec4(pc.b));
        x4 = fma(x4, vec4(pc.a), vec4(pc.b));
        x5 = fma(x5, vec4(pc.a), vec4(pc.b));
        x6 = fma(x6, vec4(pc.a), vec4(pc.b));
        x7 = fma(x7, vec4(pc.a), vec4(pc.b));
    }
    vec4 s = x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7;
    dst[i] = s.x + s.y + s.z + s.w;
}
