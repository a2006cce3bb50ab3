#version 450
// Tiled SGEMM: C = act(alpha * op(A) op(B) + beta * C + bias), batched
// through gl_WorkGroupID.z. A workgroup of (BM/TM) x (BN/TN) invocations
// computes a BM x BN tile of C, each invocation a TM x TN block held in
// registers, walking K in steps of BK through shared memory.
//
// The next K step's tiles are loaded from global memory into registers
// while the current ones are multiplied (register prefetch), then stored
// into shared memory: with STAGES = 2 into a second buffer, so that one
// barrier per step suffices (double buffering; the host picks it where
// shared memory holds two tiles). An invocation's TM rows and TN columns
// are interleaved in blocks of four (rows 4·ty, 4·ty + BM/TM·4, ...), so
// that neighbouring invocations read neighbouring vec4s of shared memory
// (no bank conflicts) and write neighbouring vec4s of C.
//
// Global memory is read four consecutive floats at a time, as vec4 where
// the operand's offset and leading dimension are multiples of 4. Tile
// sizes, transposes, bias and activation are specialization constants; any
// M, N, K work (edges are zero-filled), and operands may start at any
// offset.
#extension GL_EXT_control_flow_attributes : enable

// common.glsl declares the workgroup size, (BM/TM) * (BN/TN), as
// constant 0, and the activations (unaryOp) the elementwise shaders apply.
#include "common.glsl"
layout(constant_id = 1) const uint BM = 64u;
layout(constant_id = 2) const uint BN = 64u;
layout(constant_id = 3) const uint BK = 16u;
layout(constant_id = 4) const uint TM = 4u;
layout(constant_id = 5) const uint TN = 4u;
layout(constant_id = 6) const uint TRANS_A = 0u;
layout(constant_id = 7) const uint TRANS_B = 0u;
layout(constant_id = 8) const uint HAS_BIAS = 0u; // 1: one per column, 2: one per row
layout(constant_id = 9) const uint ACT = 0u; // a device.UnaryOp: any of them
layout(constant_id = 10) const uint HAS_BETA = 0u;
layout(constant_id = 11) const uint STAGES = 1u; // 2: double-buffered shared memory

const uint WG = (BM / TM) * (BN / TN);
const uint AV = BM * BK / 4u; // vec4s of an A tile
const uint BV = BK * BN / 4u;
const uint LA = (AV + WG - 1u) / WG; // an invocation's share of them
const uint LB = (BV + WG - 1u) / WG;

layout(std430, binding = 0) buffer Cb { float c[]; };
layout(std430, binding = 1) readonly buffer Ab { float a[]; };
layout(std430, binding = 1) readonly buffer Ab4 { vec4 a4[]; };
layout(std430, binding = 2) readonly buffer Bb { float b[]; };
layout(std430, binding = 2) readonly buffer Bb4 { vec4 b4[]; };
layout(std430, binding = 3) readonly buffer Biasb { float bias[]; };

layout(push_constant) uniform PC {
    uint M, N, K;
    uint lda, ldb, ldc;
    uint offA, offB, offC;
    uint strideA, strideB, strideC;
    float alpha, beta;
    uint biasOff;
    float actAlpha;
    uint batchBase;
} pc;

// As[stage][k][m] and Bs[stage][k][n], four consecutive m (or n) per vec4.
shared vec4 As[STAGES * AV];
shared vec4 Bs[STAGES * BV];

// The next tiles, in registers between their load and their store.
vec4 ra[LA];
vec4 rb[LB];


uint aBase, bBase;
bool aVec, bVec;
uint m0, n0;

// The element a vec4 load e of an A tile starts at: along k when A is
// stored M x K, along m when it is stored K x M (transposed).
void aPos(uint e, out uint m, out uint k) {
    if (TRANS_A == 1u) { m = 4u * (e % (BM / 4u)); k = e / (BM / 4u); } else { k = 4u * (e % (BK / 4u)); m = e / (BK / 4u); }
}

// And of a B tile: along n when B is stored K x N, along k when it is
// stored N x K (transposed).
void bPos(uint e, out uint n, out uint k) {
    if (TRANS_B == 1u) { k = 4u * (e % (BK / 4u)); n = e / (BK / 4u); } else { n = 4u * (e % (BN / 4u)); k = e / (BN / 4u); }
}

vec4 fetchA(uint e, uint k0) {
    uint m, k;
    aPos(e, m, k);
    uint gm = m0 + m, gk = k0 + k;
    vec4 v = vec4(0.0);
    if (TRANS_A == 1u) {
        if (gk < pc.K) {
            uint base = aBase + gk * pc.lda + gm;
            if (aVec && gm + 3u < pc.M) {
                v = a4[base >> 2];
            } else {
                for (uint q = 0u; q < 4u; ++q) if (gm + q < pc.M) v[q] = a[base + q];
            }
        }
    } else if (gm < pc.M) {
        uint base = aBase + gm * pc.lda + gk;
        if (aVec && gk + 3u < pc.K) {
            v = a4[base >> 2];
        } else {
            for (uint q = 0u; q < 4u; ++q) if (gk + q < pc.K) v[q] = a[base + q];
        }
    }
    return v;
}

vec4 fetchB(uint e, uint k0) {
    uint n, k;
    bPos(e, n, k);
    uint gn = n0 + n, gk = k0 + k;
    vec4 v = vec4(0.0);
    if (TRANS_B == 1u) {
        if (gn < pc.N) {
            uint base = bBase + gn * pc.ldb + gk;
            if (bVec && gk + 3u < pc.K) {
                v = b4[base >> 2];
            } else {
                for (uint q = 0u; q < 4u; ++q) if (gk + q < pc.K) v[q] = b[base + q];
            }
        }
    } else if (gk < pc.K) {
        uint base = bBase + gk * pc.ldb + gn;
        if (bVec && gn + 3u < pc.N) {
            v = b4[base >> 2];
        } else {
            for (uint q = 0u; q < 4u; ++q) if (gn + q < pc.N) v[q] = b[base + q];
        }
    }
    return v;
}

// load fetches the tiles at k0 into the registers.
void load(uint tid, uint k0) {
    [[unroll]] for (uint i = 0u; i < LA; ++i) {
        uint e = tid + i * WG;
        if (e < AV) ra[i] = fetchA(e, k0);
    }
    [[unroll]] for (uint i = 0u; i < LB; ++i) {
        uint e = tid + i * WG;
        if (e < BV) rb[i] = fetchB(e, k0);
    }
}

// store writes the registers' tiles into shared buffer s.
void store(uint tid, uint s) {
    [[unroll]] for (uint i = 0u; i < LA; ++i) {
        uint e = tid + i * WG;
        if (e >= AV) break;
        uint m, k;
        aPos(e, m, k);
        if (TRANS_A == 1u) {
            As[s * AV + ((k * BM + m) >> 2)] = ra[i];
        } else {
            for (uint q = 0u; q < 4u; ++q) As[s * AV + (((k + q) * BM + m) >> 2)][m & 3u] = ra[i][q];
        }
    }
    [[unroll]] for (uint i = 0u; i < LB; ++i) {
        uint e = tid + i * WG;
        if (e >= BV) break;
        uint n, k;
        bPos(e, n, k);
        if (TRANS_B == 1u) {
            for (uint q = 0u; q < 4u; ++q) Bs[s * BV + (((k + q) * BN + n) >> 2)][n & 3u] = rb[i][q];
        } else {
            Bs[s * BV + ((k * BN + n) >> 2)] = rb[i];
        }
    }
}

void main() {
    uint tid = gl_LocalInvocationID.x;
    uint tx = tid % (BN / TN), ty = tid / (BN / TN);
    m0 = gl_WorkGroupID.y * BM;
    n0 = gl_WorkGroupID.x * BN;
    uint batch = gl_WorkGroupID.z + pc.batchBase;
    aBase = pc.offA + batch * pc.strideA;
    bBase = pc.offB + batch * pc.strideB;
    uint cBase = pc.offC + batch * pc.strideC;
    // vec4 loads need 16-byte aligned rows.
    aVec = ((aBase | pc.lda) & 3u) == 0u;
    bVec = ((bBase | pc.ldb) & 3u) == 0u;

    // acc[(4p + i) * TN/4 + q][j] is row 4(ty + p·BM/TM) + i, column
    // 4(tx + q·BN/TN) + j of the tile.
    vec4 acc[TM * TN / 4u];
    [[unroll]] for (uint i = 0u; i < TM * TN / 4u; ++i) acc[i] = vec4(0.0);

    uint tiles = (pc.K + BK - 1u) / BK;
    if (tiles > 0u) {
        load(tid, 0u);
        store(tid, 0u);
    }
    barrier();
    for (uint t = 0u; t < tiles; ++t) {
        uint cur = STAGES == 2u ? (t & 1u) : 0u;
        bool more = t + 1u < tiles;
        if (more) load(tid, (t + 1u) * BK); // in flight during the products
        [[unroll]] for (uint k = 0u; k < BK; ++k) {
            vec4 av[TM / 4u], bv[TN / 4u];
            [[unroll]] for (uint p = 0u; p < TM / 4u; ++p) av[p] = As[cur * AV + k * (BM / 4u) + ty + p * (BM / TM)];
            [[unroll]] for (uint q = 0u; q < TN / 4u; ++q) bv[q] = Bs[cur * BV + k * (BN / 4u) + tx + q * (BN / TN)];
            [[unroll]] for (uint p = 0u; p < TM / 4u; ++p) {
                [[unroll]] for (uint q = 0u; q < TN / 4u; ++q) {
                    acc[(4u * p + 0u) * (TN / 4u) + q] += av[p].x * bv[q];
                    acc[(4u * p + 1u) * (TN / 4u) + q] += av[p].y * bv[q];
                    acc[(4u * p + 2u) * (TN / 4u) + q] += av[p].z * bv[q];
                    acc[(4u * p + 3u) * (TN / 4u) + q] += av[p].w * bv[q];
                }
            }
        }
        if (more) {
            if (STAGES == 1u) barrier(); // everyone is done with the one buffer
            store(tid, STAGES == 2u ? cur ^ 1u : 0u);
        }
        barrier();
    }

    [[unroll]] for (uint p = 0u; p < TM / 4u; ++p) {
        [[unroll]] for (uint i = 0u; i < 4u; ++i) {
            uint gm = m0 + 4u * (ty + p * (BM / TM)) + i;
            if (gm >= pc.M) continue;
            [[unroll]] for (uint q = 0u; q < TN / 4u; ++q) {
                [[unroll]] for (uint j = 0u; j < 4u; ++j) {
                    uint gn = n0 + 4u * (tx + q * (BN / TN)) + j;
                    if (gn >= pc.N) continue;
                    uint ci = cBase + gm * pc.ldc + gn;
                    float v = pc.alpha * acc[(4u * p + i) * (TN / 4u) + q][j];
                    if (HAS_BETA == 1u) v += pc.beta * c[ci];
                    if (HAS_BIAS == 1u) v += bias[pc.biasOff + gn];
                    if (HAS_BIAS == 2u) v += bias[pc.biasOff + gm];
                    c[ci] = unaryOp(ACT, v, pc.actAlpha);
                }
            }
        }
    }
}
