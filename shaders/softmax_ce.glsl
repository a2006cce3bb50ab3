// Softmax cross-entropy of logits [batch, classes] against labels [batch]:
// each workgroup (or, with PER_THREAD, each invocation) writes its row's
// loss, -log softmax(x)[label] (NaN for a label outside [0, classes)), and,
// with GRAD = 1, its row of the gradient of the batch mean,
// (softmax(x) - onehot) / batch.
#include "common.glsl"
#include "rowreduce.glsl"

layout(constant_id = 1) const uint GRAD = 1u;

layout(std430, binding = 0) writeonly buffer RowLoss { float rowLoss[]; };
layout(std430, binding = 1) writeonly buffer Grad { float grad[]; };
layout(std430, binding = 2) readonly buffer Logits { float x[]; };
layout(std430, binding = 3) readonly buffer Labels { float labels[]; };

layout(push_constant) uniform PC { uint batch; uint classes; } pc;

void main() {
    uint r = rowIndex();
    if (r >= pc.batch) return;
    uint base = r * pc.classes;
    uint lid = rowLane();
    uint lanes = rowLanes();
    float m = -INF;
    for (uint j = lid; j < pc.classes; j += lanes) {
        float v = x[base + j];
        if (isnan(v) || v > m) m = v;
    }
    m = rowMax(m);
    float s = 0.0;
    for (uint j = lid; j < pc.classes; j += lanes) {
        s += exp(x[base + j] - m);
    }
    s = rowSum(s);
    float lse = m + log(s);
    float label = labels[r];
    bool valid = label >= 0.0 && floor(label) == label && label < float(pc.classes);
    uint li = valid ? uint(label) : 0xffffffffu;
    if (lid == 0u) {
        rowLoss[r] = valid ? lse - x[base + li] : NAN;
    }
    if (GRAD == 1u) {
        float inv = 1.0 / float(pc.batch);
        for (uint j = lid; j < pc.classes; j += lanes) {
            float p = exp(x[base + j] - lse) - (j == li ? 1.0 : 0.0);
            grad[base + j] = valid ? p * inv : NAN;
        }
    }
}
