// Shared by the fused attention kernels: the push constants, the
// specialization constants and the score's mask and dropout. Problem b's
// q is [L, D], k [S, D], v [S, DV], out and dout [L, DV], all contiguous;
// the mask is a strided [Batch, L, S] view; stats holds (lse, delta) per
// query row for the backward kernels.
#include "common.glsl"
#include "philox.glsl"

// MAXD bounds D and DV (the private arrays); TILE is the number of rows of
// a shared-memory tile (keys forwards, keys or queries backwards).
layout(constant_id = 1) const uint MAXD = 64u;
layout(constant_id = 2) const uint TILE = 32u;
layout(constant_id = 3) const uint CAUSAL = 0u;
layout(constant_id = 4) const uint HAS_MASK = 0u;
layout(constant_id = 5) const uint DROPOUT = 0u;

layout(push_constant) uniform PC {
    uint batch, L, S, D, DV;
    float scale;
    uint maskOff, maskB, maskL, maskS;
    uint seedLo, seedHi, offLo, offHi;
    float keep; // 1 - dropout probability
} pc;

// maskAt is the additive mask of (b, i, j), 0 without one.
float maskAt(uint b, uint i, uint j);

// dropKeep is the dropout factor of weight (b, i, j): 0 or 1/keep.
float dropKeep(uint b, uint i, uint j) {
    if (DROPOUT == 0u) return 1.0;
    uvec4 r = draw(uvec2(pc.seedLo, pc.seedHi), uvec2(pc.offLo, pc.offHi), (b * pc.L + i) * pc.S + j);
    return unit(r.x) < pc.keep ? 1.0 / pc.keep : 0.0;
}

// seen reports whether query i sees key j under the causal mask.
bool seen(uint i, uint j) { return CAUSAL == 0u || j <= i; }
