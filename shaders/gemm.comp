#version 450
// Tiled SGEMM: C = act(alpha * op(A) op(B) + beta * C + bias), batched
// through gl_WorkGroupID.z. A workgroup of (BM/TM) x (BN/TN) invocations
// computes a BM x BN tile of C, each invocation a TM x TN block held in
// registers and read from shared memory as vec4s (TM and TN are multiples
// of 4), walking K in steps of BK through shared memory. Global memory is
// read four consecutive floats at a time, as vec4 where the operand's
// offset and leading dimension are multiples of 4. Tile sizes,
// transposes, bias and activation are specialization constants; any M, N, K
// work (edges are zero-filled), and operands may start at any offset.
#extension GL_EXT_control_flow_attributes : enable

layout(local_size_x_id = 0) in; // (BM/TM) * (BN/TN)
layout(constant_id = 1) const uint BM = 64u;
layout(constant_id = 2) const uint BN = 64u;
layout(constant_id = 3) const uint BK = 16u;
layout(constant_id = 4) const uint TM = 4u;
layout(constant_id = 5) const uint TN = 4u;
layout(constant_id = 6) const uint TRANS_A = 0u;
layout(constant_id = 7) const uint TRANS_B = 0u;
layout(constant_id = 8) const uint HAS_BIAS = 0u; // 1: one per column, 2: one per row
layout(constant_id = 9) const uint ACT = 0u; // a device.UnaryOp
layout(constant_id = 10) const uint HAS_BETA = 0u;

#define NAN uintBitsToFloat(0x7fc00000u)

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

// As[k][m] and Bs[k][n], four consecutive m (or n) per vec4.
shared vec4 As[BK * BM / 4u];
shared vec4 Bs[BK * BN / 4u];

float act(float x) {
    switch (ACT) {
    case 0u: return x;
    case 7u: return x > 0.0 || isnan(x) ? x : 0.0;
    case 8u: return x > 0.0 ? x : pc.actAlpha * x;
    case 9u: return 1.0 / (1.0 + exp(-x));
    case 10u: { float t = exp(-2.0 * abs(x)); return sign(x) * (1.0 - t) / (1.0 + t); }
    }
    return NAN;
}

void main() {
    const uint WG = (BM / TM) * (BN / TN);
    uint tid = gl_LocalInvocationID.x;
    uint tx = tid % (BN / TN), ty = tid / (BN / TN);
    uint m0 = gl_WorkGroupID.y * BM, n0 = gl_WorkGroupID.x * BN;
    uint batch = gl_WorkGroupID.z + pc.batchBase;
    uint aBase = pc.offA + batch * pc.strideA;
    uint bBase = pc.offB + batch * pc.strideB;
    uint cBase = pc.offC + batch * pc.strideC;

    vec4 acc[TM * TN / 4u]; // row i, columns 4q..4q+3 at acc[i * TN/4 + q]
    [[unroll]] for (uint i = 0u; i < TM * TN / 4u; ++i) acc[i] = vec4(0.0);

    // vec4 loads need 16-byte aligned rows.
    bool aVec = ((aBase | pc.lda) & 3u) == 0u;
    bool bVec = ((bBase | pc.ldb) & 3u) == 0u;

    for (uint k0 = 0u; k0 < pc.K; k0 += BK) {
        // A tile, BM x BK, four floats per load: along k when A is stored
        // M x K, along m when it is stored K x M (transposed).
        for (uint e = tid; e < BM * BK / 4u; e += WG) {
            uint m, k; // the first of the four elements
            if (TRANS_A == 1u) { m = 4u * (e % (BM / 4u)); k = e / (BM / 4u); } else { k = 4u * (e % (BK / 4u)); m = e / (BK / 4u); }
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
                As[(k * BM + m) >> 2] = v;
            } else {
                if (gm < pc.M) {
                    uint base = aBase + gm * pc.lda + gk;
                    if (aVec && gk + 3u < pc.K) {
                        v = a4[base >> 2];
                    } else {
                        for (uint q = 0u; q < 4u; ++q) if (gk + q < pc.K) v[q] = a[base + q];
                    }
                }
                for (uint q = 0u; q < 4u; ++q) As[((k + q) * BM + m) >> 2][m & 3u] = v[q];
            }
        }
        // B tile, BK x BN: along n when B is stored K x N, along k when it
        // is stored N x K (transposed).
        for (uint e = tid; e < BK * BN / 4u; e += WG) {
            uint n, k;
            if (TRANS_B == 1u) { k = 4u * (e % (BK / 4u)); n = e / (BK / 4u); } else { n = 4u * (e % (BN / 4u)); k = e / (BN / 4u); }
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
                for (uint q = 0u; q < 4u; ++q) Bs[((k + q) * BN + n) >> 2][n & 3u] = v[q];
            } else {
                if (gk < pc.K) {
                    uint base = bBase + gk * pc.ldb + gn;
                    if (bVec && gn + 3u < pc.N) {
                        v = b4[base >> 2];
                    } else {
                        for (uint q = 0u; q < 4u; ++q) if (gn + q < pc.N) v[q] = b[base + q];
                    }
                }
                Bs[(k * BN + n) >> 2] = v;
            }
        }
        barrier();
        [[unroll]] for (uint k = 0u; k < BK; ++k) {
            vec4 av[TM / 4u], bv[TN / 4u];
            [[unroll]] for (uint p = 0u; p < TM / 4u; ++p) av[p] = As[(k * BM + ty * TM) / 4u + p];
            [[unroll]] for (uint q = 0u; q < TN / 4u; ++q) bv[q] = Bs[(k * BN + tx * TN) / 4u + q];
            [[unroll]] for (uint p = 0u; p < TM / 4u; ++p) {
                [[unroll]] for (uint q = 0u; q < TN / 4u; ++q) {
                    acc[(4u * p + 0u) * (TN / 4u) + q] += av[p].x * bv[q];
                    acc[(4u * p + 1u) * (TN / 4u) + q] += av[p].y * bv[q];
                    acc[(4u * p + 2u) * (TN / 4u) + q] += av[p].z * bv[q];
                    acc[(4u * p + 3u) * (TN / 4u) + q] += av[p].w * bv[q];
                }
            }
        }
        barrier();
    }

    [[unroll]] for (uint i = 0u; i < TM; ++i) {
        uint gm = m0 + ty * TM + i;
        if (gm >= pc.M) continue;
        [[unroll]] for (uint j = 0u; j < TN; ++j) {
            uint gn = n0 + tx * TN + j;
            if (gn >= pc.N) continue;
            uint ci = cBase + gm * pc.ldc + gn;
            float v = pc.alpha * acc[i * (TN / 4u) + j / 4u][j & 3u];
            if (HAS_BETA == 1u) v += pc.beta * c[ci];
            if (HAS_BIAS == 1u) v += bias[pc.biasOff + gn];
            if (HAS_BIAS == 2u) v += bias[pc.biasOff + gm];
            c[ci] = act(v);
        }
    }
}
