// Scalar reference (de)quantization and dot products for every tensor type the engine reads.
// These are the ground truth every SIMD or GPU kernel is tested against.
//
// Block layouts and formulas: ../shared/docs/formats.md §1.3 (Q4_0, Q8_0), §2 (TQ1_0, TQ2_0),
// §2.4 (Q8_K activations), §3 (I2_S); sources ggml src/ggml-common.h, src/ggml-quants.c and
// src/ggml-cpu/quants.c (the *_generic dot products); for I2_S bitnet.cpp's
// src/ggml-bitnet-mad.cpp (quantize_i2_s) and utils/convert-hf-to-gguf-bitnet.py.
#pragma once

#include "tern/types.h"

#include <cstdint>

namespace tern::ref {

// Block structs, byte-exact with ggml (static_assert'ed in quants.cpp).
struct BlockQ4_0 { uint16_t d; uint8_t qs[16]; };
struct BlockQ8_0 { uint16_t d; int8_t qs[32]; };
struct BlockQ8_K { float d; int8_t qs[256]; int16_t bsums[16]; };
struct BlockTQ1_0 { uint8_t qs[48]; uint8_t qh[4]; uint16_t d; };
struct BlockTQ2_0 { uint8_t qs[64]; uint16_t d; };
// Internal (Type::TQ2_0_S32): TQ2_0's codes with a float32 scale. Not a ggml type.
struct BlockTQ2_0_S32 { uint8_t qs[64]; float d; };

// Dequantize n elements (n a multiple of the block size) of type t into dst.
// Supports F32, F16, BF16, Q4_0, Q8_0, Q8_K, TQ1_0, TQ2_0, TQ2_0_S32 (not I2_S, whose scale
// is per tensor: use the I2_S functions below).
void dequantize_row(Type t, const void* src, float* dst, int64_t n);

// Quantize n floats into type t (n a multiple of the block size). For the activation types
// (F32, F16, BF16, Q8_0, Q8_K, Q8_K_ROW) this is what a matmul does to its input — Q8_K_ROW
// treats the n values as one row (one scale); for Q4_0, TQ1_0 and
// TQ2_0 it is llama-quantize's reference rule (used to write test and synthetic models).
void quantize_row(Type t, const float* src, void* dst, int64_t n);

// Dot product of one weight row (type wt) with one activation row already converted to
// type_traits(wt).vec_dot_type. n elements. Accumulation as in ggml's generic C versions:
// integer sums per block, scaled in float. TQ2_0_S32 is TQ2_0's formula with the float32 d:
// Σ_blocks sumi · (d_w · d_x), so equal scales give bit-identical results to TQ2_0.
float vec_dot(Type wt, const void* w, const void* x, int64_t n);

// ---- I2_S: whole tensors (the scale is per tensor) -----------------------------------
// `src`/`dst` hold i2s_tensor_bytes(n) bytes; n (all elements, rows laid end to end) must be a
// multiple of 128, else tern::Error.

// The float32 scale stored at byte n/4.
float i2s_scale(const void* src, int64_t n);

// Element e ↦ (code − 1)·scale, code 3 ↦ 0 (bitnet.cpp's dequantize_row_i2_s).
void dequantize_i2_s(const void* src, float* dst, int64_t n);

// bitnet.cpp's quantize_i2_s for already-ternary weights (values ±s and 0, as BitNet's
// converter makes them): scale = max|x|, code 1 where |x| < 1e-6, 2 where x > 0, else 0.
// Writes the codes, the scale and 28 zero bytes.
void quantize_i2_s(const float* src, void* dst, int64_t n);

// I2_S → TQ2_0_S32 blocks (n a multiple of 256): the same ternary values in TQ2_0's element
// order (the same 32-element groups, LSB-first instead of MSB-first) with every block's d = the
// tensor's scale; code 3 becomes code 1 (zero). Throws tern::Error when the scale is not finite.
void convert_i2_s_to_tq2_0_s32(const void* src, void* dst, int64_t n);

// TQ1_0 → TQ2_0 blocks (n a multiple of 256): every element's ternary value (base-3 digit of
// TQ1_0, formats.md §2.3) stored as TQ2_0's 2-bit code (§2.2), d copied. Exact: both formats
// compute the same integer block sums and float steps, so dot products are bit-identical.
void convert_tq1_0_to_tq2_0(const void* src, void* dst, int64_t n);

}  // namespace tern::ref
