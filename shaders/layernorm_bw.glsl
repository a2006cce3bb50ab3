// LayerNorm's backward pass over the rows of [rows, n]: with
// xh = (x - mean) * rstd and g = dy * w, dx = rstd * (g - mean(g) -
// xh * mean(g * xh)), and with DYXHAT dy * xh (summed over rows later for
// w's gradient). One workgroup per row, or one invocation per row with
// PER_THREAD.
#include "common.glsl"
#include "rowreduce.glsl"

layout(constant_id = 1) const uint WEIGHT = 0u;
layout(constant_id = 3) const uint DYXHAT = 0u;

layout(std430, binding = 0) writeonly buffer DX { float dx[]; };
layout(std430, binding = 1) writeonly buffer DYX { float dyx[]; };
layout(std430, binding = 2) readonly buffer DY { float dy[]; };
layout(std430, binding = 3) readonly buffer X { float x[]; };
layout(std430, binding = 4) readonly buffer Mean { float mean[]; };
layout(std430, binding = 5) readonly buffer Rstd { float rstd[]; };
layout(std430, binding = 6) readonly buffer W { float w[]; };

layout(push_constant) uniform PC { uint rows; uint n; } pc;

void main() {
    uint r = rowIndex();
    if (r >= pc.rows) return;
    uint base = r * pc.n;
    uint lid = rowLane();
    uint lanes = rowLanes();
    float m = mean[r], is = rstd[r];
    float sg = 0.0, sgx = 0.0;
    for (uint j = lid; j < pc.n; j += lanes) {
        float g = dy[base + j];
        if (WEIGHT == 1u) g *= w[j];
        float xh = (x[base + j] - m) * is;
        sg += g;
        sgx += g * xh;
        if (DYXHAT == 1u) dyx[base + j] = dy[base + j] * xh;
    }
    sg = rowSum(sg) / float(pc.n);
    sgx = rowSum(sgx) / float(pc.n);
    for (uint j = lid; j < pc.n; j += lanes) {
        float g = dy[base + j];
        if (WEIGHT == 1u) g *= w[j];
        float xh = (x[base + j] - m) * is;
        dx[base + j] = is * (g - sg - xh * sgx);
    }
}
