#version 450
// The naive SGEMM, one invocation per element of C = A B (row-major, no
// transposes): the baseline the tiled kernel's benchmarks are measured
// against.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Cb { float c[]; };
layout(std430, binding = 1) readonly buffer Ab { float a[]; };
layout(std430, binding = 2) readonly buffer Bb { float b[]; };

layout(push_constant) uniform PC { uint M, N, K; } pc;

void main() {
    uint i = flatIndex();
    if (i >= pc.M * pc.N) return;
    uint r = i / pc.N, col = i % pc.N;
    float s = 0.0;
    for (uint k = 0u; k < pc.K; ++k) s += a[r * pc.K + k] * b[k * pc.N + col];
    c[i] = s;
}
