// The batch's status record (device/vulkan/status.go), for kernels that
// find bad input: the shader declares `buffer Status { uint status[]; }`
// before including this. Words: the first bad position (0xffffffff while
// there is none), its value's bits, how many were bad, the limit they
// broke, the kind (STATUS_* from ops.glsl). The first report of a batch
// wins; every one counts.
void reportBad(uint kind, uint pos, float value, uint limit) {
    if (atomicCompSwap(status[0], 0xffffffffu, pos) == 0xffffffffu) {
        status[1] = floatBitsToUint(value);
        status[3] = limit;
        status[4] = kind;
    }
    atomicAdd(status[2], 1u);
}
