// The "neon" kernel set (aarch64): baseline ARMv8-A Advanced SIMD for every entry; on a CPU with
// the dotprod extension kernels_dispatch.cpp then replaces the integer dot products with those
// of kernels_neon_dotprod.cpp. Same exactness as kernels_neon.h says: bit-identical to scalar.
#define TERN_NEON_DOTPROD 0
#include "backend/cpu/kernels_neon.h"

namespace tern {

void add_neon_kernels(CpuKernels& k) {
    add_neon_dots(k);
    auto& f32 = k.types[static_cast<size_t>(Type::F32)];
    f32.mat_vec = mat_vec_float<float>;
    f32.mat_mat = mat_mat_float<float>;
    auto& f16 = k.types[static_cast<size_t>(Type::F16)];
    f16.mat_vec = mat_vec_float<uint16_t>;
    f16.mat_mat = mat_mat_float<uint16_t>;
    k.types[static_cast<size_t>(Type::Q8_0)].quantize_row = quantize_q8_0;
    k.types[static_cast<size_t>(Type::Q8_K)].quantize_row = quantize_q8_K;
    k.types[static_cast<size_t>(Type::Q8_K_ROW)].quantize_row = quantize_q8_K_row;
}

}  // namespace tern
