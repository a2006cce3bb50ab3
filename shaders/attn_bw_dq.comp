#version 450
// Fused attention backwards, the queries' gradient: each invocation owns
// one query row (q, dout and the dq accumulator in registers) and walks
// the keys tile by tile from shared memory, recomputing each probability
// from the row's lse: dq = scale · Σ_j p_j (dp_j − delta) k_j.
#include "attention.glsl"

layout(std430, binding = 0) writeonly buffer DQ { float dq[]; };
layout(std430, binding = 1) readonly buffer DOut { float dout[]; };
layout(std430, binding = 2) readonly buffer Stats { float stats[]; };
layout(std430, binding = 3) readonly buffer Q { float q_[]; };
layout(std430, binding = 4) readonly buffer K { float k_[]; };
layout(std430, binding = 5) readonly buffer V { float v_[]; };
layout(std430, binding = 6) readonly buffer M { float mask[]; };

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
    if (b >= pc.batch) return;
    uint lid = gl_LocalInvocationID.x;
    uint first = (g % groupsPerProblem) * rowsPerGroup;
    uint i = first + lid;
    uint r = b * pc.L + i;
    bool live = i < pc.L;
    float lse = live ? stats[2u * r] : NAN;
    float delta = live ? stats[2u * r + 1u] : 0.0;
    live = live && !isnan(lse); // a row that saw no key has no gradient
    float q[MAXD];
    float go[MAXD];
    float acc[MAXD];
    for (uint t = 0u; t < pc.D; ++t) {
        q[t] = live ? q_[r * pc.D + t] : 0.0;
        acc[t] = 0.0;
    }
    for (uint t = 0u; t < pc.DV; ++t) go[t] = live ? dout[r * pc.DV + t] : 0.0;
    uint last = min(pc.L, first + rowsPerGroup) - 1u;
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
            float p = exp(s - lse);
            if (!(p > 0.0)) continue;
            float dp = 0.0;
            for (uint t = 0u; t < pc.DV; ++t) dp += go[t] * vs[jj * pc.DV + t];
            float ds = p * (dp * dropKeep(b, i, j) - delta) * pc.scale;
            for (uint t = 0u; t < pc.D; ++t) acc[t] += ds * ks[jj * pc.D + t];
        }
    }
    if (i >= pc.L) return;
    for (uint t = 0u; t < pc.D; ++t) dq[r * pc.D + t] = acc[t];
}
