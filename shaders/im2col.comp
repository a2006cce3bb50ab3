#version 450
// im2col for a chunk of images: col[n][(c*KH + kh)*KW + kw][oh*OW + ow] =
// x[n][c][oh*SH - PH + kh*DH][ow*SW - PW + kw*DW], 0 outside the image.
// One invocation per element of col.
#include "common.glsl"

layout(std430, binding = 0) writeonly buffer Col { float col[]; };
layout(std430, binding = 1) readonly buffer X { float x[]; };

layout(push_constant) uniform PC {
    uint total;  // images * C*KH*KW * OH*OW
    uint C, H, W, KH, KW;
    uint SH, SW, PH, PW, DH, DW;
    uint OH, OW;
    uint xOff;
} pc;

void main() {
    uint i = flatIndex();
    if (i >= pc.total) return;
    uint ohw = pc.OH * pc.OW, kk = pc.KH * pc.KW;
    uint p = i % ohw, rowAll = i / ohw;
    uint r = rowAll % (pc.C * kk), n = rowAll / (pc.C * kk);
    uint c = r / kk, kh = (r % kk) / pc.KW, kw = r % pc.KW;
    uint oh = p / pc.OW, ow = p % pc.OW;
    int h = int(oh * pc.SH) - int(pc.PH) + int(kh * pc.DH);
    int w = int(ow * pc.SW) - int(pc.PW) + int(kw * pc.DW);
    float v = 0.0;
    if (h >= 0 && h < int(pc.H) && w >= 0 && w < int(pc.W)) {
        v = x[pc.xOff + ((n * pc.C + c) * pc.H + uint(h)) * pc.W + uint(w)];
    }
    col[i] = v;
}
