// Weight rows as the Vulkan backend stores them (backend/vulkan/weights.cpp repacks at upload):
// 32-bit words only, so no 8/16-bit storage is needed. A quantized row is nb block records of
// WPB words: the block's quantized bytes (ggml's layout, formats.md §1.3/§2) padded to whole
// words, then its scale as a float32 word. F32 rows are K floats; F16 rows ceil(K/2) words.
// The including shader declares `uint w[]` (binding 0).

uint w_byte(uint rec, uint i) { return (w[rec + (i >> 2)] >> (8u * (i & 3u))) & 0xFFu; }

#if defined(WTYPE_F32)
const uint WPB = 1u, QB = 1u;
float w_value(uint row, uint e) { return uintBitsToFloat(w[row + e]); }
#elif defined(WTYPE_F16)
const uint WPB = 1u, QB = 2u;
float w_value(uint row, uint e) { return unpackHalf2x16(w[row + (e >> 1)])[e & 1u]; }
#elif defined(WTYPE_Q4_0)
const uint WPB = 5u, QB = 32u;
float w_value(uint row, uint e) {
    const uint rec = row + (e / 32u) * WPB, j = e % 32u;
    const uint b = w_byte(rec, j & 15u);
    const int q = int(j < 16u ? (b & 0xFu) : (b >> 4)) - 8;
    return float(q) * uintBitsToFloat(w[rec + 4u]);
}
#elif defined(WTYPE_Q8_0)
const uint WPB = 9u, QB = 32u;
float w_value(uint row, uint e) {
    const uint rec = row + (e / 32u) * WPB, j = e % 32u;
    return float(bitfieldExtract(int(w[rec + j / 4u]), int(8u * (j & 3u)), 8)) * uintBitsToFloat(w[rec + 8u]);
}
#elif defined(WTYPE_TQ2_0)
const uint WPB = 17u, QB = 256u;
int tq2_value(uint rec, uint e) {
    const uint c = e / 128u, r = e % 128u;
    return int((w_byte(rec, 32u * c + r % 32u) >> (2u * (r / 32u))) & 3u) - 1;
}
float w_value(uint row, uint e) {
    const uint rec = row + (e / 256u) * WPB;
    return float(tq2_value(rec, e % 256u)) * uintBitsToFloat(w[rec + 16u]);
}
#elif defined(WTYPE_TQ1_0)
const uint WPB = 14u, QB = 256u;
// Trit n (0 = most significant) of a byte holding base-3 digits as a fraction of 256 (formats.md §2.3).
int tq1_trit(uint q, uint n) {
    const uint pow3[5] = uint[5](1u, 3u, 9u, 27u, 81u);
    const uint p = (q * pow3[n]) & 0xFFu;
    return int((p * 3u) >> 8) - 1;
}
int tq1_value(uint rec, uint e) {
    if (e < 160u) return tq1_trit(w_byte(rec, e % 32u), e / 32u);
    if (e < 240u) return tq1_trit(w_byte(rec, 32u + (e - 160u) % 16u), (e - 160u) / 16u);
    return tq1_trit(w_byte(rec, 48u + (e - 240u) % 4u), (e - 240u) / 4u);
}
float w_value(uint row, uint e) {
    const uint rec = row + (e / 256u) * WPB;
    return float(tq1_value(rec, e % 256u)) * uintBitsToFloat(w[rec + 13u]);
}
#else
#error "define one WTYPE_*"
#endif
