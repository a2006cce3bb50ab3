// Reductions of one value per invocation across the workgroup, through
// shared memory. The workgroup size must be a power of two.

shared float red_[gl_WorkGroupSize.x];

float groupSum(float v) {
    uint lid = gl_LocalInvocationID.x;
    barrier();
    red_[lid] = v;
    barrier();
    for (uint s = gl_WorkGroupSize.x / 2u; s > 0u; s >>= 1) {
        if (lid < s) red_[lid] += red_[lid + s];
        barrier();
    }
    return red_[0];
}

// groupMax propagates NaN.
float groupMax(float v) {
    uint lid = gl_LocalInvocationID.x;
    barrier();
    red_[lid] = v;
    barrier();
    for (uint s = gl_WorkGroupSize.x / 2u; s > 0u; s >>= 1) {
        if (lid < s) {
            float o = red_[lid + s];
            if (isnan(o) || o > red_[lid]) red_[lid] = o;
        }
        barrier();
    }
    return red_[0];
}
