#version 450
// dst (strided) = op(x (strided)); with op = identity it is the strided copy.
#define MAXRANK 6
#include "common.glsl"
#include "strided.glsl"

layout(constant_id = 1) const uint OP = 0u;

layout(std430, binding = 0) writeonly buffer Dst { float dst[]; };
layout(std430, binding = 1) readonly buffer X { float x[]; };

layout(push_constant) uniform PC {
    uint n;
    uint rank;
    uint shape[MAXRANK];
    uint dOff;
    uint dStride[MAXRANK];
    uint xOff;
    uint xStride[MAXRANK];
    float alpha;
} pc;

void main() {
    uint i = flatIndex();
    if (i >= pc.n) return;
    uint d = stridedOffset(i, pc.rank, pc.shape, pc.dOff, pc.dStride);
    uint s = stridedOffset(i, pc.rank, pc.shape, pc.xOff, pc.xStride);
    dst[d] = unaryOp(OP, x[s], pc.alpha);
}
