// Softmax (LOG = 0) or log-softmax (LOG = 1) over the middle axis of a
// contiguous [outer, n, inner] tensor; one workgroup per row, or one
// invocation per row with PER_THREAD.
#include "common.glsl"
#include "rowreduce.glsl"

layout(constant_id = 1) const uint LOG = 0u;

layout(std430, binding = 0) writeonly buffer Dst { float dst[]; };
layout(std430, binding = 1) readonly buffer Src { float src[]; };

layout(push_constant) uniform PC { uint rows; uint n; uint inner; } pc;

void main() {
    uint g = rowIndex();
    if (g >= pc.rows) return;
    uint base = (g / pc.inner) * pc.n * pc.inner + g % pc.inner;
    uint lid = rowLane();
    uint lanes = rowLanes();
    float m = -INF;
    for (uint j = lid; j < pc.n; j += lanes) {
        float v = src[base + j * pc.inner];
        if (isnan(v) || v > m) m = v;
    }
    m = rowMax(m);
    float s = 0.0;
    for (uint j = lid; j < pc.n; j += lanes) {
        s += exp(src[base + j * pc.inner] - m);
    }
    s = rowSum(s);
    // (x - m) - log(s), not x - (m + log(s)): with large logits m + log(s)
    // rounds away the digits that log(s) carries.
    float ls = log(s);
    for (uint j = lid; j < pc.n; j += lanes) {
        uint k = base + j * pc.inner;
        dst[k] = LOG == 1u ? (src[k] - m) - ls : exp(src[k] - m) / s;
    }
}
