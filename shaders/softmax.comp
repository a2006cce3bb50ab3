#version 450
// Shared memory only; see softmax.glsl.
#include "softmax.glsl"
