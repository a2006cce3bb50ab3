#version 450
// LSTMCell's backward pass: from the activated gates act [n, 4h], the
// outputs hc [2, n, h], the previous cell state c (a 2-D strided view) and
// the outputs' gradient dhc [2, n, h], the gradients of the gate
// pre-activations dGates [n, 4h] and of c, dc [n, h]. One invocation per
// unit (row, j).
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer DG { float dg[]; };
layout(std430, binding = 1) writeonly buffer DC { float dc[]; };
layout(std430, binding = 2) readonly buffer Act { float act[]; };
layout(std430, binding = 3) readonly buffer HC { float hc[]; };
layout(std430, binding = 4) readonly buffer C { float c[]; };
layout(std430, binding = 5) readonly buffer DHC { float dhc[]; };

layout(push_constant) uniform PC {
    uint n;
    uint hidden;
    uint cOff, cRow, cCol;
} pc;

void main() {
    uint e = flatIndex();
    uint m = pc.n * pc.hidden;
    if (e >= m) return;
    uint h = pc.hidden, r = e / h, j = e % h;
    uint a = r * 4u * h + j;
    float ig = act[a], fg = act[a + h], gg = act[a + 2u * h], og = act[a + 3u * h];
    float tc = unaryOp(UNARY_TANH, hc[m + e], 0.0);
    float dh = dhc[e];
    float dcn = dhc[m + e] + unaryGrad(UNARY_TANH, tc, dh * og, 0.0);
    dg[a] = unaryGrad(UNARY_SIGMOID, ig, dcn * gg, 0.0);
    dg[a + h] = unaryGrad(UNARY_SIGMOID, fg, dcn * c[pc.cOff + r * pc.cRow + j * pc.cCol], 0.0);
    dg[a + 2u * h] = unaryGrad(UNARY_TANH, gg, dcn * ig, 0.0);
    dg[a + 3u * h] = unaryGrad(UNARY_SIGMOID, og, dh * tc, 0.0);
    dc[e] = dcn * fg;
}
