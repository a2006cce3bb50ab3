#version 450
// dst[i] = start + i*step.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Dst { float dst[]; };
layout(push_constant) uniform PC { uint n; float start; float step; } pc;

void main() {
    uint i = flatIndex();
    if (i < pc.n) dst[i] = pc.start + float(i) * pc.step;
}
