#version 450
// Fused optimizer steps over a parameter, its gradient and its state, one
// element per invocation. ALG 0: SGD, 1: Adam/AdamW, 2: RMSprop, 3: AdaGrad
// (the formulas of device.Optimizers).
#include "common.glsl"

layout(constant_id = 1) const uint ALG = 0u;

layout(std430, binding = 0) buffer W { float w[]; };
layout(std430, binding = 1) readonly buffer G { float g[]; };
layout(std430, binding = 2) buffer S1 { float s1[]; };
layout(std430, binding = 3) buffer S2 { float s2[]; };
layout(std430, binding = 4) buffer S3 { float s3[]; };

layout(push_constant) uniform PC {
    uint n;
    uint flags; // per algorithm, below
    float lr, wd;
    float p0, p1, p2, p3, p4; // per algorithm, below
} pc;

// flushSubnormal stores state below float32's smallest normal number as
// zero (device.Optimizers' state rule: subnormals are slow on CPUs, and the
// rule keeps every backend's state the same).
float flushSubnormal(float x) { return abs(x) < 1.17549435e-38 ? 0.0 : x; }

void main() {
    uint i = flatIndex();
    if (i >= pc.n) return;
    float gi = g[i];
    if (ALG == 0u) {
        // p0 momentum, p1 dampening; flags: 1 nesterov, 2 first step.
        gi += pc.wd * w[i];
        if (pc.p0 != 0.0) {
            float v = flushSubnormal((pc.flags & 2u) != 0u ? gi : pc.p0 * s1[i] + (1.0 - pc.p1) * gi);
            s1[i] = v;
            gi = (pc.flags & 1u) != 0u ? gi + pc.p0 * v : v;
        }
        w[i] -= pc.lr * gi;
    } else if (ALG == 1u) {
        // p0 beta1, p1 beta2, p2 eps, p3 lr/(1-beta1^t), p4 sqrt(1-beta2^t);
        // flags: 1 decoupled weight decay (AdamW).
        float wi = w[i];
        if ((pc.flags & 1u) != 0u) {
            wi *= 1.0 - pc.lr * pc.wd;
        } else {
            gi += pc.wd * wi;
        }
        float m = flushSubnormal(pc.p0 * s1[i] + (1.0 - pc.p0) * gi);
        float v = flushSubnormal(pc.p1 * s2[i] + (1.0 - pc.p1) * gi * gi);
        s1[i] = m;
        s2[i] = v;
        w[i] = wi - pc.p3 * m / (sqrt(v) / pc.p4 + pc.p2);
    } else if (ALG == 2u) {
        // p0 rho, p1 eps, p2 momentum; flags: 1 centered, 2 eps inside sqrt.
        gi += pc.wd * w[i];
        float sq = flushSubnormal(pc.p0 * s1[i] + (1.0 - pc.p0) * gi * gi);
        s1[i] = sq;
        float avg = sq;
        if ((pc.flags & 1u) != 0u) {
            float ga = flushSubnormal(pc.p0 * s2[i] + (1.0 - pc.p0) * gi);
            s2[i] = ga;
            avg -= ga * ga;
        }
        float denom = (pc.flags & 2u) != 0u ? sqrt(avg + pc.p1) : sqrt(avg) + pc.p1;
        if (pc.p2 != 0.0) {
            float b = flushSubnormal(pc.p2 * s3[i] + gi / denom);
            s3[i] = b;
            w[i] -= pc.lr * b;
        } else {
            w[i] -= pc.lr * gi / denom;
        }
    } else {
        // p0 eps; lr is already decayed.
        gi += pc.wd * w[i];
        float acc = flushSubnormal(s1[i] + gi * gi);
        s1[i] = acc;
        w[i] -= pc.lr * gi / (sqrt(acc) + pc.p0);
    }
}
