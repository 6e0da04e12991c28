// The "avx512" kernel set (AVX-512 F/BW/VL + VNNI; this file alone is compiled with those flags):
// the shared 256-bit kernels with vpdpbusd for the int8 dot products, and 512-bit ternary
// kernels that take 64 weight bytes per instruction. Same exactness as kernels_x86.h: int32
// block sums, then the reference's float steps.
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

// TQ2_0 / TQ2_0_S32: the 64 code bytes of a block hold elements 32j + m (low half) and
// 128 + 32j + m (high half) in bits 2j..2j+1; the matching activations are two 32-byte runs.
template <size_t WB, bool F32_SCALE>
struct Tq2x512 : Tq2<WB, F32_SCALE> {
    template <int NR, int NC>
    static void block(const uint8_t* const* w, const uint8_t* const* x, int64_t i, __m256i* acc) {
        const __m512i m3 = _mm512_set1_epi8(3);
        const uint8_t* xb[NC];
        __m512i xv[NC][4];
        for (int c = 0; c < NC; ++c) {
            xb[c] = x[c] + i * kQ8K + 4;
            for (int j = 0; j < 4; ++j) xv[c][j] = join(load(xb[c] + 32 * j), load(xb[c] + 128 + 32 * j));
        }
        for (int r = 0; r < NR; ++r) {
            const __m512i q = load512(w[r] + i * WB);
            __m512i a[NC];
            for (int c = 0; c < NC; ++c) a[c] = _mm512_setzero_si512();
#pragma GCC unroll 4
            for (int j = 0; j < 4; ++j) {
                const __m512i code = _mm512_and_si512(_mm512_srli_epi16(q, 2 * j), m3);
                for (int c = 0; c < NC; ++c) a[c] = _mm512_dpbusd_epi32(a[c], code, xv[c][j]);
            }
            finish<NC>(a, xb, r, acc);
        }
    }
};

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

}  // namespace

void add_avx512_kernels(CpuKernels& k) {
    add_x86_kernels(k);
    set_dot<Tq2x512<66, false>>(k, Type::TQ2_0);
    set_dot<Tq2x512<68, true>>(k, Type::TQ2_0_S32);
    set_dot<Tq1x512>(k, Type::TQ1_0);
}

}  // namespace tern
