// Strided views: element i of a view of shape[0..rank) lives at
// off + sum(index_d * stride_d). MAXRANK is set by the including shader.

// stridedOffset maps the row-major index i of the shape to an offset.
uint stridedOffset(uint i, uint rank, uint shape[MAXRANK], uint off, uint stride[MAXRANK]) {
    for (int d = int(rank) - 1; d >= 0; --d) {
        uint s = shape[d];
        off += (i % s) * stride[d];
        i /= s;
    }
    return off;
}
