#version 450
// dx (contiguous) = dy * op'(z), z and dy strided.
#define MAXRANK 6
#include "common.glsl"
#include "strided.glsl"

layout(constant_id = 1) const uint OP = 0u;

layout(std430, binding = 0) writeonly buffer DX { float dx[]; };
layout(std430, binding = 1) readonly buffer Z { float z[]; };
layout(std430, binding = 2) readonly buffer DY { float dy[]; };

layout(push_constant) uniform PC {
    uint n;
    uint rank;
    uint shape[MAXRANK];
    uint dOff;
    uint zOff;
    uint zStride[MAXRANK];
    uint gOff;
    uint gStride[MAXRANK];
    float alpha;
} pc;

void main() {
    uint i = flatIndex();
    if (i >= pc.n) return;
    float zv = z[stridedOffset(i, pc.rank, pc.shape, pc.zOff, pc.zStride)];
    float g = dy[stridedOffset(i, pc.rank, pc.shape, pc.gOff, pc.gStride)];
    dx[pc.dOff + i] = unaryGrad(OP, zv, g, pc.alpha);
}
