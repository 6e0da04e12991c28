// 256-bit x86 kernels shared by kernels_avx2.cpp (TERN_X86_VNNI 0: maddubs/madd) and
// kernels_avx512.cpp (TERN_X86_VNNI 1: vpdpbusd). Include only from those two files: everything
// here has internal linkage and is compiled with the including file's ISA flags, so no inline
// function compiled for AVX2 can be picked by the linker for baseline code. For the same reason
// these files call no std:: template (std::min, containers).
//
// Dot products (formats.md §1.3, §2): the weight codes are unsigned (TQ: 0..2, the value + 1;
// Q8_0/Q4_0: |w| with the sign moved onto the activation), multiplied with int8 activations and
// summed per block in int32; TQ subtracts the activation block sum (Q8_K bsums) to undo the +1.
// Eight (weight row, activation row) pairs are computed together: their block sums are reduced
// into one vector whose lane p then takes the scalar reference's float step for pair p,
// sum_p += float(sumi_p) · (d_w · d_x), so every result is bit-identical to tensor/quants.cpp.
#pragma once

#ifndef TERN_X86_VNNI
#error "define TERN_X86_VNNI (0 or 1) before including kernels_x86.h"
#endif

#include "backend/cpu/kernels.h"
#include "backend/cpu/kernels_x86_float.h"
#include "tensor/fp16.h"

#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tern {
namespace {

inline float h2f(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, sizeof h);
    return _cvtsh_ss(h);
}

inline float f32_at(const uint8_t* p) {
    float f;
    std::memcpy(&f, p, sizeof f);
    return f;
}

inline __m256i load(const uint8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
inline __m128i load128(const uint8_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); }

// Accumulates Σ u8·s8 products into int32 lanes (groups of 4 bytes). Without VNNI the
// products go through int16 pair sums, which cannot saturate for our operands (|u| ≤ 128,
// |s| ≤ 127, or |u| ≤ 3 with any s).
inline __m256i dot_acc(__m256i acc, __m256i u, __m256i s) {
#if TERN_X86_VNNI
    return _mm256_dpbusd_epi32(acc, u, s);
#else
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1)));
#endif
}

// Lane p of the result: the sum of the 8 lanes of a[p] (wrapping int32 adds, exact here).
inline __m256i reduce8(const __m256i* a) {
    const __m256i t0 = _mm256_hadd_epi32(a[0], a[1]);
    const __m256i t1 = _mm256_hadd_epi32(a[2], a[3]);
    const __m256i t2 = _mm256_hadd_epi32(a[4], a[5]);
    const __m256i t3 = _mm256_hadd_epi32(a[6], a[7]);
    const __m256i u0 = _mm256_hadd_epi32(t0, t1);
    const __m256i u1 = _mm256_hadd_epi32(t2, t3);
    return _mm256_add_epi32(_mm256_permute2x128_si256(u0, u1, 0x20), _mm256_permute2x128_si256(u0, u1, 0x31));
}

// ---- block kernels: acc[r·NC + c] gets int32 lanes summing to block i of row r · column c ----

// Ternary weights against Q8_K activations (d: float at 0, qs at 4, bsums at 260).
constexpr size_t kQ8K = 292;

// The (value + 1) codes of the 4 bytes-per-group layouts accumulate here: in int16 without
// VNNI (8 products of |code| ≤ 3 with int8 stay below 2^15), in int32 with it.
template <int P>
struct TernaryAcc {
#if TERN_X86_VNNI
    __m256i a[P];
    TernaryAcc() { for (int p = 0; p < P; ++p) a[p] = _mm256_setzero_si256(); }
    void add(int p, __m256i code, __m256i x) { a[p] = _mm256_dpbusd_epi32(a[p], code, x); }
    __m256i get(int p) const { return a[p]; }
#else
    __m256i a[P];
    TernaryAcc() { for (int p = 0; p < P; ++p) a[p] = _mm256_setzero_si256(); }
    void add(int p, __m256i code, __m256i x) { a[p] = _mm256_add_epi16(a[p], _mm256_maddubs_epi16(code, x)); }
    __m256i get(int p) const { return _mm256_madd_epi16(a[p], _mm256_set1_epi16(1)); }
#endif
};

template <int NR, int NC, int P>
inline void finish_ternary(const TernaryAcc<P>& t, const uint8_t* const* xb, __m256i* acc) {
    for (int c = 0; c < NC; ++c) {
        const __m256i bs = _mm256_madd_epi16(load(xb[c] + 256), _mm256_set1_epi16(1));
        for (int r = 0; r < NR; ++r) acc[r * NC + c] = _mm256_sub_epi32(t.get(r * NC + c), bs);
    }
}

// TQ2_0 (66-byte blocks, fp16 d at 64) and TQ2_0_S32 (68 bytes, float d at 64): element
// 128h + 32j + m is bits 2j..2j+1 of qs[32h + m].
template <size_t WB, bool F32_SCALE>
struct Tq2 {
    static constexpr int64_t QK = 256;
    static constexpr size_t kWB = WB;
    static float wscale(const uint8_t* w, int64_t i) {
        return F32_SCALE ? f32_at(w + i * WB + 64) : h2f(w + i * WB + 64);
    }
    static float xscale(const uint8_t* x, int64_t i) { return f32_at(x + i * kQ8K); }
    template <int NR, int NC>
    static void block(const uint8_t* const* w, const uint8_t* const* x, int64_t i, __m256i* acc) {
        const __m256i m3 = _mm256_set1_epi8(3);
        const uint8_t* xb[NC];
        for (int c = 0; c < NC; ++c) xb[c] = x[c] + i * kQ8K + 4;
        TernaryAcc<NR * NC> t;
        for (int h = 0; h < 2; ++h) {
#pragma GCC unroll 4
            for (int j = 0; j < 4; ++j) {
                __m256i xv[NC];
                for (int c = 0; c < NC; ++c) xv[c] = load(xb[c] + 128 * h + 32 * j);
                for (int r = 0; r < NR; ++r) {
                    const __m256i code = _mm256_and_si256(_mm256_srli_epi16(load(w[r] + i * WB + 32 * h), 2 * j), m3);
                    for (int c = 0; c < NC; ++c) t.add(r * NC + c, code, xv[c]);
                }
            }
        }
        finish_ternary<NR, NC>(t, xb, acc);
    }
};

// (p·3) >> 8 for every byte p: the leading base-3 digit of TQ1_0's fixed-point bytes
// (formats.md §2.3), i.e. 0 below 86, 1 below 171, else 2.
inline __m256i tq1_digit(__m256i p) {
    const __m256i ge86 = _mm256_cmpeq_epi8(_mm256_max_epu8(p, _mm256_set1_epi8(86)), p);
    const __m256i ge171 = _mm256_cmpeq_epi8(_mm256_max_epu8(p, _mm256_set1_epi8(static_cast<char>(171))), p);
    return _mm256_sub_epi8(_mm256_setzero_si256(), _mm256_add_epi8(ge86, ge171));
}
inline __m256i times3(__m256i p) { return _mm256_add_epi8(p, _mm256_add_epi8(p, p)); }  // mod 256
inline __m128i times3(__m128i p) { return _mm_add_epi8(p, _mm_add_epi8(p, p)); }

// TQ1_0 (54-byte blocks: qs[48], qh[4], fp16 d at 52). Element 32n + m: digit n of qs[m];
// 160 + 16n + m: digit n of qs[32 + m]; 240 + 4n + j: digit n of qh[j]. Digit n of q is the
// leading digit of q·3^n mod 256.
struct Tq1 {
    static constexpr int64_t QK = 256;
    static constexpr size_t WB = 54;
    static constexpr size_t kWB = WB;
    static float wscale(const uint8_t* w, int64_t i) { return h2f(w + i * WB + 52); }
    static float xscale(const uint8_t* x, int64_t i) { return f32_at(x + i * kQ8K); }
    template <int NR, int NC>
    static void block(const uint8_t* const* w, const uint8_t* const* x, int64_t i, __m256i* acc) {
        const uint8_t* xb[NC];
        __m256i bs[NC];
        for (int c = 0; c < NC; ++c) {
            xb[c] = x[c] + i * kQ8K + 4;
            bs[c] = _mm256_madd_epi16(load(xb[c] + 256), _mm256_set1_epi16(1));
        }
        for (int r = 0; r < NR; ++r) {  // one row at a time: its NC accumulators stay in registers
            TernaryAcc<NC> t;
            const uint8_t* b = w[r] + i * WB;
            __m256i p = load(b);
#pragma GCC unroll 5
            for (int n = 0; n < 5; ++n) {
                if (n > 0) p = times3(p);
                const __m256i code = tq1_digit(p);
                for (int c = 0; c < NC; ++c) t.add(c, code, load(xb[c] + 32 * n));
            }
            const __m128i q0 = load128(b + 32);
            const __m128i q1 = times3(q0), q2 = times3(q1), q3 = times3(q2), q4 = times3(q3);
            uint32_t qh;
            std::memcpy(&qh, b + 48, sizeof qh);
            const __m128i h0 = _mm_set1_epi32(static_cast<int>(qh));
            const __m128i h1 = times3(h0), h2 = times3(h1), h3 = times3(h2);
            const __m128i hv = _mm_blend_epi32(_mm_blend_epi32(_mm_blend_epi32(h0, h1, 2), h2, 4), h3, 8);
            const __m256i g0 = tq1_digit(_mm256_set_m128i(q1, q0));
            const __m256i g1 = tq1_digit(_mm256_set_m128i(q3, q2));
            const __m256i g2 = tq1_digit(_mm256_set_m128i(hv, q4));
            for (int c = 0; c < NC; ++c) {
                t.add(c, g0, load(xb[c] + 160));
                t.add(c, g1, load(xb[c] + 192));
                t.add(c, g2, load(xb[c] + 224));
                acc[r * NC + c] = _mm256_sub_epi32(t.get(c), bs[c]);
            }
        }
    }
};

// Q8_0 weights (34-byte blocks: fp16 d, qs[32]) against Q8_0 activations.
struct Q80 {
    static constexpr int64_t QK = 32;
    static constexpr size_t kWB = 34;
    static float wscale(const uint8_t* w, int64_t i) { return h2f(w + i * 34); }
    static float xscale(const uint8_t* x, int64_t i) { return h2f(x + i * 34); }
    static __m256i weights(const uint8_t* w, int64_t i) { return load(w + i * 34 + 2); }
};

// Q4_0 weights (18-byte blocks: fp16 d, qs[16]; element j low nibble of qs[j], 16 + j high).
struct Q40 {
    static constexpr int64_t QK = 32;
    static constexpr size_t kWB = 18;
    static float wscale(const uint8_t* w, int64_t i) { return h2f(w + i * 18); }
    static float xscale(const uint8_t* x, int64_t i) { return h2f(x + i * 34); }
    static __m256i weights(const uint8_t* w, int64_t i) {
        const __m128i q = load128(w + i * 18 + 2);
        const __m256i nib = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(q, 4), q), _mm256_set1_epi8(0x0F));
        return _mm256_sub_epi8(nib, _mm256_set1_epi8(8));
    }
};

// Signed int8 weights (Q8_0, Q4_0) · Q8_0 activations: |w| · sign(x, w).
template <class W>
struct Int8Dot : W {
    template <int NR, int NC>
    static void block(const uint8_t* const* w, const uint8_t* const* x, int64_t i, __m256i* acc) {
        __m256i xv[NC];
        for (int c = 0; c < NC; ++c) xv[c] = load(x[c] + i * 34 + 2);
        for (int r = 0; r < NR; ++r) {
            const __m256i wv = W::weights(w[r], i);
            const __m256i aw = _mm256_abs_epi8(wv);
            for (int c = 0; c < NC; ++c)
                acc[r * NC + c] = dot_acc(_mm256_setzero_si256(), aw, _mm256_sign_epi8(xv[c], wv));
        }
    }
};

// ---- the row × column driver ----------------------------------------------------------

// out[r·NC + c] = row w[r] · column x[c] over nb blocks, with the reference's float steps.
// `ahead`: bytes from a row to the row whose same block is prefetched meanwhile (rows are
// short, 8-16 cache lines, too short for the hardware prefetcher to follow 8 of them at once).
template <class K, int NR, int NC>
inline void tile(const uint8_t* const* w, const uint8_t* const* x, int64_t nb, size_t wb, size_t ahead, float* out) {
    static_assert(NR * NC == 8, "8 (row, column) pairs per tile");
    __m256 sum = _mm256_setzero_ps();
    alignas(32) float sc[8];
    for (int64_t i = 0; i < nb; ++i) {
        if (ahead)
            for (int r = 0; r < NR; ++r) {
                const char* p = reinterpret_cast<const char*>(w[r] + ahead + static_cast<size_t>(i) * wb);
                _mm_prefetch(p, _MM_HINT_T0);
                if constexpr (K::kWB > 64) _mm_prefetch(p + 63, _MM_HINT_T0);
            }
        __m256i acc[8];
        K::template block<NR, NC>(w, x, i, acc);
        for (int r = 0; r < NR; ++r) {
            const float dw = K::wscale(w[r], i);
            for (int c = 0; c < NC; ++c) sc[r * NC + c] = dw * K::xscale(x[c], i);
        }
        sum = _mm256_add_ps(sum, _mm256_mul_ps(_mm256_cvtepi32_ps(reduce8(acc)), _mm256_load_ps(sc)));
    }
    _mm256_storeu_ps(out, sum);
}

// Prefetch distance in rows (A/B measured: 8-48 rows and the T1 hint within noise, none 2.5x slower).
constexpr size_t kPrefetchRows = 16;

}  // namespace
}  // namespace tern

#include "backend/cpu/kernels_driver.h"

namespace tern {
namespace {

// ---- float weights (F32, F16): eight rows in the eight lanes --------------------------------
// The reference sums each row's products in order (F32: float sums; F16: double sums of the
// exact float products). Lane r of the accumulator is row r and the columns are visited in
// order through an 8×8 transpose, so every row gets the reference's very operations.


template <typename T>
void mat_vec_float(const void* w, size_t stride, int64_t r0, int64_t r1, const void* xv, int64_t n, float* y) {
    constexpr bool kDouble = sizeof(T) == 2;  // F16: double sums
    const auto* x = static_cast<const T*>(xv);
    for (int64_t r = r0; r < r1; r += 8) {
        const T* a[8];
        for (int k = 0; k < 8; ++k)
            a[k] = reinterpret_cast<const T*>(static_cast<const uint8_t*>(w) +
                                              static_cast<size_t>(r + k < r1 ? r + k : r1 - 1) * stride);
        __m256 sf = _mm256_setzero_ps();
        __m256d s_lo = _mm256_setzero_pd(), s_hi = _mm256_setzero_pd();
        int64_t i = 0;
        for (; i + 8 <= n; i += 8) {
            __m256 col[8];
            for (int k = 0; k < 8; ++k) col[k] = load8(a[k] + i);
            transpose8(col);  // col[j] = element i + j of the 8 rows
            const __m256 xs = load8(x + i);
            alignas(32) float xa[8];
            _mm256_store_ps(xa, xs);
            for (int j = 0; j < 8; ++j) {
                const __m256 p = _mm256_mul_ps(col[j], _mm256_set1_ps(xa[j]));
                if constexpr (kDouble) {
                    s_lo = _mm256_add_pd(s_lo, _mm256_cvtps_pd(_mm256_castps256_ps128(p)));
                    s_hi = _mm256_add_pd(s_hi, _mm256_cvtps_pd(_mm256_extractf128_ps(p, 1)));
                } else {
                    sf = _mm256_add_ps(sf, p);
                }
            }
        }
        alignas(32) float outf[8];
        alignas(32) double outd[8];
        _mm256_store_ps(outf, sf);
        _mm256_store_pd(outd, s_lo);
        _mm256_store_pd(outd + 4, s_hi);
        const int64_t nr = r1 - r < 8 ? r1 - r : 8;
        for (int64_t k = 0; k < nr; ++k) {
            if constexpr (kDouble) {
                double s = outd[k];
                for (int64_t j = i; j < n; ++j) s += static_cast<double>(to_f(a[k][j]) * to_f(x[j]));
                y[r + k - r0] = static_cast<float>(s);
            } else {
                float s = outf[k];
                for (int64_t j = i; j < n; ++j) s += to_f(a[k][j]) * to_f(x[j]);
                y[r + k - r0] = s;
            }
        }
    }
}

template <typename T>
void mat_mat_float(const void* w, size_t stride, int64_t r0, int64_t r1, const void* const* x, int n_cols, int64_t n,
                   float* const* y) {
    for (int c = 0; c < n_cols; ++c) mat_vec_float<T>(w, stride, r0, r1, x[c], n, y[c]);
}

// ---- activation quantisation: byte-identical to tensor/quants.cpp ------------------------

inline __m256 abs_ps(__m256 v) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), v); }

inline float hmax(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

// 32 int32 (4 vectors, in order) → 32 int8 with saturation.
inline void pack_store(__m256i i0, __m256i i1, __m256i i2, __m256i i3, int8_t* dst) {
    const __m256i b = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
    const __m256i q = _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), q);
}

// Round half away from zero (std::round), exactly: v − trunc(v) is exact in float.
inline __m256 round_away(__m256 v) {
    const __m256 t = _mm256_round_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m256 ge = _mm256_cmp_ps(abs_ps(_mm256_sub_ps(v, t)), _mm256_set1_ps(0.5f), _CMP_GE_OQ);
    const __m256 one = _mm256_or_ps(_mm256_and_ps(v, _mm256_set1_ps(-0.0f)), _mm256_set1_ps(1.0f));
    return _mm256_add_ps(t, _mm256_and_ps(ge, one));
}

void quantize_q8_0(const float* x, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t i = 0; i < n / 32; ++i, x += 32, out += 34) {
        __m256 v[4];
        __m256 m = _mm256_setzero_ps();
        for (int k = 0; k < 4; ++k) {
            v[k] = _mm256_loadu_ps(x + 8 * k);
            m = _mm256_max_ps(m, abs_ps(v[k]));
        }
        const float d = hmax(m) / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        const uint16_t dh = fp32_to_fp16(d);
        std::memcpy(out, &dh, sizeof dh);
        __m256i q[4];
        for (int k = 0; k < 4; ++k)
            q[k] = _mm256_cvttps_epi32(round_away(_mm256_mul_ps(v[k], _mm256_set1_ps(id))));
        pack_store(q[0], q[1], q[2], q[3], reinterpret_cast<int8_t*>(out + 2));
    }
}

inline void q8k_bsums(uint8_t* block) {
    const auto* qs = reinterpret_cast<const int8_t*>(block + 4);
    for (int k = 0; k < 16; ++k) {
        int s = 0;
        for (int j = 0; j < 16; ++j) s += qs[16 * k + j];
        const auto b = static_cast<int16_t>(s);
        std::memcpy(block + 260 + 2 * k, &b, sizeof b);
    }
}

// Q8_K: per 256 values the first value of largest magnitude sets d = max / −127; codes are
// min(127, nearest-even(x · (−127 / max))).
void quantize_q8_K(const float* x, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t i = 0; i < n / 256; ++i, x += 256, out += kQ8K) {
        __m256 m = _mm256_setzero_ps();
        for (int k = 0; k < 32; ++k) m = _mm256_max_ps(m, abs_ps(_mm256_loadu_ps(x + 8 * k)));
        const float amax = hmax(m);
        if (amax == 0.0f) {
            std::memset(out, 0, kQ8K);
            continue;
        }
        float max = 0.0f;
        const __m256 am = _mm256_set1_ps(amax);
        for (int k = 0; k < 32; ++k) {
            const int mask = _mm256_movemask_ps(_mm256_cmp_ps(abs_ps(_mm256_loadu_ps(x + 8 * k)), am, _CMP_EQ_OQ));
            if (mask) {
                max = x[8 * k + __builtin_ctz(static_cast<unsigned>(mask))];
                break;
            }
        }
        const float iscale = -127.0f / max;
        const __m256 is = _mm256_set1_ps(iscale);
        const __m256i c127 = _mm256_set1_epi32(127);
        for (int k = 0; k < 8; ++k) {
            __m256i q[4];
            for (int j = 0; j < 4; ++j)
                q[j] = _mm256_min_epi32(c127, _mm256_cvtps_epi32(_mm256_mul_ps(is, _mm256_loadu_ps(x + 32 * k + 8 * j))));
            pack_store(q[0], q[1], q[2], q[3], reinterpret_cast<int8_t*>(out + 4 + 32 * k));
        }
        q8k_bsums(out);
        const float d = 1.0f / iscale;
        std::memcpy(out, &d, sizeof d);
    }
}

// Q8_K_ROW (BitNet): one scale s = 127 / max(absmax(row), 1e-5), codes clamp(nearest-even(x·s)).
void quantize_q8_K_row(const float* x, void* dst, int64_t n) {
    __m256 m = _mm256_setzero_ps();
    for (int64_t k = 0; k < n; k += 8) m = _mm256_max_ps(m, abs_ps(_mm256_loadu_ps(x + k)));
    const float amax = hmax(m);
    const float s = 127.0f / (amax < 1e-5f ? 1e-5f : amax);
    const float d = 1.0f / s;
    const __m256 sv = _mm256_set1_ps(s);
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t i = 0; i < n / 256; ++i, x += 256, out += kQ8K) {
        for (int k = 0; k < 8; ++k) {
            __m256i q[4];
            for (int j = 0; j < 4; ++j) q[j] = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 32 * k + 8 * j), sv));
            pack_store(q[0], q[1], q[2], q[3], reinterpret_cast<int8_t*>(out + 4 + 32 * k));
        }
        q8k_bsums(out);
        std::memcpy(out, &d, sizeof d);
    }
}

// ---- the table ----------------------------------------------------------------------------

inline void add_x86_kernels(CpuKernels& k) {
    set_dot<Tq2<66, false>>(k, Type::TQ2_0);
    set_dot<Tq2<68, true>>(k, Type::TQ2_0_S32);
    set_dot<Tq1>(k, Type::TQ1_0);
    set_dot<Int8Dot<Q80>>(k, Type::Q8_0);
    set_dot<Int8Dot<Q40>>(k, Type::Q4_0);
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

}  // namespace
}  // namespace tern
