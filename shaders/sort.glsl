// Sort's order (device.SortsBefore) for the bitonic passes: key a at
// position ia comes before key b at ib. Positions from n on are padding
// and come after everything; NaN ranks above every number; equal keys
// keep their positions' order. The shader declares pc.n and pc.descending.
bool isNaNBits(float x) { return (floatBitsToUint(x) & 0x7fffffffu) > 0x7f800000u; }

bool sortsBefore(float a, uint ia, float b, uint ib) {
    bool pa = ia >= pc.n, pb = ib >= pc.n;
    if (pa || pb) return pa && pb ? ia < ib : pb;
    bool desc = pc.descending != 0u;
    bool an = isNaNBits(a), bn = isNaNBits(b);
    if (an && bn) return ia < ib;
    if (an) return desc;
    if (bn) return !desc;
    if (a == b) return ia < ib;
    return desc ? a > b : a < b;
}
