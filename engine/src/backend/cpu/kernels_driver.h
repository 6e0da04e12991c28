// The ISA-neutral part of the SIMD kernel tables: rows of a weight matrix in groups for an
// ISA's tile<K, NR, NC> (8 (row, column) pairs with the reference's float steps), and the table
// entries. Include only from an ISA kernel header (kernels_x86.h, kernels_neon.h) after it
// defines tile<> and kPrefetchRows: everything here has internal linkage and is compiled with
// the including file's ISA flags.
#pragma once

#include "backend/cpu/kernels.h"

#include <cstddef>
#include <cstdint>

namespace tern {
namespace {

// Rows [r0, r1) NR at a time; a short last group repeats the last row (results dropped).
template <class K, int NR, int NC>
void tile_rows(const uint8_t* base, size_t stride, int64_t r0, int64_t r1, const uint8_t* const* x, int nc,
               int64_t nb, float* const* y) {
    const uint8_t* w[NR];
    alignas(32) float out[8];
    for (int64_t r = r0; r < r1; r += NR) {
        for (int k = 0; k < NR; ++k) w[k] = base + static_cast<size_t>(r + k < r1 ? r + k : r1 - 1) * stride;
        tile<K, NR, NC>(w, x, nb, K::kWB, kPrefetchRows * stride, out);
        const int64_t nr = r1 - r < NR ? r1 - r : NR;
        for (int64_t k = 0; k < nr; ++k)
            for (int c = 0; c < nc; ++c) y[c][r + k - r0] = out[k * NC + c];
    }
}

template <class K>
void mat_mat(const void* w, size_t stride, int64_t r0, int64_t r1, const void* const* x, int n_cols, int64_t n,
             float* const* y) {
    const auto* base = static_cast<const uint8_t*>(w);
    const int64_t nb = n / K::QK;
    for (int c0 = 0; c0 < n_cols; c0 += 4) {
        const int nc = n_cols - c0 < 4 ? n_cols - c0 : 4;
        const uint8_t* xs[4];
        for (int c = 0; c < 4; ++c) xs[c] = static_cast<const uint8_t*>(x[c0 + (c < nc ? c : nc - 1)]);
        if (nc == 1) tile_rows<K, 8, 1>(base, stride, r0, r1, xs, nc, nb, y + c0);
        else if (nc == 2) tile_rows<K, 4, 2>(base, stride, r0, r1, xs, nc, nb, y + c0);
        else tile_rows<K, 2, 4>(base, stride, r0, r1, xs, nc, nb, y + c0);
    }
}

// A mat-vec entry from a mat-mat one (one activation row).
template <MatMatFn MM>
void mat_vec_of(const void* w, size_t stride, int64_t r0, int64_t r1, const void* x, int64_t n, float* y) {
    const void* xs[1] = {x};
    float* ys[1] = {y};
    MM(w, stride, r0, r1, xs, 1, n, ys);
}

// Table entries of type t from a mat-mat function (mat_vec through mat_vec_of).
template <MatMatFn MM>
void set_products(CpuKernels& k, Type t) {
    auto& e = k.types[static_cast<size_t>(t)];
    e.mat_vec = mat_vec_of<MM>;
    e.mat_mat = MM;
}

// The entries of the block kernel K (tile<> per 8 (row, column) pairs).
template <class K>
void set_dot(CpuKernels& k, Type t) {
    set_products<mat_mat<K>>(k, t);
}

}  // namespace
}  // namespace tern
