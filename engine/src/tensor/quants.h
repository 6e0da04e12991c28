// Scalar reference (de)quantization and dot products for every tensor type the engine reads.
// These are the ground truth every SIMD or GPU kernel is tested against.
//
// Block layouts and formulas: ../shared/docs/formats.md §1.3 (Q4_0, Q8_0), §2 (TQ1_0, TQ2_0),
// §2.4 (Q8_K activations); sources ggml src/ggml-common.h, src/ggml-quants.c and
// src/ggml-cpu/quants.c (the *_generic dot products).
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

// Dequantize n elements (n a multiple of the block size) of type t into dst.
// Supports F32, F16, BF16, Q4_0, Q8_0, Q8_K, TQ1_0, TQ2_0.
void dequantize_row(Type t, const void* src, float* dst, int64_t n);

// Quantize n floats into type t (n a multiple of the block size). For the activation types
// (F32, F16, BF16, Q8_0, Q8_K) this is what a matmul does to its input; for Q4_0, TQ1_0 and
// TQ2_0 it is llama-quantize's reference rule (used to write test and synthetic models).
void quantize_row(Type t, const float* src, void* dst, int64_t n);

// Dot product of one weight row (type wt) with one activation row already converted to
// type_traits(wt).vec_dot_type. n elements. Accumulation as in ggml's generic C versions:
// integer sums per block, scaled in float.
float vec_dot(Type wt, const void* w, const void* x, int64_t n);

}  // namespace tern::ref
