#version 450
// Shared memory only; see layernorm_bw.glsl.
#include "layernorm_bw.glsl"
