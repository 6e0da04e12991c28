// aarch64 Advanced SIMD kernels shared by kernels_neon.cpp (TERN_NEON_DOTPROD 0: baseline
// ARMv8-A, which every AArch64 CPU has) and kernels_neon_dotprod.cpp (TERN_NEON_DOTPROD 1: the
// integer dot products with SDOT, vdotq_s32, ARMv8.2-A dotprod; compiled with that flag and called
// only when getauxval(AT_HWCAP) has HWCAP_ASIMDDP). Include only from those two files: everything
// here has internal linkage and is compiled with the including file's ISA flags, so no inline
// function built for dotprod can be picked by the linker for baseline code. The engine is
// compiled with -ffp-contract=off (engine/CMakeLists.txt), so no multiply and add is fused.
//
// Exactness (the rules of kernels.h; tests/engine/test_kernels_simd.cpp checks them):
// - activation quantisation (Q8_0, Q8_K, Q8_K_ROW): byte-identical to tensor/quants.cpp. Q8_0's
//   std::round (half away from zero) is fcvtas (vcvtaq_s32_f32); Q8_K's and Q8_K_ROW's
//   nearbyint (half to even) is fcvtns (vcvtnq_s32_f32); the codes are in int8 range, so the
//   saturating narrows equal the reference's clamps and casts;
// - integer dot products (TQ2_0, TQ2_0_S32, TQ1_0 · Q8_K/Q8_K_ROW; Q8_0, Q4_0 · Q8_0): the weight
//   values (ternary: code − 1, as the reference computes them, so TQ2_0's unused code 3 is +2
//   there too) are multiplied with the int8 activations and summed per block in int32, exactly
//   (baseline: smull/smlal into int16 lanes, then widened; dotprod: sdot into int32 lanes); then
//   lane p of a float vector takes the reference's float step for (weight row, activation row)
//   pair p: sum_p += float(sumi_p) · (d_w · d_x), block after block. The baseline Q8_0 adds two
//   products per int16 lane, exact for activations in [-127, 127] (all that Q8_0 quantisation
//   produces; the x86 kernels have the same bound);
// - F32 and F16 dot products: four rows in the four lanes (a 4×4 transpose), each row summed in
//   the reference's order and precision (float for F32; exact float products summed in double
//   for F16), so also bit-identical.
#pragma once

#ifndef TERN_NEON_DOTPROD
#error "define TERN_NEON_DOTPROD (0 or 1) before including kernels_neon.h"
#endif

#include "backend/cpu/kernels.h"
#include "tensor/fp16.h"

#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tern {
namespace {

inline float h2f(const uint8_t* p) {
    __fp16 h;
    std::memcpy(&h, p, sizeof h);
    return static_cast<float>(h);  // exact (fcvt)
}

inline float f32_at(const uint8_t* p) {
    float f;
    std::memcpy(&f, p, sizeof f);
    return f;
}

inline int8x16_t load_s8(const uint8_t* p) { return vld1q_s8(reinterpret_cast<const int8_t*>(p)); }

// Block-sum accumulator of one (weight row, activation row) pair: add(w, x) adds the 16
// products w·x. Baseline: int16 lanes (two products each per add; callers keep the lane sums
// in range, see each kernel), widened at get(); dotprod: int32 lanes through sdot.
#if TERN_NEON_DOTPROD
struct DotAcc {
    int32x4_t a = vdupq_n_s32(0);
    void add(int8x16_t w, int8x16_t x) { a = vdotq_s32(a, w, x); }
    int32x4_t get() const { return a; }
};
#else
struct DotAcc {
    int16x8_t a = vdupq_n_s16(0);
    void add(int8x16_t w, int8x16_t x) {
        a = vmlal_s8(a, vget_low_s8(w), vget_low_s8(x));
        a = vmlal_high_s8(a, w, x);
    }
    int32x4_t get() const { return vpaddlq_s16(a); }
};
#endif

// Lane p of the result: the sum of the four lanes of a[p] (exact int32 adds).
inline int32x4_t reduce4(const int32x4_t* a) {
    return vpaddq_s32(vpaddq_s32(a[0], a[1]), vpaddq_s32(a[2], a[3]));
}

// ---- block kernels: acc[r·NC + c] gets int32 lanes summing to block i of row r · column c ----

constexpr size_t kQ8K = 292;  // Q8_K block: float d at 0, qs[256] at 4, bsums at 260

// TQ2_0 (66-byte blocks, fp16 d at 64) and TQ2_0_S32 (68 bytes, float d at 64): element
// 128h + 32j + m is bits 2j..2j+1 of qs[32h + m]; its value is that code − 1.
// Baseline: per pair and block, each int16 lane adds 32 products of |w| ≤ 2 and |x| ≤ 128,
// so its sum stays within ±8192.
template <size_t WB, bool F32_SCALE>
struct Tq2 {
    static constexpr int64_t QK = 256;
    static constexpr size_t kWB = WB;
    static float wscale(const uint8_t* w, int64_t i) {
        return F32_SCALE ? f32_at(w + i * WB + 64) : h2f(w + i * WB + 64);
    }
    static float xscale(const uint8_t* x, int64_t i) { return f32_at(x + i * kQ8K); }
    template <int NR, int NC>
    static void block(const uint8_t* const* w, const uint8_t* const* x, int64_t i, int32x4_t* acc) {
        const uint8x16_t m3 = vdupq_n_u8(3);
        const int8x16_t one = vdupq_n_s8(1);
        const uint8_t* xb[NC];
        for (int c = 0; c < NC; ++c) xb[c] = x[c] + i * kQ8K + 4;
        DotAcc a[NR * NC];
        for (int h = 0; h < 2; ++h) {
            uint8x16_t q[NR][2];
            for (int r = 0; r < NR; ++r) {
                q[r][0] = vld1q_u8(w[r] + i * WB + 32 * h);
                q[r][1] = vld1q_u8(w[r] + i * WB + 32 * h + 16);
            }
#pragma GCC unroll 4
            for (int j = 0; j < 4; ++j) {
                int8x16_t xv[NC][2];
                for (int c = 0; c < NC; ++c) {
                    xv[c][0] = load_s8(xb[c] + 128 * h + 32 * j);
                    xv[c][1] = load_s8(xb[c] + 128 * h + 32 * j + 16);
                }
                for (int r = 0; r < NR; ++r) {
                    for (int k = 0; k < 2; ++k) {
                        const uint8x16_t code = vandq_u8(vshlq_u8(q[r][k], vdupq_n_s8(static_cast<int8_t>(-2 * j))), m3);
                        const int8x16_t v = vsubq_s8(vreinterpretq_s8_u8(code), one);
                        for (int c = 0; c < NC; ++c) a[r * NC + c].add(v, xv[c][k]);
                    }
                }
            }
        }
        for (int p = 0; p < NR * NC; ++p) acc[p] = a[p].get();
    }
};

// Value (code − 1) of the leading base-3 digit (p·3) >> 8 of every byte (formats.md §2.3):
// the digit is [p ≥ 86] + [p ≥ 171]; the compares give −1 per true, so the value is ~(sum).
inline int8x16_t tq1_value(uint8x16_t p) {
    const uint8x16_t ge86 = vcgeq_u8(p, vdupq_n_u8(86));
    const uint8x16_t ge171 = vcgeq_u8(p, vdupq_n_u8(171));
    return vreinterpretq_s8_u8(vmvnq_u8(vaddq_u8(ge86, ge171)));
}
inline uint8x16_t times3(uint8x16_t p) { return vaddq_u8(p, vaddq_u8(p, p)); }  // mod 256

// TQ1_0 (54-byte blocks: qs[48], qh[4], fp16 d at 52). Element 32n + m: digit n of qs[m];
// 160 + 16n + m: digit n of qs[32 + m]; 240 + 4n + j: digit n of qh[j]. Digit n of q is the
// leading digit of q·3^n mod 256. Baseline: per pair and block, each int16 lane adds 32
// products of |w| ≤ 1 and |x| ≤ 128 (within ±4096).
struct Tq1 {
    static constexpr int64_t QK = 256;
    static constexpr size_t WB = 54;
    static constexpr size_t kWB = WB;
    static float wscale(const uint8_t* w, int64_t i) { return h2f(w + i * WB + 52); }
    static float xscale(const uint8_t* x, int64_t i) { return f32_at(x + i * kQ8K); }
    template <int NR, int NC>
    static void block(const uint8_t* const* w, const uint8_t* const* x, int64_t i, int32x4_t* acc) {
        const uint8_t* xb[NC];
        for (int c = 0; c < NC; ++c) xb[c] = x[c] + i * kQ8K + 4;
        static constexpr uint8_t kPow3x4[16] = {1, 1, 1, 1, 3, 3, 3, 3, 9, 9, 9, 9, 27, 27, 27, 27};
        for (int r = 0; r < NR; ++r) {  // one row at a time: its NC accumulators stay in registers
            const uint8_t* b = w[r] + i * WB;
            DotAcc a[NC];
            uint8x16_t p0 = vld1q_u8(b), p1 = vld1q_u8(b + 16), p2 = vld1q_u8(b + 32);
#pragma GCC unroll 5
            for (int n = 0; n < 5; ++n) {
                if (n > 0) {
                    p0 = times3(p0);
                    p1 = times3(p1);
                    p2 = times3(p2);
                }
                const int8x16_t v0 = tq1_value(p0), v1 = tq1_value(p1), v2 = tq1_value(p2);
                for (int c = 0; c < NC; ++c) {
                    a[c].add(v0, load_s8(xb[c] + 32 * n));
                    a[c].add(v1, load_s8(xb[c] + 32 * n + 16));
                    a[c].add(v2, load_s8(xb[c] + 160 + 16 * n));
                }
            }
            uint32_t qh;
            std::memcpy(&qh, b + 48, sizeof qh);
            const uint8x16_t hv = vmulq_u8(vreinterpretq_u8_u32(vdupq_n_u32(qh)), vld1q_u8(kPow3x4));
            const int8x16_t vh = tq1_value(hv);
            for (int c = 0; c < NC; ++c) {
                a[c].add(vh, load_s8(xb[c] + 240));
                acc[r * NC + c] = a[c].get();
            }
        }
    }
};

// Q8_0 weights (34-byte blocks: fp16 d, qs[32]) against Q8_0 activations.
struct Q80 {
    static constexpr int64_t QK = 32;
    static constexpr size_t kWB = 34;
    static float wscale(const uint8_t* w, int64_t i) { return h2f(w + i * 34); }
    static void weights(const uint8_t* w, int64_t i, int8x16_t* v) {
        v[0] = load_s8(w + i * 34 + 2);
        v[1] = load_s8(w + i * 34 + 18);
    }
};

// Q4_0 weights (18-byte blocks: fp16 d, qs[16]; element j low nibble of qs[j] − 8, 16 + j high).
struct Q40 {
    static constexpr int64_t QK = 32;
    static constexpr size_t kWB = 18;
    static float wscale(const uint8_t* w, int64_t i) { return h2f(w + i * 18); }
    static void weights(const uint8_t* w, int64_t i, int8x16_t* v) {
        const uint8x16_t q = vld1q_u8(w + i * 18 + 2);
        const int8x16_t eight = vdupq_n_s8(8);
        v[0] = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(q, vdupq_n_u8(0x0F))), eight);
        v[1] = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(q, 4)), eight);
    }
};

// Signed int8 weights (Q8_0, Q4_0) · Q8_0 activations. Baseline: each int16 lane adds the
// products of elements j and 16 + j (|w| ≤ 128, |x| ≤ 127: at most 32512), then pairs widen.
template <class W>
struct Int8Dot : W {
    static float xscale(const uint8_t* x, int64_t i) { return h2f(x + i * 34); }
    template <int NR, int NC>
    static void block(const uint8_t* const* w, const uint8_t* const* x, int64_t i, int32x4_t* acc) {
        int8x16_t xv[NC][2];
        for (int c = 0; c < NC; ++c) {
            xv[c][0] = load_s8(x[c] + i * 34 + 2);
            xv[c][1] = load_s8(x[c] + i * 34 + 18);
        }
        for (int r = 0; r < NR; ++r) {
            int8x16_t wv[2];
            W::weights(w[r], i, wv);
            for (int c = 0; c < NC; ++c) {
#if TERN_NEON_DOTPROD
                acc[r * NC + c] = vdotq_s32(vdotq_s32(vdupq_n_s32(0), wv[0], xv[c][0]), wv[1], xv[c][1]);
#else
                const int16x8_t lo = vmlal_s8(vmull_s8(vget_low_s8(wv[0]), vget_low_s8(xv[c][0])),
                                              vget_low_s8(wv[1]), vget_low_s8(xv[c][1]));
                const int16x8_t hi = vmlal_high_s8(vmull_high_s8(wv[0], xv[c][0]), wv[1], xv[c][1]);
                acc[r * NC + c] = vpadalq_s16(vpaddlq_s16(lo), hi);
#endif
            }
        }
    }
};

// ---- the row × column driver ----------------------------------------------------------

// out[r·NC + c] = row w[r] · column x[c] over nb blocks, with the reference's float steps.
// `ahead`: bytes from a row to the row whose same block is prefetched meanwhile.
template <class K, int NR, int NC>
inline void tile(const uint8_t* const* w, const uint8_t* const* x, int64_t nb, size_t wb, size_t ahead, float* out) {
    static_assert(NR * NC == 8, "8 (row, column) pairs per tile");
    float32x4_t sum0 = vdupq_n_f32(0.0f), sum1 = vdupq_n_f32(0.0f);
    float sc[8];
    for (int64_t i = 0; i < nb; ++i) {
        if (ahead)
            for (int r = 0; r < NR; ++r) {
                const uint8_t* p = w[r] + ahead + static_cast<size_t>(i) * wb;
                __builtin_prefetch(p);
                if constexpr (K::kWB > 64) __builtin_prefetch(p + 63);
            }
        int32x4_t acc[8];
        K::template block<NR, NC>(w, x, i, acc);
        for (int r = 0; r < NR; ++r) {
            const float dw = K::wscale(w[r], i);
            for (int c = 0; c < NC; ++c) sc[r * NC + c] = dw * K::xscale(x[c], i);
        }
        sum0 = vaddq_f32(sum0, vmulq_f32(vcvtq_f32_s32(reduce4(acc)), vld1q_f32(sc)));
        sum1 = vaddq_f32(sum1, vmulq_f32(vcvtq_f32_s32(reduce4(acc + 4)), vld1q_f32(sc + 4)));
    }
    vst1q_f32(out, sum0);
    vst1q_f32(out + 4, sum1);
}

constexpr size_t kPrefetchRows = 16;  // as the x86 kernels (not tuned on ARM)

}  // namespace
}  // namespace tern

#include "backend/cpu/kernels_driver.h"

namespace tern {
namespace {

// ---- float weights (F32, F16): four rows in the four lanes ---------------------------------
// The reference sums each row's products in order (F32: float sums; F16: double sums of the
// exact float products). Lane k is row k; a 4×4 transpose turns 4 elements of 4 rows into 4
// columns, visited in order, so every row gets the reference's very operations.

inline float32x4_t load4(const float* p) { return vld1q_f32(p); }
inline float32x4_t load4(const uint16_t* p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }
inline float to_f(float v) { return v; }
inline float to_f(uint16_t v) {
    __fp16 h;
    std::memcpy(&h, &v, sizeof h);
    return static_cast<float>(h);
}

inline void transpose4(float32x4_t* r) {
    const float32x4_t t0 = vtrn1q_f32(r[0], r[1]), t1 = vtrn2q_f32(r[0], r[1]);
    const float32x4_t t2 = vtrn1q_f32(r[2], r[3]), t3 = vtrn2q_f32(r[2], r[3]);
    r[0] = vreinterpretq_f32_f64(vtrn1q_f64(vreinterpretq_f64_f32(t0), vreinterpretq_f64_f32(t2)));
    r[1] = vreinterpretq_f32_f64(vtrn1q_f64(vreinterpretq_f64_f32(t1), vreinterpretq_f64_f32(t3)));
    r[2] = vreinterpretq_f32_f64(vtrn2q_f64(vreinterpretq_f64_f32(t0), vreinterpretq_f64_f32(t2)));
    r[3] = vreinterpretq_f32_f64(vtrn2q_f64(vreinterpretq_f64_f32(t1), vreinterpretq_f64_f32(t3)));
}

template <typename T>
void mat_vec_float(const void* w, size_t stride, int64_t r0, int64_t r1, const void* xv, int64_t n, float* y) {
    constexpr bool kDouble = sizeof(T) == 2;  // F16: double sums
    const auto* x = static_cast<const T*>(xv);
    for (int64_t r = r0; r < r1; r += 4) {
        const T* a[4];
        for (int k = 0; k < 4; ++k)
            a[k] = reinterpret_cast<const T*>(static_cast<const uint8_t*>(w) +
                                              static_cast<size_t>(r + k < r1 ? r + k : r1 - 1) * stride);
        float32x4_t sf = vdupq_n_f32(0.0f);
        float64x2_t s_lo = vdupq_n_f64(0.0), s_hi = vdupq_n_f64(0.0);
        int64_t i = 0;
        for (; i + 4 <= n; i += 4) {
            float32x4_t col[4];
            for (int k = 0; k < 4; ++k) col[k] = load4(a[k] + i);
            transpose4(col);  // col[j] = element i + j of the 4 rows
            const float32x4_t xs = load4(x + i);
            const float32x4_t p[4] = {vmulq_laneq_f32(col[0], xs, 0), vmulq_laneq_f32(col[1], xs, 1),
                                      vmulq_laneq_f32(col[2], xs, 2), vmulq_laneq_f32(col[3], xs, 3)};
            for (int j = 0; j < 4; ++j) {
                if constexpr (kDouble) {
                    s_lo = vaddq_f64(s_lo, vcvt_f64_f32(vget_low_f32(p[j])));
                    s_hi = vaddq_f64(s_hi, vcvt_high_f64_f32(p[j]));
                } else {
                    sf = vaddq_f32(sf, p[j]);
                }
            }
        }
        float outf[4];
        double outd[4];
        vst1q_f32(outf, sf);
        vst1q_f64(outd, s_lo);
        vst1q_f64(outd + 2, s_hi);
        const int64_t nr = r1 - r < 4 ? r1 - r : 4;
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

// 16 int32 (4 vectors, in order) → 16 int8 with saturation.
inline void narrow_store(const int32x4_t* q, int8_t* dst) {
    const int16x8_t lo = vcombine_s16(vqmovn_s32(q[0]), vqmovn_s32(q[1]));
    const int16x8_t hi = vcombine_s16(vqmovn_s32(q[2]), vqmovn_s32(q[3]));
    vst1q_s8(dst, vcombine_s8(vqmovn_s16(lo), vqmovn_s16(hi)));
}

// max |x[k]| over n (a multiple of 4) values.
inline float absmax(const float* x, int64_t n) {
    float32x4_t m = vdupq_n_f32(0.0f);
    for (int64_t k = 0; k < n; k += 4) m = vmaxq_f32(m, vabsq_f32(vld1q_f32(x + k)));
    return vmaxvq_f32(m);
}

inline void quantize_q8_0(const float* x, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t i = 0; i < n / 32; ++i, x += 32, out += 34) {
        const float d = absmax(x, 32) / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        const uint16_t dh = fp32_to_fp16(d);
        std::memcpy(out, &dh, sizeof dh);
        const float32x4_t iv = vdupq_n_f32(id);
        for (int h = 0; h < 2; ++h) {
            int32x4_t q[4];
            for (int k = 0; k < 4; ++k) q[k] = vcvtaq_s32_f32(vmulq_f32(vld1q_f32(x + 16 * h + 4 * k), iv));
            narrow_store(q, reinterpret_cast<int8_t*>(out + 2 + 16 * h));
        }
    }
}

inline void q8k_bsums(uint8_t* block) {
    for (int k = 0; k < 16; ++k) {
        const int16_t b = vaddlvq_s8(load_s8(block + 4 + 16 * k));
        std::memcpy(block + 260 + 2 * k, &b, sizeof b);
    }
}

// Q8_K: per 256 values the first value of largest magnitude sets d = max / −127; codes are
// min(127, nearest-even(x · (−127 / max))).
inline void quantize_q8_K(const float* x, void* dst, int64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t i = 0; i < n / 256; ++i, x += 256, out += kQ8K) {
        const float amax = absmax(x, 256);
        if (amax == 0.0f) {
            std::memset(out, 0, kQ8K);
            continue;
        }
        float max = 0.0f;
        for (int k = 0; k < 256; ++k) {
            const float a = x[k] < 0.0f ? -x[k] : x[k];
            if (a == amax) {
                max = x[k];
                break;
            }
        }
        const float iscale = -127.0f / max;
        const float32x4_t is = vdupq_n_f32(iscale);
        const int32x4_t c127 = vdupq_n_s32(127);
        for (int k = 0; k < 16; ++k) {
            int32x4_t q[4];
            for (int j = 0; j < 4; ++j)
                q[j] = vminq_s32(c127, vcvtnq_s32_f32(vmulq_f32(is, vld1q_f32(x + 16 * k + 4 * j))));
            narrow_store(q, reinterpret_cast<int8_t*>(out + 4 + 16 * k));
        }
        q8k_bsums(out);
        const float d = 1.0f / iscale;
        std::memcpy(out, &d, sizeof d);
    }
}

// Q8_K_ROW (BitNet): one scale s = 127 / max(absmax(row), 1e-5), codes clamp(nearest-even(x·s)).
inline void quantize_q8_K_row(const float* x, void* dst, int64_t n) {
    const float amax = absmax(x, n);
    const float s = 127.0f / (amax < 1e-5f ? 1e-5f : amax);
    const float d = 1.0f / s;
    const float32x4_t sv = vdupq_n_f32(s);
    auto* out = static_cast<uint8_t*>(dst);
    for (int64_t i = 0; i < n / 256; ++i, x += 256, out += kQ8K) {
        for (int k = 0; k < 16; ++k) {
            int32x4_t q[4];
            for (int j = 0; j < 4; ++j) q[j] = vcvtnq_s32_f32(vmulq_f32(vld1q_f32(x + 16 * k + 4 * j), sv));
            narrow_store(q, reinterpret_cast<int8_t*>(out + 4 + 16 * k));
        }
        q8k_bsums(out);
        std::memcpy(out, &d, sizeof d);
    }
}

// The integer dot products (the entries that differ between baseline and dotprod).
inline void add_neon_dots(CpuKernels& k) {
    set_dot<Tq2<66, false>>(k, Type::TQ2_0);
    set_dot<Tq2<68, true>>(k, Type::TQ2_0_S32);
    set_dot<Tq1>(k, Type::TQ1_0);
    set_dot<Int8Dot<Q80>>(k, Type::Q8_0);
    set_dot<Int8Dot<Q40>>(k, Type::Q4_0);
}

}  // namespace
}  // namespace tern
