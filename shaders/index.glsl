// The index k of idx[j] when it is valid for an axis of n and not skip,
// else 0xffffffff: the slices IndexAdd sums.
uint targetOf(float v, uint n, int skip) {
    if (!(v >= 0.0 && v < float(n) && floor(v) == v)) return 0xffffffffu;
    uint k = uint(v);
    return int(k) == skip ? 0xffffffffu : k;
}
