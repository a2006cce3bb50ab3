#version 450
// dst (contiguous) = cond != 0 ? a : b, all three strided.
#define MAXRANK 5
#include "common.glsl"
#include "strided.glsl"

layout(std430, binding = 0) writeonly buffer Dst { float dst[]; };
layout(std430, binding = 1) readonly buffer C { float c[]; };
layout(std430, binding = 2) readonly buffer A { float a[]; };
layout(std430, binding = 3) readonly buffer B { float b[]; };

layout(push_constant) uniform PC {
    uint n;
    uint rank;
    uint shape[MAXRANK];
    uint dOff;
    uint cOff;
    uint cStride[MAXRANK];
    uint aOff;
    uint aStride[MAXRANK];
    uint bOff;
    uint bStride[MAXRANK];
} pc;

void main() {
    uint i = flatIndex();
    if (i >= pc.n) return;
    float cv = c[stridedOffset(i, pc.rank, pc.shape, pc.cOff, pc.cStride)];
    dst[pc.dOff + i] = cv != 0.0 ? a[stridedOffset(i, pc.rank, pc.shape, pc.aOff, pc.aStride)]
                       : b[stridedOffset(i, pc.rank, pc.shape, pc.bOff, pc.bStride)];
}
