#version 450
// One LSTM step after its matrix products: from the gate pre-activations
// gi + gh [n, 4h] (blocks i, f, g, o) and the cell state c [n, h], the
// activated gates act [n, 4h] and hc [2, n, h] (the new hidden state, then
// the new cell state). One invocation per unit (row, j). gi, gh and c are
// 2-D strided views.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Act { float act[]; };
layout(std430, binding = 1) writeonly buffer HC { float hc[]; };
layout(std430, binding = 2) readonly buffer GI { float gi[]; };
layout(std430, binding = 3) readonly buffer GH { float gh[]; };
layout(std430, binding = 4) readonly buffer C { float c[]; };

layout(push_constant) uniform PC {
    uint n;
    uint hidden;
    uint giOff, giRow, giCol;
    uint ghOff, ghRow, ghCol;
    uint cOff, cRow, cCol;
} pc;

float pre(uint r, uint col) {
    return gi[pc.giOff + r * pc.giRow + col * pc.giCol] + gh[pc.ghOff + r * pc.ghRow + col * pc.ghCol];
}

void main() {
    uint e = flatIndex();
    if (e >= pc.n * pc.hidden) return;
    uint h = pc.hidden, r = e / h, j = e % h;
    float ig = unaryOp(UNARY_SIGMOID, pre(r, j), 0.0);
    float fg = unaryOp(UNARY_SIGMOID, pre(r, h + j), 0.0);
    float gg = unaryOp(UNARY_TANH, pre(r, 2u * h + j), 0.0);
    float og = unaryOp(UNARY_SIGMOID, pre(r, 3u * h + j), 0.0);
    uint a = r * 4u * h + j;
    act[a] = ig;
    act[a + h] = fg;
    act[a + 2u * h] = gg;
    act[a + 3u * h] = og;
    float cn = fg * c[pc.cOff + r * pc.cRow + j * pc.cCol] + ig * gg;
    hc[pc.n * h + e] = cn;
    hc[e] = og * unaryOp(UNARY_TANH, cn, 0.0);
}
