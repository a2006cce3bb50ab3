// Softmax cross-entropy of logits [batch, classes] against labels [batch]
// with PyTorch's ignore_index: each workgroup (or, with PER_THREAD, each
// invocation) writes its row's share of the mean loss,
// -log softmax(x)[label] / count, where count (from ce_count) is the number
// of rows whose label is not the ignore index; an ignored row contributes
// 0 (and so the loss of a batch of ignored rows is 0·∞ = NaN, as
// PyTorch's). With GRAD = 1 it writes the row of the gradient of the mean,
// (softmax(x) - onehot) / count, zero for an ignored row. A label that is
// neither an integer in [0, classes) nor the ignore index makes its row's
// loss and gradient NaN and is reported in the batch's status record.
#include "common.glsl"
#include "rowreduce.glsl"

layout(constant_id = 1) const uint GRAD = 1u;

layout(std430, binding = 0) writeonly buffer RowLoss { float rowLoss[]; };
// The batch's status record (status.glsl).
layout(std430, binding = 1) buffer Status { uint status[]; };
#include "status.glsl"
layout(std430, binding = 2) writeonly buffer Grad { float grad[]; };
layout(std430, binding = 3) readonly buffer Logits { float x[]; };
layout(std430, binding = 4) readonly buffer Labels { float labels[]; };
layout(std430, binding = 5) readonly buffer Count { float count[]; };

layout(push_constant) uniform PC { uint batch; uint classes; int ignore; } pc;

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
    // (x - m) - log(s): m + log(s) would round away log(s)'s digits.
    float ls = log(s);
    float c = count[0];
    float inv = 1.0 / c;
    float label = labels[r];
    bool ignored = label == float(pc.ignore);
    bool valid = label >= 0.0 && floor(label) == label && label < float(pc.classes);
    uint li = valid ? uint(label) : 0xffffffffu;
    if (lid == 0u) {
        // An ignored row adds 0, or NaN when every row is ignored (written
        // as a test: drivers may fold 0 * inf to 0).
        rowLoss[r] = ignored ? (c == 0.0 ? NAN : 0.0) : (valid ? (ls - (x[base + li] - m)) * inv : NAN);
        if (!valid && !ignored) {
            reportBad(STATUS_LABEL, r, label, pc.classes);
        }
    }
    if (GRAD == 1u) {
        for (uint j = lid; j < pc.classes; j += lanes) {
            float p = exp((x[base + j] - m) - ls) - (j == li ? 1.0 : 0.0);
            grad[base + j] = ignored ? 0.0 : (valid ? p * inv : NAN);
        }
    }
}
