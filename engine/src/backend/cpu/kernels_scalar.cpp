#include "backend/cpu/kernels.h"
#include "tensor/quants.h"

namespace tern {

namespace {

template <Type T>
void quantize(const float* x, void* dst, int64_t n) { ref::quantize_row(T, x, dst, n); }

template <Type T>
void dequantize(const void* src, float* dst, int64_t n) { ref::dequantize_row(T, src, dst, n); }

template <Type T>
void mat_vec(const void* w, size_t row_stride, int64_t r0, int64_t r1, const void* x, int64_t n, float* y) {
    const auto* base = static_cast<const uint8_t*>(w);
    for (int64_t r = r0; r < r1; ++r)
        y[r - r0] = ref::vec_dot(T, base + static_cast<size_t>(r) * row_stride, x, n);
}

template <Type T>
void mat_mat(const void* w, size_t row_stride, int64_t r0, int64_t r1, const void* const* x, int n_cols, int64_t n,
             float* const* y) {
    for (int c = 0; c < n_cols; ++c) mat_vec<T>(w, row_stride, r0, r1, x[c], n, y[c]);
}

template <Type T>
void add(CpuKernels& k, bool activation) {
    auto& e = k.types[static_cast<size_t>(T)];
    e.dequantize_row = dequantize<T>;
    if (activation) e.quantize_row = quantize<T>;
    if constexpr (T != Type::Q8_K && T != Type::Q8_K_ROW) {
        e.mat_vec = mat_vec<T>;
        e.mat_mat = mat_mat<T>;
    }
}

CpuKernels make_scalar() {
    CpuKernels k;
    k.name = "scalar";
    add<Type::F32>(k, true);
    add<Type::F16>(k, true);
    add<Type::BF16>(k, true);
    add<Type::Q8_0>(k, true);
    add<Type::Q8_K>(k, true);
    add<Type::Q8_K_ROW>(k, true);
    add<Type::Q4_0>(k, false);
    add<Type::TQ1_0>(k, false);
    add<Type::TQ2_0>(k, false);
    add<Type::TQ2_0_S32>(k, false);  // I2_S weights, converted at load time
    return k;
}

}  // namespace

const CpuKernels& scalar_kernels() {
    static const CpuKernels k = make_scalar();
    return k;
}

}  // namespace tern
