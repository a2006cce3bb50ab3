#version 450
// With subgroup operations; see layernorm_bw.glsl.
#extension GL_KHR_shader_subgroup_arithmetic : require
#extension GL_KHR_shader_subgroup_vote : require
#define SUBGROUP 1
#include "layernorm_bw.glsl"
