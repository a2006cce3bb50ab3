#version 450
// Fused attention forwards: each invocation owns one query row (its q and
// output accumulator in registers), the workgroup loads a tile of TILE keys
// and values into shared memory at a time, and an online softmax keeps the
// row's running maximum and sum, so no score matrix is stored.
#include "attention.glsl"

layout(std430, binding = 0) writeonly buffer Out { float o_[]; };
layout(std430, binding = 1) writeonly buffer Lse { float lse[]; };
layout(std430, binding = 2) readonly buffer Q { float q_[]; };
layout(std430, binding = 3) readonly buffer K { float k_[]; };
layout(std430, binding = 4) readonly buffer V { float v_[]; };
layout(std430, binding = 5) readonly buffer M { float mask[]; };

float maskAt(uint b, uint i, uint j) {
    return HAS_MASK == 1u ? mask[pc.maskOff + b * pc.maskB + i * pc.maskL + j * pc.maskS] : 0.0;
}

shared float ks[TILE * MAXD];
shared float vs[TILE * MAXD];

void main() {
    uint rowsPerGroup = gl_WorkGroupSize.x;
    uint groupsPerProblem = (pc.L + rowsPerGroup - 1u) / rowsPerGroup;
    uint g = groupIndex();
    uint b = g / groupsPerProblem;
    if (b >= pc.batch) return; // whole workgroups only
    uint lid = gl_LocalInvocationID.x;
    uint first = (g % groupsPerProblem) * rowsPerGroup;
    uint i = first + lid;
    bool live = i < pc.L;
    float q[MAXD];
    float acc[MAXD];
    for (uint t = 0u; t < pc.D; ++t) q[t] = live ? q_[(b * pc.L + i) * pc.D + t] : 0.0;
    for (uint t = 0u; t < pc.DV; ++t) acc[t] = 0.0;
    float m = -INF, l = 0.0;
    uint last = min(pc.L, first + rowsPerGroup) - 1u; // the group's last row
    uint keys = CAUSAL == 1u ? min(pc.S, last + 1u) : pc.S;
    for (uint t0 = 0u; t0 < keys; t0 += TILE) {
        uint n = min(TILE, keys - t0);
        barrier();
        for (uint e = lid; e < n * pc.D; e += rowsPerGroup) ks[e] = k_[(b * pc.S + t0) * pc.D + e];
        for (uint e = lid; e < n * pc.DV; e += rowsPerGroup) vs[e] = v_[(b * pc.S + t0) * pc.DV + e];
        barrier();
        if (!live) continue;
        for (uint jj = 0u; jj < n; ++jj) {
            uint j = t0 + jj;
            if (!seen(i, j)) break;
            float s = 0.0;
            for (uint t = 0u; t < pc.D; ++t) s += q[t] * ks[jj * pc.D + t];
            s = s * pc.scale + maskAt(b, i, j);
            if (s == -INF) continue;
            if (s > m) {
                float c = exp(m - s);
                l *= c;
                for (uint t = 0u; t < pc.DV; ++t) acc[t] *= c;
                m = s;
            }
            float p = exp(s - m);
            l += p;
            float w = p * dropKeep(b, i, j);
            if (w != 0.0) {
                for (uint t = 0u; t < pc.DV; ++t) acc[t] += w * vs[jj * pc.DV + t];
            }
        }
    }
    if (!live) return;
    bool none = m == -INF;
    for (uint t = 0u; t < pc.DV; ++t) o_[(b * pc.L + i) * pc.DV + t] = none ? NAN : acc[t] / l;
    lse[b * pc.L + i] = none ? NAN : m + log(l);
}
