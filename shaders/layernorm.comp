#version 450
// Shared memory only; see layernorm.glsl.
#include "layernorm.glsl"
