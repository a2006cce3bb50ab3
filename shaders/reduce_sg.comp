#version 450
// The reduction with subgroup operations; see reduce.glsl.
#extension GL_KHR_shader_subgroup_arithmetic : require
#extension GL_KHR_shader_subgroup_vote : require
#define SUBGROUP 1
#include "reduce.glsl"
