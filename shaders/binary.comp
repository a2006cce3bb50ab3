#version 450
// dst (contiguous) = op(a, b), a and b strided (broadcasting by stride 0).
// SCALAR = 1: b is the push constant s; SCALAR = 2: a is s.
#define MAXRANK 6
#include "common.glsl"
#include "strided.glsl"

layout(constant_id = 1) const uint OP = 0u;
layout(constant_id = 2) const uint SCALAR = 0u;

layout(std430, binding = 0) writeonly buffer Dst { float dst[]; };
layout(std430, binding = 1) readonly buffer A { float a[]; };
layout(std430, binding = 2) readonly buffer B { float b[]; };

layout(push_constant) uniform PC {
    uint n;
    uint rank;
    uint shape[MAXRANK];
    uint dOff;
    uint aOff;
    uint aStride[MAXRANK];
    uint bOff;
    uint bStride[MAXRANK];
    float s;
} pc;

void main() {
    uint i = flatIndex();
    if (i >= pc.n) return;
    float av = a[stridedOffset(i, pc.rank, pc.shape, pc.aOff, pc.aStride)];
    float bv = pc.s;
    if (SCALAR == 0u) {
        bv = b[stridedOffset(i, pc.rank, pc.shape, pc.bOff, pc.bStride)];
    } else if (SCALAR == 2u) {
        bv = av;
        av = pc.s;
    }
    dst[pc.dOff + i] = binaryOp(OP, av, bv);
}
