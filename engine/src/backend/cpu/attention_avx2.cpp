// ATTENTION kernels with AVX2 + F16C (this file alone is compiled with those flags and
// -ffp-contract=off; attention.cpp calls it only when cpu_kernels() chose "avx2" or "avx512").
// Bit-identical to the scalar reference (attention.h): scores put 8 positions in the 8 lanes and
// visit the dimensions in order through an 8×8 transpose (as the F32 mat_vec kernel does); the
// V sum keeps each output dimension in its own lane, positions in order. Multiplies and adds
// stay separate (no FMA).
#include "backend/cpu/attention.h"
#include "backend/cpu/kernels_x86_float.h"

#include <immintrin.h>

namespace tern::cpu {

namespace {

// s[j] = q · K_j for 8 positions at a time: lane l accumulates position j0 + l over d in order.
template <class E>
void scores(const float* q, const E* k, int64_t stride, int64_t n, int64_t hd, float* s) {
    const int64_t h8 = hd / 8 * 8;
    int64_t j0 = 0;
    for (; j0 + 8 <= n; j0 += 8) {
        const E* rows[8];
        for (int l = 0; l < 8; ++l) rows[l] = k + (j0 + l) * stride;
        __m256 acc = _mm256_setzero_ps();
        for (int64_t d0 = 0; d0 < h8; d0 += 8) {
            __m256 col[8];
            for (int l = 0; l < 8; ++l) col[l] = load8(rows[l] + d0);
            transpose8(col);  // col[i] = element d0 + i of the 8 positions
            for (int i = 0; i < 8; ++i) acc = _mm256_add_ps(acc, _mm256_mul_ps(col[i], _mm256_set1_ps(q[d0 + i])));
        }
        if (h8 == hd) {
            _mm256_storeu_ps(s + j0, acc);
            continue;
        }
        alignas(32) float a[8];
        _mm256_store_ps(a, acc);
        for (int l = 0; l < 8; ++l) {
            float x = a[l];
            for (int64_t d = h8; d < hd; ++d) x += q[d] * to_f(rows[l][d]);
            s[j0 + l] = x;
        }
    }
    for (; j0 < n; ++j0) {  // the last < 8 positions
        const E* r = k + j0 * stride;
        float x = 0.0f;
        for (int64_t d = 0; d < hd; ++d) x += q[d] * to_f(r[d]);
        s[j0] = x;
    }
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
        for (int64_t j = 0; j < n; ++j) a += p[j] * to_f(v[j * stride + d0]);
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
