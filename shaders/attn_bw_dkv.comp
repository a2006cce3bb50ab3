#version 450
// Fused attention backwards, the keys' and values' gradients: each
// invocation owns one key row (k, v and the dk, dv accumulators in
// registers) and walks the queries tile by tile from shared memory (q,
// dout and their rows' lse and delta), recomputing each probability:
// dv = Σ_i p̃_ij dout_i and dk = scale · Σ_i p_ij (dp_ij − delta_i) q_i.
#include "attention.glsl"

layout(std430, binding = 0) writeonly buffer DK { float dk[]; };
layout(std430, binding = 1) writeonly buffer DV { float dv[]; };
layout(std430, binding = 2) readonly buffer DOut { float dout[]; };
layout(std430, binding = 3) readonly buffer Stats { float stats[]; };
layout(std430, binding = 4) readonly buffer Q { float q_[]; };
layout(std430, binding = 5) readonly buffer K { float k_[]; };
layout(std430, binding = 6) readonly buffer V { float v_[]; };
layout(std430, binding = 7) readonly buffer M { float mask[]; };

float maskAt(uint b, uint i, uint j) {
    return HAS_MASK == 1u ? mask[pc.maskOff + b * pc.maskB + i * pc.maskL + j * pc.maskS] : 0.0;
}

shared float qs[TILE * MAXD];
shared float gs[TILE * MAXD];
shared float st[2u * TILE];

void main() {
    uint rowsPerGroup = gl_WorkGroupSize.x;
    uint groupsPerProblem = (pc.S + rowsPerGroup - 1u) / rowsPerGroup;
    uint g = groupIndex();
    uint b = g / groupsPerProblem;
    if (b >= pc.batch) return;
    uint lid = gl_LocalInvocationID.x;
    uint first = (g % groupsPerProblem) * rowsPerGroup;
    uint j = first + lid;
    bool live = j < pc.S;
    float k[MAXD];
    float v[MAXD];
    float gk[MAXD];
    float gv[MAXD];
    for (uint t = 0u; t < pc.D; ++t) {
        k[t] = live ? k_[(b * pc.S + j) * pc.D + t] : 0.0;
        gk[t] = 0.0;
    }
    for (uint t = 0u; t < pc.DV; ++t) {
        v[t] = live ? v_[(b * pc.S + j) * pc.DV + t] : 0.0;
        gv[t] = 0.0;
    }
    // Causal: queries before the group's first key see none of its keys.
    uint start = CAUSAL == 1u ? min(first, pc.L) : 0u;
    for (uint i0 = (start / TILE) * TILE; i0 < pc.L; i0 += TILE) {
        uint n = min(TILE, pc.L - i0);
        barrier();
        for (uint e = lid; e < n * pc.D; e += rowsPerGroup) qs[e] = q_[(b * pc.L + i0) * pc.D + e];
        for (uint e = lid; e < n * pc.DV; e += rowsPerGroup) gs[e] = dout[(b * pc.L + i0) * pc.DV + e];
        for (uint e = lid; e < 2u * n; e += rowsPerGroup) st[e] = stats[2u * (b * pc.L + i0) + e];
        barrier();
        if (!live) continue;
        for (uint ii = 0u; ii < n; ++ii) {
            uint i = i0 + ii;
            if (!seen(i, j)) continue;
            float lse = st[2u * ii], delta = st[2u * ii + 1u];
            if (isnan(lse)) continue;
            float s = 0.0;
            for (uint t = 0u; t < pc.D; ++t) s += qs[ii * pc.D + t] * k[t];
            s = s * pc.scale + maskAt(b, i, j);
            float p = exp(s - lse);
            if (!(p > 0.0)) continue;
            float keep = dropKeep(b, i, j);
            float dp = 0.0;
            for (uint t = 0u; t < pc.DV; ++t) {
                dp += gs[ii * pc.DV + t] * v[t];
                gv[t] += p * keep * gs[ii * pc.DV + t];
            }
            float ds = p * (dp * keep - delta) * pc.scale;
            for (uint t = 0u; t < pc.D; ++t) gk[t] += ds * qs[ii * pc.D + t];
        }
    }
    if (!live) return;
    for (uint t = 0u; t < pc.D; ++t) dk[(b * pc.S + j) * pc.D + t] = gk[t];
    for (uint t = 0u; t < pc.DV; ++t) dv[(b * pc.S + j) * pc.DV + t] = gv[t];
}
