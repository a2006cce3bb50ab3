#version 450
// Index of the largest (ARGMIN = 0) or smallest (1) element along one axis,
// the first on ties; NaN wins. One invocation per output.
#define MAXRANK 5
#include "common.glsl"
#include "strided.glsl"

layout(constant_id = 1) const uint ARGMIN = 0u;

layout(std430, binding = 0) writeonly buffer Dst { float dst[]; };
layout(std430, binding = 1) readonly buffer Src { float src[]; };

layout(push_constant) uniform PC {
    uint nOut;
    uint n;
    uint axisStride;
    uint keptRank;
    uint keptShape[MAXRANK];
    uint keptStride[MAXRANK];
    uint srcOff;
} pc;

void main() {
    uint o = flatIndex();
    if (o >= pc.nOut) return;
    uint base = stridedOffset(o, pc.keptRank, pc.keptShape, pc.srcOff, pc.keptStride);
    float best = src[base];
    uint bi = 0u;
    for (uint j = 1u; j < pc.n && !isnan(best); ++j) {
        float v = src[base + j * pc.axisStride];
        if (isnan(v) || (ARGMIN == 0u ? v > best : v < best)) {
            best = v;
            bi = j;
        }
    }
    dst[o] = float(bi);
}
