#version 450
// The reduction with shared memory only; see reduce.glsl.
#include "reduce.glsl"
