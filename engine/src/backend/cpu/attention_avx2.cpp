// ATTENTION kernels with AVX2 + F16C (this file alone is compiled with those flags and
// -ffp-contract=off; attention.cpp calls it only when cpu_kernels() chose "avx2" or "avx512").
// Bit-identical to the scalar reference (attention.h): dot16's 16 partial sums are the lanes of
// two 8-float registers, reduced in the reference's pairwise order; mix keeps each output
// dimension's sum in j order in its own lane. Multiplies and adds stay separate (no FMA).
#include "backend/cpu/attention.h"

#include <immintrin.h>

namespace tern::cpu {

namespace {

inline __m256 load8(const float* p) { return _mm256_loadu_ps(p); }
inline __m256 load8(const uint16_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}
inline float widen(float x) { return x; }
inline float widen(uint16_t h) { return _cvtsh_ss(h); }

// p[l] += p[l + 8], then + 4, + 2, + 1 (attention.h).
inline float reduce16(__m256 a0, __m256 a1) {
    const __m256 s8 = _mm256_add_ps(a0, a1);
    const __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    const __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
    const __m128 s1 = _mm_add_ss(s2, _mm_shuffle_ps(s2, s2, 1));
    return _mm_cvtss_f32(s1);
}

template <class E>
float dot16(const float* q, const E* k, int64_t hd) {
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    const int64_t h16 = hd / 16 * 16;
    for (int64_t d = 0; d < h16; d += 16) {
        a0 = _mm256_add_ps(a0, _mm256_mul_ps(_mm256_loadu_ps(q + d), load8(k + d)));
        a1 = _mm256_add_ps(a1, _mm256_mul_ps(_mm256_loadu_ps(q + d + 8), load8(k + d + 8)));
    }
    if (h16 == hd) return reduce16(a0, a1);
    alignas(32) float p[16];
    _mm256_store_ps(p, a0);
    _mm256_store_ps(p + 8, a1);
    for (int64_t d = h16; d < hd; ++d) p[d - h16] += q[d] * widen(k[d]);
    for (int w = 8; w >= 1; w /= 2)
        for (int l = 0; l < w; ++l) p[l] += p[l + w];
    return p[0];
}

template <class E>
void scores(const float* q, const E* k, int64_t stride, int64_t n, int64_t hd, float* s) {
    for (int64_t j = 0; j < n; ++j) s[j] = dot16(q, k + j * stride, hd);
}

template <class E>
void mix(const float* p, const E* v, int64_t stride, int64_t n, int64_t hd, float* o) {
    int64_t d0 = 0;
    // 64 dims in eight registers across all positions, then 8 at a time, then one at a time.
    for (; d0 + 64 <= hd; d0 += 64) {
        __m256 acc[8];
        for (int r = 0; r < 8; ++r) acc[r] = _mm256_setzero_ps();
        for (int64_t j = 0; j < n; ++j) {
            const E* vj = v + j * stride + d0;
            const __m256 pj = _mm256_set1_ps(p[j]);
            for (int r = 0; r < 8; ++r) acc[r] = _mm256_add_ps(acc[r], _mm256_mul_ps(pj, load8(vj + 8 * r)));
        }
        for (int r = 0; r < 8; ++r) _mm256_storeu_ps(o + d0 + 8 * r, acc[r]);
    }
    for (; d0 + 8 <= hd; d0 += 8) {
        __m256 acc = _mm256_setzero_ps();
        for (int64_t j = 0; j < n; ++j) acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_set1_ps(p[j]), load8(v + j * stride + d0)));
        _mm256_storeu_ps(o + d0, acc);
    }
    for (; d0 < hd; ++d0) {
        float a = 0.0f;
        for (int64_t j = 0; j < n; ++j) a += p[j] * widen(v[j * stride + d0]);
        o[d0] = a;
    }
}

void scores_f32(const float* q, const float* k, int64_t stride, int64_t n, int64_t hd, float* s) {
    scores(q, k, stride, n, hd, s);
}
void scores_f16(const float* q, const uint16_t* k, int64_t stride, int64_t n, int64_t hd, float* s) {
    scores(q, k, stride, n, hd, s);
}
void mix_f32(const float* p, const float* v, int64_t stride, int64_t n, int64_t hd, float* o) {
    mix(p, v, stride, n, hd, o);
}
void mix_f16(const float* p, const uint16_t* v, int64_t stride, int64_t n, int64_t hd, float* o) {
    mix(p, v, stride, n, hd, o);
}

// Round to nearest even, as fp32_to_fp16 (overflow → ±inf; NaN stays NaN).
void to_f16(const float* src, uint16_t* dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    for (; i < n; ++i) dst[i] = _cvtss_sh(src[i], _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}

const AttentionKernels kAvx2{"avx2", scores_f32, scores_f16, mix_f32, mix_f16, to_f16};

}  // namespace

const AttentionKernels& attention_kernels_avx2() { return kAvx2; }

}  // namespace tern::cpu
