#version 450
// Sort, step 2: one compare-and-swap pass of a bitonic sorting network
// over every row of the key/position table [rows, p]: blocks of size are
// being merged at this stride. Sort's order is total (positions break
// ties), so the result is the one sorted order on every device.
#include "common.glsl"

layout(std430, binding = 0) buffer Keys { float keys[]; };
layout(std430, binding = 1) buffer Pos { uint pos[]; };

layout(push_constant) uniform PC { uint rows; uint p; uint size; uint stride; uint n; uint descending; } pc;

#include "sort.glsl"

void main() {
    uint t = flatIndex();
    uint half_ = pc.p / 2u;
    if (t >= pc.rows * half_) return;
    uint r = t / half_, q = t % half_;
    uint lo = 2u * pc.stride * (q / pc.stride) + q % pc.stride;
    uint hi = lo + pc.stride;
    bool up = (lo & pc.size) == 0u;
    uint a = r * pc.p + lo, b = r * pc.p + hi;
    float ka = keys[a], kb = keys[b];
    uint pa = pos[a], pb = pos[b];
    if (up ? sortsBefore(kb, pb, ka, pa) : sortsBefore(ka, pa, kb, pb)) {
        keys[a] = kb;
        keys[b] = ka;
        pos[a] = pb;
        pos[b] = pa;
    }
}
