// The 512-bit kernels of the "avx512" set (AVX-512 F/BW/VL + VNNI): the shared 256-bit kernels
// of kernels_x86.h with vpdpbusd for the int8 dot products, and 512-bit ternary kernels that take
// 64 weight bytes per instruction. Same exactness as kernels_x86.h: int32 block sums, then the
// reference's float steps. Include only from kernels_avx512.cpp and kernels_avx512_gfni.cpp
// (internal linkage, compiled with each file's ISA flags; the GFNI variants of the TQ2_0 kernels
// are instantiated only in the file compiled with -mgfni, so no GFNI instruction can reach a CPU
// without it).
#pragma once

#define TERN_X86_VNNI 1
// GCC 12 reports the undefined upper halves inside its own 256 → 512-bit cast and insert
// intrinsics as maybe-uninitialized (a false positive in avx512fintrin.h).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "backend/cpu/kernels_x86.h"

namespace tern {

namespace {

inline __m512i load512(const uint8_t* p) { return _mm512_loadu_si512(p); }

inline __m256i upper(__m512i a) { return _mm512_maskz_extracti64x4_epi64(0xFF, a, 1); }

// Two 32-byte pieces as one 64-byte vector.
inline __m512i join(__m256i lo, __m256i hi) {
    return _mm512_mask_broadcast_i64x4(_mm512_zextsi256_si512(lo), 0xF0, hi);
}

inline __m256i fold(__m512i a) { return _mm256_add_epi32(_mm512_castsi512_si256(a), upper(a)); }

template <int NC>
inline void finish(const __m512i* a, const uint8_t* const* xb, int r, __m256i* acc) {
    for (int c = 0; c < NC; ++c) {
        const __m256i bs = _mm256_madd_epi16(load(xb[c] + 256), _mm256_set1_epi16(1));
        acc[r * NC + c] = _mm256_sub_epi32(fold(a[c]), bs);
    }
}

// TQ2_0 codes j = 0..3 of 64 bytes: bits 2j..2j+1 of every byte. With GFNI one affine
// transform per j moves the two bits down and clears the rest (output bit i = parity of
// (byte AND matrix byte 7 - i), Intel SDM GF2P8AFFINEQB); without it, shift and mask.
template <int J, bool GFNI>
inline __m512i tq2_codes(__m512i q) {
    if constexpr (J == 0) {
        return _mm512_and_si512(q, _mm512_set1_epi8(3));
    } else if constexpr (GFNI) {
        constexpr uint64_t kMatrix = (uint64_t{1} << (2 * J)) << 56 | (uint64_t{1} << (2 * J + 1)) << 48;
        return _mm512_gf2p8affine_epi64_epi8(q, _mm512_set1_epi64(static_cast<long long>(kMatrix)), 0);
    } else {
        return _mm512_and_si512(_mm512_srli_epi16(q, 2 * J), _mm512_set1_epi8(3));
    }
}

// TQ2_0 / TQ2_0_S32: the 64 code bytes of a block hold elements 32j + m (low half) and
// 128 + 32j + m (high half) in bits 2j..2j+1; the matching activations are two 32-byte runs.
template <size_t WB, bool F32_SCALE, bool GFNI>
struct Tq2x512 : Tq2<WB, F32_SCALE> {
    static void activations(const uint8_t* xb, __m512i* xv) {
        for (int j = 0; j < 4; ++j) xv[j] = join(load(xb + 32 * j), load(xb + 128 + 32 * j));
    }
    // Σ code · x over one block, in 16 int32 lanes.
    static __m512i dot(__m512i q, const __m512i* xv) {
        __m512i a = _mm512_dpbusd_epi32(_mm512_setzero_si512(), tq2_codes<0, GFNI>(q), xv[0]);
        a = _mm512_dpbusd_epi32(a, tq2_codes<1, GFNI>(q), xv[1]);
        a = _mm512_dpbusd_epi32(a, tq2_codes<2, GFNI>(q), xv[2]);
        return _mm512_dpbusd_epi32(a, tq2_codes<3, GFNI>(q), xv[3]);
    }
    template <int NR, int NC>
    static void block(const uint8_t* const* w, const uint8_t* const* x, int64_t i, __m256i* acc) {
        const uint8_t* xb[NC];
        __m512i xv[NC][4];
        for (int c = 0; c < NC; ++c) {
            xb[c] = x[c] + i * kQ8K + 4;
            activations(xb[c], xv[c]);
        }
        for (int r = 0; r < NR; ++r) {
            const __m512i q = load512(w[r] + i * WB);
            __m512i a[NC];
            for (int c = 0; c < NC; ++c) a[c] = dot(q, xv[c]);
            finish<NC>(a, xb, r, acc);
        }
    }
};

// The decode kernels' group of 8 weight rows from r (rows past r1 repeat row r1 - 1, their
// results dropped): pointers, and the byte offsets from row 0 for gathering the 8 scales (rows
// ascend, so the offsets are ≥ 0).
struct Rows8 {
    const uint8_t* p[8];
    __m256i off;
    int64_t n;  // rows that count: min(8, r1 - r)

    Rows8(const uint8_t* base, size_t stride, int64_t r, int64_t r1) : n(r1 - r < 8 ? r1 - r : 8) {
        alignas(32) int32_t o[8];
        for (int k = 0; k < 8; ++k) {
            p[k] = base + static_cast<size_t>(r + k < r1 ? r + k : r1 - 1) * stride;
            o[k] = static_cast<int32_t>(p[k] - p[0]);
        }
        off = _mm256_load_si256(reinterpret_cast<const __m256i*>(o));
    }
};

// Decode (one activation row): 8 weight rows per step with the per-row work cut to the block's
// dot product; the activation block sum is subtracted once for the 8 rows, and the 8 weight
// scales come in by one gather. Same int32 block sums and float steps as tile<>, so the
// results are still bit-identical to the scalar reference.
template <size_t WB, bool F32_SCALE, bool GFNI>
void tq2_rows8(const Rows8& rows, const uint8_t* x, int64_t nb, size_t ahead, float* out) {
    using K = Tq2x512<WB, F32_SCALE, GFNI>;
    const uint8_t* const* w = rows.p;
    // FP16 scales are read as the upper half of the 32-bit word ending at the scale, inside the block.
    const int scale_at = F32_SCALE ? 64 : 62;
    __m256 sum = _mm256_setzero_ps();
    for (int64_t i = 0; i < nb; ++i) {
        if (ahead)
            for (int r = 0; r < 8; ++r) {
                const char* p = reinterpret_cast<const char*>(w[r] + ahead + static_cast<size_t>(i) * WB);
                _mm_prefetch(p, _MM_HINT_T0);
                _mm_prefetch(p + 63, _MM_HINT_T0);
            }
        const uint8_t* xb = x + i * kQ8K + 4;
        __m512i xv[4];
        K::activations(xb, xv);
        __m256i f[8];
        for (int r = 0; r < 8; ++r) f[r] = fold(K::dot(load512(w[r] + i * WB), xv));
        // Σ x over the block (its 16 bsums), in every lane; the codes are value + 1.
        __m256i bs = _mm256_madd_epi16(load(xb + 256), _mm256_set1_epi16(1));
        bs = _mm256_add_epi32(bs, _mm256_shuffle_epi32(bs, 0x4E));
        bs = _mm256_add_epi32(bs, _mm256_shuffle_epi32(bs, 0xB1));
        bs = _mm256_add_epi32(bs, _mm256_permute2x128_si256(bs, bs, 0x01));
        const __m256i sumi = _mm256_sub_epi32(reduce8(f), bs);
        const __m256i raw = _mm256_i32gather_epi32(reinterpret_cast<const int*>(w[0] + i * WB + scale_at), rows.off, 1);
        const __m256 dw = F32_SCALE ? _mm256_castsi256_ps(raw)
                                    : _mm256_cvtph_ps(_mm256_cvtepi32_epi16(_mm256_srli_epi32(raw, 16)));
        const __m256 scale = _mm256_mul_ps(dw, _mm256_set1_ps(f32_at(x + i * kQ8K)));
        sum = _mm256_add_ps(sum, _mm256_mul_ps(_mm256_cvtepi32_ps(sumi), scale));
    }
    _mm256_storeu_ps(out, sum);
}

template <size_t WB, bool F32_SCALE, bool GFNI>
void tq2_mat_mat(const void* w, size_t stride, int64_t r0, int64_t r1, const void* const* x, int n_cols, int64_t n,
                 float* const* y) {
    using K = Tq2x512<WB, F32_SCALE, GFNI>;
    if (n_cols != 1) return mat_mat<K>(w, stride, r0, r1, x, n_cols, n, y);
    const auto* base = static_cast<const uint8_t*>(w);
    const auto* xr = static_cast<const uint8_t*>(x[0]);
    alignas(32) float out[8];
    for (int64_t r = r0; r < r1; r += 8) {
        const Rows8 rows(base, stride, r, r1);
        tq2_rows8<WB, F32_SCALE, GFNI>(rows, xr, n / 256, kPrefetchRows * stride, out);
        for (int64_t k = 0; k < rows.n; ++k) y[0][r + k - r0] = out[k];
    }
}

template <size_t WB, bool F32_SCALE, bool GFNI>
void set_tq2(CpuKernels& k, Type t) {
    set_products<tq2_mat_mat<WB, F32_SCALE, GFNI>>(k, t);
}

inline __m512i times3(__m512i p) { return _mm512_add_epi8(p, _mm512_add_epi8(p, p)); }

// Leading base-3 digit (p·3) >> 8 of every byte: 0 below 86, 1 below 171, else 2.
inline __m512i digit(__m512i p) {
    const __mmask64 ge86 = _mm512_cmpge_epu8_mask(p, _mm512_set1_epi8(86));
    const __mmask64 ge171 = _mm512_cmpge_epu8_mask(p, _mm512_set1_epi8(static_cast<char>(171)));
    return _mm512_mask_blend_epi8(ge171, _mm512_maskz_mov_epi8(ge86, _mm512_set1_epi8(1)), _mm512_set1_epi8(2));
}

// TQ1_0: the block's 256 digits as four 64-byte vectors in element order:
// [qs·1, qs·3], [qs·9, qs·27], [qs·81, q2·1, q2·3], [q2·9, q2·27, q2·81, qh·3^n] (q2 = qs[32..47]).
struct Tq1x512 : Tq1 {
    template <int NR, int NC>
    static void block(const uint8_t* const* w, const uint8_t* const* x, int64_t i, __m256i* acc) {
        const uint8_t* xb[NC];
        for (int c = 0; c < NC; ++c) xb[c] = x[c] + i * kQ8K + 4;
        for (int r = 0; r < NR; ++r) {
            const uint8_t* b = w[r] + i * WB;
            const __m256i p = load(b);
            const __m512i v0 = join(p, tern::times3(p));
            const __m512i v1 = times3(times3(v0));
            const __m256i p81 = tern::times3(upper(v1));
            const __m128i q0 = load128(b + 32);
            const __m128i q1 = tern::times3(q0), q2 = tern::times3(q1), q3 = tern::times3(q2), q4 = tern::times3(q3);
            uint32_t qh;
            std::memcpy(&qh, b + 48, sizeof qh);
            const __m128i h0 = _mm_set1_epi32(static_cast<int>(qh));
            const __m128i h1 = tern::times3(h0), h2 = tern::times3(h1), h3 = tern::times3(h2);
            const __m128i hv = _mm_blend_epi32(_mm_blend_epi32(_mm_blend_epi32(h0, h1, 2), h2, 4), h3, 8);
            const __m512i v2 = join(p81, _mm256_set_m128i(q1, q0));
            const __m512i v3 = join(_mm256_set_m128i(q3, q2), _mm256_set_m128i(hv, q4));
            const __m512i d[4] = {digit(v0), digit(v1), digit(v2), digit(v3)};
            __m512i a[NC];
            for (int c = 0; c < NC; ++c) {
                a[c] = _mm512_setzero_si512();
                for (int k = 0; k < 4; ++k) a[c] = _mm512_dpbusd_epi32(a[c], d[k], load512(xb[c] + 64 * k));
            }
            finish<NC>(a, xb, r, acc);
        }
    }
};

// Decode (one activation row) for TQ1_0. The activations are rearranged once per call so that
// every weight row needs no shuffles: per block, five 64-byte vectors X_n match the digit-n
// vector of the block's 52 code bytes [qs[0..47], qh[0..3]] (element order as Tq1):
// X_n[m] = x[32n + m], X_n[32 + m] = x[160 + 16n + m], X_n[48 + j] = x[240 + 4n + j] (n < 4),
// 0 elsewhere, so unused digits (qh has four, bytes 52..63 none) meet zero activations.
struct Tq1DecodeActs {
    static constexpr int64_t kBlocks = 32;  // blocks per chunk of the row (10 KiB)
    alignas(64) uint8_t x[kBlocks][5][64];
    int32_t bsum[kBlocks];                  // Σ x over the block (the codes are value + 1)
    float d[kBlocks];

    void fill(const uint8_t* xrow, int64_t b0, int64_t nb) {
        for (int64_t k = 0; k < nb; ++k) {
            const uint8_t* q = xrow + (b0 + k) * kQ8K;
            std::memcpy(&d[k], q, sizeof(float));
            const uint8_t* xs = q + 4;
            for (int n = 0; n < 5; ++n) {
                uint8_t* v = x[k][n];
                _mm512_store_si512(v, _mm512_setzero_si512());
                _mm256_store_si256(reinterpret_cast<__m256i*>(v), load(xs + 32 * n));
                _mm_store_si128(reinterpret_cast<__m128i*>(v + 32), load128(xs + 160 + 16 * n));
                if (n < 4) std::memcpy(v + 48, xs + 240 + 4 * n, 4);
            }
            __m256i bs = _mm256_madd_epi16(load(xs + 256), _mm256_set1_epi16(1));
            bs = _mm256_add_epi32(bs, _mm256_shuffle_epi32(bs, 0x4E));
            bs = _mm256_add_epi32(bs, _mm256_shuffle_epi32(bs, 0xB1));
            bs = _mm256_add_epi32(bs, _mm256_permute2x128_si256(bs, bs, 0x01));
            bsum[k] = _mm256_cvtsi256_si32(bs);
        }
    }
};

// Σ digit · x of one TQ1_0 block (16 int32 lanes): the 52 code bytes in one masked load (no read
// past the block), digit n of every byte from byte · 3^n mod 256.
struct Tq1DigitsByMul {
    static __m512i block_dot(const uint8_t* b, const __m512i* xv) {
        __m512i q = _mm512_maskz_loadu_epi8((uint64_t{1} << 52) - 1, b);
        __m512i a = _mm512_dpbusd_epi32(_mm512_setzero_si512(), digit(q), xv[0]);
        for (int n = 1; n < 5; ++n) {
            q = times3(q);
            a = _mm512_dpbusd_epi32(a, digit(q), xv[n]);
        }
        return a;
    }
};

// Rows w[0..8) over blocks [b0, b0 + nb) of the prepared activations; sum: the 8 rows' running
// float sums (the reference's block-by-block steps), updated.
template <class Digits>
inline __m256 tq1_rows8(const Rows8& rows, const Tq1DecodeActs& a, int64_t b0, int64_t nb, size_t ahead,
                        __m256 sum) {
    const uint8_t* const* w = rows.p;
    for (int64_t k = 0; k < nb; ++k) {
        const int64_t i = b0 + k;
        if (ahead)
            for (int r = 0; r < 8; ++r) {
                const char* p = reinterpret_cast<const char*>(w[r] + ahead + static_cast<size_t>(i) * Tq1::WB);
                _mm_prefetch(p, _MM_HINT_T0);
                _mm_prefetch(p + 53, _MM_HINT_T0);
            }
        __m512i xv[5];
        for (int n = 0; n < 5; ++n) xv[n] = _mm512_load_si512(a.x[k][n]);
        __m256i f[8];
        for (int r = 0; r < 8; ++r) f[r] = fold(Digits::block_dot(w[r] + i * Tq1::WB, xv));
        const __m256i sumi = _mm256_sub_epi32(reduce8(f), _mm256_set1_epi32(a.bsum[k]));
        // The FP16 scale is the upper half of the 32-bit word at 50 (inside the block).
        const __m256i raw = _mm256_i32gather_epi32(reinterpret_cast<const int*>(w[0] + i * Tq1::WB + 50), rows.off, 1);
        const __m256 dw = _mm256_cvtph_ps(_mm256_cvtepi32_epi16(_mm256_srli_epi32(raw, 16)));
        const __m256 scale = _mm256_mul_ps(dw, _mm256_set1_ps(a.d[k]));
        sum = _mm256_add_ps(sum, _mm256_mul_ps(_mm256_cvtepi32_ps(sumi), scale));
    }
    return sum;
}

template <class Digits>
void tq1_mat_mat(const void* w, size_t stride, int64_t r0, int64_t r1, const void* const* x, int n_cols, int64_t n,
                 float* const* y) {
    if (n_cols != 1) return mat_mat<Tq1x512>(w, stride, r0, r1, x, n_cols, n, y);
    const auto* base = static_cast<const uint8_t*>(w);
    const auto* xr = static_cast<const uint8_t*>(x[0]);
    const int64_t nb = n / 256;
    Tq1DecodeActs acts;
    alignas(32) float out[8];
    for (int64_t b0 = 0; b0 < nb; b0 += Tq1DecodeActs::kBlocks) {
        const int64_t cb = nb - b0 < Tq1DecodeActs::kBlocks ? nb - b0 : Tq1DecodeActs::kBlocks;
        acts.fill(xr, b0, cb);
        for (int64_t r = r0; r < r1; r += 8) {
            const Rows8 rows(base, stride, r, r1);
            // Later chunks continue the rows' sums where the previous chunk left them.
            for (int64_t k = 0; k < 8; ++k) out[k] = b0 == 0 || k >= rows.n ? 0.0f : y[0][r + k - r0];
            _mm256_store_ps(out, tq1_rows8<Digits>(rows, acts, b0, cb, kPrefetchRows * stride, _mm256_load_ps(out)));
            for (int64_t k = 0; k < rows.n; ++k) y[0][r + k - r0] = out[k];
        }
    }
}

template <class Digits>
void set_tq1(CpuKernels& k) {
    set_products<tq1_mat_mat<Digits>>(k, Type::TQ1_0);
}

}  // namespace
}  // namespace tern
