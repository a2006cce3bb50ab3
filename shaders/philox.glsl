// Philox4x32-10, bit for bit as package internal/philox: block(key, ctr)
// for a 64-bit key and counter, and the unit-interval maps of its words.

uvec4 philox(uvec2 key, uvec2 ctr) {
    uvec4 c = uvec4(ctr, 0u, 0u);
    for (int r = 0; r < 10; ++r) {
        uint hi0, lo0, hi1, lo1;
        umulExtended(0xD2511F53u, c.x, hi0, lo0);
        umulExtended(0xCD9E8D57u, c.z, hi1, lo1);
        c = uvec4(hi1 ^ c.y ^ key.x, lo1, hi0 ^ c.w ^ key.y, lo0);
        key += uvec2(0x9E3779B9u, 0xBB67AE85u);
    }
    return c;
}

float unit(uint x) { return float(x >> 8) * (1.0 / 16777216.0); }
float openUnit(uint x) { return (float(x >> 8) + 0.5) * (1.0 / 16777216.0); }

// draw is the Philox block of counter offset + i (64-bit, with the carry).
uvec4 draw(uvec2 seed, uvec2 offset, uint i) {
    uint lo = offset.x + i;
    uint hi = offset.y + (lo < i ? 1u : 0u);
    return philox(seed, uvec2(lo, hi));
}
