#version 450
#extension GL_GOOGLE_include_directive : require
// ATTENTION, step 1: copies this batch's k and v ([kv_dim, T]) into the layer's KV cache at
// position pos0. F32 cache: one element per invocation, dst_off = pos0 · kv_dim (words).
// KV_F16: the cache holds F16 pairs packed in 32-bit words (element 2i in the low half, as a
// little-endian uint16 array); one pair per invocation, n = T · kv_dim / 2, dst_off =
// pos0 · kv_dim / 2. Rounding is done here in integer arithmetic, to nearest even as the CPU's
// fp32_to_fp16 (engine/src/tensor/fp16.cpp), so both backends cache the same values.
layout(local_size_x = 64) in;
layout(std430, set = 0, binding = 0) readonly buffer K { float k[]; };
layout(std430, set = 0, binding = 1) readonly buffer V { float v[]; };
#ifdef KV_F16
layout(std430, set = 0, binding = 2) writeonly buffer KC { uint kc[]; };
layout(std430, set = 0, binding = 3) writeonly buffer VC { uint vc[]; };
#else
layout(std430, set = 0, binding = 2) writeonly buffer KC { float kc[]; };
layout(std430, set = 0, binding = 3) writeonly buffer VC { float vc[]; };
#endif
layout(push_constant) uniform PC { uint n, k_off, v_off, dst_off; } pc;
#include "index.glsl"

#ifdef KV_F16
// value >> shift rounded to nearest, ties to even (shift 1..31)
uint shift_round_even(uint value, uint shift) {
    const uint q = value >> shift;
    const uint rem = value & ((1u << shift) - 1u);
    const uint half_ = 1u << (shift - 1u);
    return (rem > half_ || (rem == half_ && (q & 1u) != 0u)) ? q + 1u : q;
}

uint f16_bits(float f) {
    const uint u = floatBitsToUint(f);
    const uint sign = (u >> 16) & 0x8000u;
    const uint a = u & 0x7FFFFFFFu;
    uint h;
    if (a > 0x7F800000u) h = 0x7E00u | ((a >> 13) & 0x3FFu);         // NaN stays NaN
    else if (a >= 0x477FF000u) h = 0x7C00u;                           // overflow → inf
    else if (a >= 0x38800000u) h = shift_round_even(a - (112u << 23), 13u);  // normal
    else if (a >= 0x33000000u) h = shift_round_even((a & 0x7FFFFFu) | 0x800000u, 126u - (a >> 23));  // subnormal
    else h = 0u;
    return sign | h;
}

uint pack(float lo, float hi) { return f16_bits(lo) | (f16_bits(hi) << 16); }
#endif

void main() {
    const uint i = flat_index();
    if (i >= pc.n) return;
#ifdef KV_F16
    kc[pc.dst_off + i] = pack(k[pc.k_off + 2u * i], k[pc.k_off + 2u * i + 1u]);
    vc[pc.dst_off + i] = pack(v[pc.v_off + 2u * i], v[pc.v_off + 2u * i + 1u]);
#else
    kc[pc.dst_off + i] = k[pc.k_off + i];
    vc[pc.dst_off + i] = v[pc.v_off + i];
#endif
}
