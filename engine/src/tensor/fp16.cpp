// Bit-level IEEE half and bfloat16 conversions. Integer arithmetic only, so the result does not
// depend on the FPU's rounding mode or on F16C being present.
#include "tensor/fp16.h"

#include <cstring>

namespace tern {

namespace {

uint32_t float_bits(float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

float bits_float(uint32_t u) {
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

// value >> shift, rounded to nearest, ties to even. shift in 1..31.
uint32_t shift_round_even(uint32_t value, unsigned shift) {
    const uint32_t q = value >> shift;
    const uint32_t rem = value & ((1u << shift) - 1u);
    const uint32_t half = 1u << (shift - 1u);
    return (rem > half || (rem == half && (q & 1u))) ? q + 1u : q;
}

}  // namespace

float fp16_to_fp32(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1Fu;
    const uint32_t mant = h & 0x3FFu;
    if (exp == 0x1F)  // inf, or NaN with its payload kept (quiet bit included)
        return bits_float(sign | 0x7F800000u | (mant << 13));
    if (exp != 0)
        return bits_float(sign | ((exp - 15u + 127u) << 23) | (mant << 13));
    if (mant == 0) return bits_float(sign);
    // Subnormal: mant * 2^-24. Normalise so the leading 1 becomes the implicit bit.
    uint32_t e = 127u - 14u;  // exponent of 2^-14 (the value of mant bit 10)
    uint32_t m = mant;
    while ((m & 0x400u) == 0) {
        m <<= 1;
        --e;
    }
    return bits_float(sign | (e << 23) | ((m & 0x3FFu) << 13));
}

uint16_t fp32_to_fp16(float f) {
    const uint32_t u = float_bits(f);
    const uint32_t sign = (u >> 16) & 0x8000u;
    const uint32_t a = u & 0x7FFFFFFFu;
    uint32_t h;
    if (a > 0x7F800000u) {
        h = 0x7E00u | ((a >> 13) & 0x3FFu);  // NaN: keep the top payload bits, force quiet
    } else if (a >= 0x477FF000u) {
        h = 0x7C00u;  // >= 65520 (halfway above 65504) rounds to inf, as does inf
    } else if (a >= 0x38800000u) {
        // Normal half (>= 2^-14): rebias exponent 127 -> 15, round away 13 mantissa bits.
        // A carry out of the mantissa correctly bumps the exponent.
        h = shift_round_even(a - (112u << 23), 13);
    } else if (a >= 0x33000000u) {
        // Subnormal half: value / 2^-24 rounded; a float in [2^-25, 2^-14) has exponent
        // field e in [102, 112] and value m * 2^(e-150) with the implicit bit in m.
        const uint32_t e = a >> 23;
        const uint32_t m = (a & 0x7FFFFFu) | 0x800000u;
        h = shift_round_even(m, 126u - e);  // may round up to 0x400, the smallest normal
    } else {
        h = 0;  // below 2^-25 (or exactly 2^-25, a tie that goes to even 0)
    }
    return static_cast<uint16_t>(sign | h);
}

float bf16_to_fp32(uint16_t h) {
    return bits_float(static_cast<uint32_t>(h) << 16);
}

uint16_t fp32_to_bf16(float f) {
    const uint32_t u = float_bits(f);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u)  // NaN: truncate, set the quiet bit
        return static_cast<uint16_t>((u >> 16) | 0x40u);
    // Round to nearest even on the 16 dropped bits (ggml's GGML_FP32_TO_BF16); large finite
    // values round up to inf like any other carry.
    return static_cast<uint16_t>((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

}  // namespace tern
