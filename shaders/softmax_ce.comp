#version 450
// Shared memory only; see softmax_ce.glsl.
#include "softmax_ce.glsl"
