// Reductions of one value per invocation across the workgroup. With
// SUBGROUP defined, each subgroup reduces first and shared memory combines
// the subgroups' results; otherwise a tree in shared memory does it all.
// The workgroup size must be a power of two.
//
// The row kernels (softmax, its backward, softmax cross-entropy) give each
// row a workgroup, or with PER_THREAD = 1 (short rows, such as 10 classes)
// a single invocation, with no shared memory or barriers: rowIndex,
// rowLane and rowLanes say which row and which of its elements an
// invocation walks, rowMax and rowSum combine across the row.
layout(constant_id = 2) const uint PER_THREAD = 0u;

shared float red_[gl_WorkGroupSize.x];

#ifdef SUBGROUP
float groupSum(float v) {
    uint lid = gl_LocalInvocationID.x;
    barrier();
    float s = subgroupAdd(v);
    if (subgroupElect()) red_[gl_SubgroupID] = s;
    barrier();
    for (uint k = gl_NumSubgroups / 2u; k > 0u; k >>= 1) {
        if (lid < k) red_[lid] += red_[lid + k];
        barrier();
    }
    return red_[0];
}

// groupMax propagates NaN (subgroupMax leaves it undefined).
float groupMax(float v) {
    uint lid = gl_LocalInvocationID.x;
    barrier();
    float m = subgroupAny(isnan(v)) ? NAN : subgroupMax(v);
    if (subgroupElect()) red_[gl_SubgroupID] = m;
    barrier();
    for (uint k = gl_NumSubgroups / 2u; k > 0u; k >>= 1) {
        if (lid < k) {
            float o = red_[lid + k];
            if (isnan(o) || o > red_[lid]) red_[lid] = o;
        }
        barrier();
    }
    return red_[0];
}
#else

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
#endif

uint rowIndex() { return PER_THREAD == 1u ? flatIndex() : groupIndex(); }
uint rowLane() { return PER_THREAD == 1u ? 0u : gl_LocalInvocationID.x; }
uint rowLanes() { return PER_THREAD == 1u ? 1u : gl_WorkGroupSize.x; }

float rowMax(float v) {
    if (PER_THREAD == 1u) return v;
    return groupMax(v);
}

float rowSum(float v) {
    if (PER_THREAD == 1u) return v;
    return groupSum(v);
}
