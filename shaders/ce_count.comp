#version 450
// The number of labels [batch] that are not the ignore index, for
// softmax_ce: one workgroup walks the batch.
#include "common.glsl"
#include "rowreduce.glsl"

layout(std430, binding = 0) writeonly buffer Count { float count[]; };
layout(std430, binding = 1) readonly buffer Labels { float labels[]; };

layout(push_constant) uniform PC { uint batch; int ignore; } pc;

void main() {
    float c = 0.0;
    for (uint i = gl_LocalInvocationID.x; i < pc.batch; i += gl_WorkGroupSize.x) {
        c += labels[i] == float(pc.ignore) ? 0.0 : 1.0;
    }
    c = groupSum(c);
    if (gl_LocalInvocationID.x == 0u) count[0] = c;
}
