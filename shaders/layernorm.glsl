// LayerNorm over the rows of a contiguous [rows, n] tensor: the mean (about
// the first element), then the biased variance about it (two passes), y = (x - mean) * rstd * w + b. One workgroup per row, or one
// invocation per row with PER_THREAD.
#include "common.glsl"
#include "rowreduce.glsl"

// AFFINE: 0 no weight or bias, 1 a weight, 2 a weight and a bias.
layout(constant_id = 1) const uint AFFINE = 0u;

layout(std430, binding = 0) writeonly buffer Y { float y[]; };
layout(std430, binding = 1) writeonly buffer Mean { float mean[]; };
layout(std430, binding = 2) writeonly buffer Rstd { float rstd[]; };
layout(std430, binding = 3) readonly buffer X { float x[]; };
layout(std430, binding = 4) readonly buffer W { float w[]; };
layout(std430, binding = 5) readonly buffer B { float b[]; };

layout(push_constant) uniform PC { uint rows; uint n; float eps; } pc;

void main() {
    uint r = rowIndex();
    if (r >= pc.rows) return;
    uint base = r * pc.n;
    uint lid = rowLane();
    uint lanes = rowLanes();
    // The sum is taken about the row's first element: rows far from zero
    // (all near 1000, say) would lose the digits the variance needs.
    float x0 = pc.n > 0u ? x[base] : 0.0;
    float s = 0.0;
    for (uint j = lid; j < pc.n; j += lanes) s += x[base + j] - x0;
    float m = x0 + rowSum(s) / float(pc.n);
    float q = 0.0;
    for (uint j = lid; j < pc.n; j += lanes) {
        float d = x[base + j] - m;
        q += d * d;
    }
    float is = 1.0 / sqrt(rowSum(q) / float(pc.n) + pc.eps);
    if (lid == 0u) {
        mean[r] = m;
        rstd[r] = is;
    }
    for (uint j = lid; j < pc.n; j += lanes) {
        float h = (x[base + j] - m) * is;
        if (AFFINE >= 1u) h *= w[j];
        if (AFFINE == 2u) h += b[j];
        y[base + j] = h;
    }
}
