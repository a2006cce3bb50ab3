#version 450
// Shared memory only; see softmax_bw.glsl.
#include "softmax_bw.glsl"
