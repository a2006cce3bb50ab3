// Reduction over any axes, shared by reduce.comp (shared memory only) and
// reduce_sg.comp (subgroup operations first, where the device has them).
// The source view is split into kept and reduced axes (each at most 4
// after merging); workgroup g handles output g / SPLITS
// and part g % SPLITS of its reduced elements, with a strided loop per
// invocation and a tree across the workgroup. With one part per output the
// result (times scale, for mean) goes to dst[o]; with several, each part
// goes to dst[o*parts + part] and a second pass reduces those.
#define MAXRANK 4
#include "common.glsl"
#include "strided.glsl"

layout(constant_id = 1) const uint OP = 0u; // 0 sum, 2 max, 3 min (as device.ReduceOp; mean is sum)
// PER_THREAD = 1: one invocation per output walks all its elements (short
// reductions with many outputs, such as a bias gradient).
layout(constant_id = 2) const uint PER_THREAD = 0u;

layout(std430, binding = 0) writeonly buffer Dst { float dst[]; };
layout(std430, binding = 1) readonly buffer Src { float src[]; };

layout(push_constant) uniform PC {
    uint nOut;
    uint nRed;
    uint parts;
    uint chunk;
    uint keptRank;
    uint keptShape[MAXRANK];
    uint keptStride[MAXRANK];
    uint redRank;
    uint redShape[MAXRANK];
    uint redStride[MAXRANK];
    uint srcOff;
    float scale;
} pc;

shared float partial[gl_WorkGroupSize.x];

float identity() {
    return OP == 2u ? -INF : (OP == 3u ? INF : 0.0);
}

float combine(float acc, float v) {
    if (OP == 2u) return (isnan(v) || v > acc) ? v : acc;
    if (OP == 3u) return (isnan(v) || v < acc) ? v : acc;
    return acc + v;
}

void main() {
    if (PER_THREAD == 1u) {
        uint o = flatIndex();
        if (o >= pc.nOut) return;
        uint base = stridedOffset(o, pc.keptRank, pc.keptShape, pc.srcOff, pc.keptStride);
        float acc = identity();
        for (uint r = 0u; r < pc.nRed; ++r) {
            acc = combine(acc, src[stridedOffset(r, pc.redRank, pc.redShape, base, pc.redStride)]);
        }
        dst[o] = acc * pc.scale;
        return;
    }
    uint g = groupIndex();
    if (g >= pc.nOut * pc.parts) return;
    uint o = g / pc.parts, part = g % pc.parts;
    uint lid = gl_LocalInvocationID.x;
    uint base = stridedOffset(o, pc.keptRank, pc.keptShape, pc.srcOff, pc.keptStride);
    uint lo = part * pc.chunk, hi = min(lo + pc.chunk, pc.nRed);
    float acc = identity();
    for (uint r = lo + lid; r < hi; r += gl_WorkGroupSize.x) {
        acc = combine(acc, src[stridedOffset(r, pc.redRank, pc.redShape, base, pc.redStride)]);
    }
#ifdef SUBGROUP
    // Reduce within each subgroup first, then across the subgroups'
    // results in shared memory. Max and min propagate NaN by hand: the
    // subgroup operations leave NaN undefined.
    float r;
    if (OP == 0u) {
        r = subgroupAdd(acc);
    } else {
        bool nan = subgroupAny(isnan(acc));
        r = nan ? NAN : (OP == 2u ? subgroupMax(acc) : subgroupMin(acc));
    }
    if (subgroupElect()) partial[gl_SubgroupID] = r;
    barrier();
    for (uint s = gl_NumSubgroups / 2u; s > 0u; s >>= 1) {
        if (lid < s) partial[lid] = combine(partial[lid], partial[lid + s]);
        barrier();
    }
#else
    partial[lid] = acc;
    barrier();
    for (uint s = gl_WorkGroupSize.x / 2u; s > 0u; s >>= 1) {
        if (lid < s) partial[lid] = combine(partial[lid], partial[lid + s]);
        barrier();
    }
#endif
    if (lid == 0u) {
        dst[g] = pc.parts == 1u ? partial[0] * pc.scale : partial[0];
    }
}
