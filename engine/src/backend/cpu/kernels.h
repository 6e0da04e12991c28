// The CPU backend's per-type kernel table: how to convert activations to a weight type's
// vec_dot_type and how to take dot products with its rows. The scalar table wraps the
// reference code in tensor/quants.h; the SIMD tables ("avx2", "avx512" on x86-64, "neon" on
// aarch64) start from it and replace entries; cpu_kernels() picks one at run time from the
// CPU's features.
//
// Numerics of the SIMD entries (tests/engine/test_kernels_simd.cpp checks them):
// - activation quantisation (Q8_0, Q8_K, Q8_K_ROW): byte-identical to the scalar reference;
// - integer dot products (TQ1_0, TQ2_0, TQ2_0_S32 · Q8_K/Q8_K_ROW, Q8_0 and Q4_0 · Q8_0): the
//   per-block int32 sums are exact and the float steps keep the reference's order
//   (sum += float(sumi) · (d_w · d_x), block after block), so results are bit-identical to the
//   scalar table. Q8_0/Q4_0 use |w|·sign(x, w): exact for activations in [-127, 127], which
//   is all Q8_0 quantisation produces;
// - F32 and F16 dot products: eight rows at once in the vector lanes, each row summed in the
//   reference's order and precision (float for F32, double for F16), so also bit-identical.
#pragma once

#include "tern/types.h"

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace tern {

using QuantizeRowFn = void (*)(const float* x, void* dst, int64_t n);
using DequantizeRowFn = void (*)(const void* src, float* dst, int64_t n);
// Dot products of rows [r0, r1) of a weight matrix (rows `row_stride` bytes apart) with one
// activation row already in the weight type's vec_dot_type; y[r - r0] receives each result.
using MatVecFn = void (*)(const void* w, size_t row_stride, int64_t r0, int64_t r1,
                          const void* x, int64_t n, float* y);

// Dot products of rows [r0, r1) of a weight matrix with n_cols activation rows x[c] (each n
// elements in the vec_dot_type): y[c][r - r0] receives row r · x[c]. Each weight row is read
// once for up to 4 activation rows at a time (prefill: weights stay in cache across tokens).
using MatMatFn = void (*)(const void* w, size_t row_stride, int64_t r0, int64_t r1, const void* const* x,
                          int n_cols, int64_t n, float* const* y);

struct CpuTypeKernels {
    QuantizeRowFn quantize_row = nullptr;      // F32 → this type (activation types only)
    DequantizeRowFn dequantize_row = nullptr;  // this type → F32
    MatVecFn mat_vec = nullptr;                // weight rows of this type · activation row
    MatMatFn mat_mat = nullptr;                // weight rows of this type · several activation rows
};

struct CpuKernels {
    std::string_view name;                     // "scalar", "avx2", ...
    std::array<CpuTypeKernels, 64> types{};    // indexed by ggml type id

    const CpuTypeKernels& operator[](Type t) const { return types[static_cast<size_t>(t)]; }
};

// The scalar reference kernels for every supported type.
const CpuKernels& scalar_kernels();

// The kernel set named `features`: "" = the best this CPU runs (x86-64: "avx512" when it has
// AVX-512 F/BW/VL/VNNI, else "avx2" with AVX2/FMA/F16C, else "scalar"; aarch64: "neon"), or
// "scalar", "avx2", "avx512", "neon". Throws tern::Error for an unknown name or a set this CPU
// (or this build's processor architecture) cannot run.
const CpuKernels& cpu_kernels(std::string_view features);

// Names of the kernel sets this CPU can run, "scalar" first.
std::vector<std::string_view> available_kernel_sets();

// For tests: the "avx512" set without the entries it takes from kernels_avx512_gfni.cpp and
// kernels_avx512_vbmi.cpp on CPUs with GFNI / VBMI, so both variants are checked on such a CPU;
// nullptr when avx512 cannot run.
const CpuKernels* avx512_kernels_baseline();

#if defined(TERN_X86_KERNELS)
// Defined in kernels_avx2.cpp / kernels_avx512.cpp (compiled with their ISA flags; call only
// when the CPU has the features): replace entries of k with SIMD ones.
void add_avx2_kernels(CpuKernels& k);
void add_avx512_kernels(CpuKernels& k);
void add_avx512_gfni_kernels(CpuKernels& k);  // after add_avx512_kernels, when the CPU has GFNI
void add_avx512_vbmi_kernels(CpuKernels& k);  // after add_avx512_kernels, when the CPU has AVX-512 VBMI
#endif

#if defined(TERN_NEON_KERNELS)
// Defined in kernels_neon.cpp (baseline ARMv8-A Advanced SIMD, which every aarch64 CPU has) and
// kernels_neon_dotprod.cpp (compiled for ARMv8.2-A dotprod: call only when the CPU has it).
void add_neon_kernels(CpuKernels& k);
void add_neon_dotprod_kernels(CpuKernels& k);
#endif

}  // namespace tern
