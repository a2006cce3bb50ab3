// Backward of softmax: dx = y * (dy - sum(dy*y)); of log-softmax:
// dx = dy - exp(y) * sum(dy). One workgroup per row, or one invocation per
// row with PER_THREAD.
#include "common.glsl"
#include "rowreduce.glsl"

layout(constant_id = 1) const uint LOG = 0u;

layout(std430, binding = 0) writeonly buffer DX { float dx[]; };
layout(std430, binding = 1) readonly buffer Y { float y[]; };
layout(std430, binding = 2) readonly buffer DY { float dy[]; };

layout(push_constant) uniform PC { uint rows; uint n; uint inner; } pc;

void main() {
    uint g = rowIndex();
    if (g >= pc.rows) return;
    uint base = (g / pc.inner) * pc.n * pc.inner + g % pc.inner;
    uint lid = rowLane();
    uint lanes = rowLanes();
    float s = 0.0;
    for (uint j = lid; j < pc.n; j += lanes) {
        uint k = base + j * pc.inner;
        s += LOG == 1u ? dy[k] : dy[k] * y[k];
    }
    s = rowSum(s);
    for (uint j = lid; j < pc.n; j += lanes) {
        uint k = base + j * pc.inner;
        dx[k] = LOG == 1u ? dy[k] - exp(y[k]) * s : y[k] * (dy[k] - s);
    }
}
