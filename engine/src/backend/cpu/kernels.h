// The CPU backend's per-type kernel table: how to convert activations to a weight type's
// vec_dot_type and how to take dot products with its rows. The scalar table wraps the
// reference code in tensor/quants.h; SIMD tables (AVX2, AVX-512, NEON) replace entries at
// run time and are tested against the scalar ones.
#pragma once

#include "tern/types.h"

#include <array>
#include <cstdint>

namespace tern {

using QuantizeRowFn = void (*)(const float* x, void* dst, int64_t n);
using DequantizeRowFn = void (*)(const void* src, float* dst, int64_t n);
// Dot products of rows [r0, r1) of a weight matrix (rows `row_stride` bytes apart) with one
// activation row already in the weight type's vec_dot_type; y[r - r0] receives each result.
using MatVecFn = void (*)(const void* w, size_t row_stride, int64_t r0, int64_t r1,
                          const void* x, int64_t n, float* y);

struct CpuTypeKernels {
    QuantizeRowFn quantize_row = nullptr;      // F32 → this type (activation types only)
    DequantizeRowFn dequantize_row = nullptr;  // this type → F32
    MatVecFn mat_vec = nullptr;                // weight rows of this type · activation row
};

struct CpuKernels {
    std::string_view name;                     // "scalar", "avx2", ...
    std::array<CpuTypeKernels, 64> types{};    // indexed by ggml type id

    const CpuTypeKernels& operator[](Type t) const { return types[static_cast<size_t>(t)]; }
};

// The scalar reference kernels for every supported type.
const CpuKernels& scalar_kernels();

}  // namespace tern
