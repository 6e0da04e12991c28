// Scalar reference (de)quantization and dot products. Written for clarity, one block at a time;
// the rules follow ggml src/ggml-quants.c (*_ref, dequantize_row_*) and src/ggml-cpu/quants.c
// (*_generic), as paraphrased in ../shared/docs/formats.md §1.3 and §2.
#include "tensor/quants.h"

#include "tensor/fp16.h"
#include "tern/error.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <string>

namespace tern::ref {

static_assert(sizeof(BlockQ4_0) == 18, "Q4_0 block must match ggml");
static_assert(sizeof(BlockQ8_0) == 34, "Q8_0 block must match ggml");
static_assert(sizeof(BlockQ8_K) == 292, "Q8_K block must match ggml");
static_assert(sizeof(BlockTQ1_0) == 54, "TQ1_0 block must match ggml");
static_assert(sizeof(BlockTQ2_0) == 66, "TQ2_0 block must match ggml");
static_assert(offsetof(BlockTQ1_0, d) == 52 && offsetof(BlockTQ2_0, d) == 64, "d is last");
static_assert(sizeof(BlockTQ2_0_S32) == 68 && offsetof(BlockTQ2_0_S32, d) == 64, "TQ2_0_S32 is TQ2_0 with f32 d");

namespace {

constexpr int QK = 32;    // Q4_0 / Q8_0 block
constexpr int QK_K = 256; // Q8_K / TQ1_0 / TQ2_0 block
constexpr int QK_I2 = 128; // I2_S block (32 bytes)

// Number of blocks in n elements of t; throws on a length that is not whole blocks.
int64_t block_count(Type t, int64_t n, const char* what) {
    const TypeTraits& tt = type_traits(t);
    if (n < 0 || n % tt.block_size != 0)
        throw Error(std::string(what) + ": " + std::to_string(n) + " elements is not a multiple of the " +
                    std::string(tt.name) + " block size " + std::to_string(tt.block_size));
    return n / tt.block_size;
}

[[noreturn]] void unsupported(Type t, const char* what) {
    throw Error(std::string(what) + ": type " + std::string(type_traits(t).name) + " is not supported");
}

// Trit n (0 = most significant) of a TQ1_0 byte that holds base-3 digits as a fixed-point
// fraction of 256 (formats.md §2.3): multiplying by 3^n mod 256 drops the leading n trits,
// then ×3 >> 8 reads the next one. Returns -1, 0 or +1.
int tq1_trit(uint8_t q, int n) {
    static constexpr uint8_t kPow3[5] = {1, 3, 9, 27, 81};
    const uint8_t p = static_cast<uint8_t>(q * kPow3[n]);
    return ((p * 3) >> 8) - 1;
}

// Ternary value -1/0/+1 of element e of a TQ1_0 block (formats.md §2.3).
int tq1_value(const BlockTQ1_0& b, int e) {
    if (e < 160) return tq1_trit(b.qs[e % 32], e / 32);
    if (e < 240) return tq1_trit(b.qs[32 + (e - 160) % 16], (e - 160) / 16);
    return tq1_trit(b.qh[(e - 240) % 4], (e - 240) / 4);
}

// Ternary value of element e of a TQ2_0 (or TQ2_0_S32) block (formats.md §2.2).
template <typename Block>
int tq2_value(const Block& b, int e) {
    const int c = e / 128, r = e % 128;
    return ((b.qs[32 * c + r % 32] >> (2 * (r / 32))) & 3) - 1;
}

float block_scale(const BlockTQ1_0& b) { return fp16_to_fp32(b.d); }
float block_scale(const BlockTQ2_0& b) { return fp16_to_fp32(b.d); }
float block_scale(const BlockTQ2_0_S32& b) { return b.d; }

// I2_S code of flat element e (formats.md §3.4): byte 32·(e/128) + e%32, shift 6 − 2·((e%128)/32).
int i2s_code(const uint8_t* codes, int64_t e) {
    const int64_t blk = e / QK_I2;
    const int r = static_cast<int>(e % QK_I2);
    return (codes[32 * blk + r % 32] >> (6 - 2 * (r / 32))) & 3;
}

void i2s_check(int64_t n, const char* what) {
    if (n <= 0 || n % QK_I2 != 0)
        throw Error(std::string(what) + ": " + std::to_string(n) +
                    " elements is not a positive multiple of the I2_S block size " + std::to_string(QK_I2));
}

// An I2_S byte (groups MSB-first, code 3 = 0) as a TQ2_0 byte (groups LSB-first, code 1 = 0).
struct I2sToTq2Table {
    uint8_t map[256];
    constexpr I2sToTq2Table() : map{} {
        for (int v = 0; v < 256; ++v) {
            int out = 0;
            for (int g = 0; g < 4; ++g) {
                int code = (v >> (6 - 2 * g)) & 3;
                if (code == 3) code = 1;
                out |= code << (2 * g);
            }
            map[v] = static_cast<uint8_t>(out);
        }
    }
};
constexpr I2sToTq2Table kI2sToTq2;

// Base-3 digits (each 0..2, most significant first) packed into the byte ceil(v*256/243).
// With fewer than 5 digits the value is scaled up so the digits fill the top trit positions.
uint8_t tq1_pack(const int* digits, int count) {
    int v = 0;
    for (int i = 0; i < count; ++i) v = v * 3 + digits[i];
    for (int i = count; i < 5; ++i) v *= 3;
    return static_cast<uint8_t>((v * 256 + 242) / 243);
}

// ---- dequantization --------------------------------------------------------------------

void dequant_q4_0(const BlockQ4_0& b, float* y) {
    const float d = fp16_to_fp32(b.d);
    for (int j = 0; j < QK / 2; ++j) {
        y[j] = static_cast<float>((b.qs[j] & 0xF) - 8) * d;
        y[j + QK / 2] = static_cast<float>((b.qs[j] >> 4) - 8) * d;
    }
}

void dequant_q8_0(const BlockQ8_0& b, float* y) {
    const float d = fp16_to_fp32(b.d);
    for (int j = 0; j < QK; ++j) y[j] = static_cast<float>(b.qs[j]) * d;
}

void dequant_q8_K(const BlockQ8_K& b, float* y) {
    for (int j = 0; j < QK_K; ++j) y[j] = static_cast<float>(b.qs[j]) * b.d;
}

void dequant_tq1_0(const BlockTQ1_0& b, float* y) {
    const float d = fp16_to_fp32(b.d);
    for (int e = 0; e < QK_K; ++e) y[e] = static_cast<float>(tq1_value(b, e)) * d;
}

template <typename Block>
void dequant_tq2(const Block& b, float* y) {
    const float d = block_scale(b);
    for (int e = 0; e < QK_K; ++e) y[e] = static_cast<float>(tq2_value(b, e)) * d;
}

// ---- quantization ----------------------------------------------------------------------

// The element with the largest magnitude, sign kept; the first one wins a tie.
float signed_absmax(const float* x, int n) {
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < n; ++j) {
        if (std::fabs(x[j]) > amax) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
    }
    return max;
}

float absmax(const float* x, int n) {
    float amax = 0.0f;
    for (int j = 0; j < n; ++j) amax = std::max(amax, std::fabs(x[j]));
    return amax;
}

// Offset code of a Q4_0 value v = x/d in [-8, 8]: +8.5 then truncation rounds half up, and
// only v = +8 would reach 16, so it is capped at 15 (ggml: min(15, (int8_t)(v + 8.5f))).
// Written with comparisons so that a NaN gives 0 instead of an undefined conversion.
int q4_code(float v) {
    const float biased = v + 8.5f;
    if (biased >= 15.0f) return 15;
    return biased > 0.0f ? static_cast<int>(biased) : 0;
}

void quant_q4_0(const float* x, BlockQ4_0& b) {
    const float d = signed_absmax(x, QK) / -8.0f;  // the extreme maps to code 0 (value -8)
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    b.d = fp32_to_fp16(d);
    for (int j = 0; j < QK / 2; ++j) {
        const int lo = q4_code(x[j] * id), hi = q4_code(x[j + QK / 2] * id);
        b.qs[j] = static_cast<uint8_t>(lo | (hi << 4));
    }
}

void quant_q8_0(const float* x, BlockQ8_0& b) {
    const float d = absmax(x, QK) / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    b.d = fp32_to_fp16(d);
    for (int j = 0; j < QK; ++j) b.qs[j] = static_cast<int8_t>(std::round(x[j] * id));  // half away
}

void quant_q8_K(const float* x, BlockQ8_K& b) {
    const float max = signed_absmax(x, QK_K);
    if (max == 0.0f) {
        std::memset(&b, 0, sizeof b);
        return;
    }
    // The scale is negative relative to max, so the extreme element becomes -127 and d has
    // the opposite sign of max. Rounding is half-to-even (ggml's nearest_int).
    const float iscale = -127.0f / max;
    for (int j = 0; j < QK_K; ++j)
        b.qs[j] = static_cast<int8_t>(std::min(127, static_cast<int>(std::nearbyint(iscale * x[j]))));
    for (int k = 0; k < QK_K / 16; ++k) {
        int sum = 0;
        for (int i = 0; i < 16; ++i) sum += b.qs[16 * k + i];
        b.bsums[k] = static_cast<int16_t>(sum);
    }
    b.d = 1.0f / iscale;
}

// BitNet's per-token activation quantization over a whole row of n (a multiple of 256) values,
// stored as Q8_K blocks that all carry the row's d = 1/s (types.h, Q8_K_ROW).
void quant_q8_K_row(const float* x, BlockQ8_K* b, int64_t n) {
    float amax = 0.0f;
    for (int64_t i = 0; i < n; ++i) amax = std::max(amax, std::fabs(x[i]));
    const float s = 127.0f / std::max(amax, 1e-5f);
    for (int64_t blk = 0; blk < n / QK_K; ++blk) {
        BlockQ8_K& o = b[blk];
        for (int j = 0; j < QK_K; ++j) {
            const float v = std::nearbyint(x[blk * QK_K + j] * s);  // half to even
            o.qs[j] = static_cast<int8_t>(std::clamp(v, -128.0f, 127.0f));
        }
        for (int k = 0; k < QK_K / 16; ++k) {
            int sum = 0;
            for (int i = 0; i < 16; ++i) sum += o.qs[16 * k + i];
            o.bsums[k] = static_cast<int16_t>(sum);
        }
        o.d = 1.0f / s;
    }
}

// Trit code 0/1/2 for -1/0/+1 of x scaled by id (lroundf: half away from zero).
int ternary_code(float x, float id) {
    return static_cast<int>(std::lround(x * id)) + 1;
}

void quant_tq1_0(const float* x, BlockTQ1_0& b) {
    const float d = absmax(x, QK_K);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    b.d = fp32_to_fp16(d);
    int t[5];
    for (int m = 0; m < 32; ++m) {  // elements 0..159: byte m holds m + 32n
        for (int n = 0; n < 5; ++n) t[n] = ternary_code(x[m + 32 * n], id);
        b.qs[m] = tq1_pack(t, 5);
    }
    for (int m = 0; m < 16; ++m) {  // elements 160..239: byte 32+m holds 160 + m + 16n
        for (int n = 0; n < 5; ++n) t[n] = ternary_code(x[160 + m + 16 * n], id);
        b.qs[32 + m] = tq1_pack(t, 5);
    }
    for (int j = 0; j < 4; ++j) {  // elements 240..255: qh[j] holds 240 + j + 4n, 4 trits
        for (int n = 0; n < 4; ++n) t[n] = ternary_code(x[240 + j + 4 * n], id);
        b.qh[j] = tq1_pack(t, 4);
    }
}

void quant_tq2_0(const float* x, BlockTQ2_0& b) {
    const float d = absmax(x, QK_K);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    b.d = fp32_to_fp16(d);
    std::memset(b.qs, 0, sizeof b.qs);
    for (int e = 0; e < QK_K; ++e) {
        const int c = e / 128, r = e % 128;
        b.qs[32 * c + r % 32] = static_cast<uint8_t>(b.qs[32 * c + r % 32] | (ternary_code(x[e], id) << (2 * (r / 32))));
    }
}

// ---- dot products ----------------------------------------------------------------------

float dot_q4_0_q8_0(const BlockQ4_0* w, const BlockQ8_0* x, int64_t nb) {
    float sum = 0.0f;
    for (int64_t i = 0; i < nb; ++i) {
        int sumi = 0;
        for (int j = 0; j < QK / 2; ++j) {
            sumi += ((w[i].qs[j] & 0xF) - 8) * x[i].qs[j];
            sumi += ((w[i].qs[j] >> 4) - 8) * x[i].qs[j + QK / 2];
        }
        sum += static_cast<float>(sumi) * (fp16_to_fp32(w[i].d) * fp16_to_fp32(x[i].d));
    }
    return sum;
}

float dot_q8_0_q8_0(const BlockQ8_0* w, const BlockQ8_0* x, int64_t nb) {
    float sum = 0.0f;
    for (int64_t i = 0; i < nb; ++i) {
        int sumi = 0;
        for (int j = 0; j < QK; ++j) sumi += w[i].qs[j] * x[i].qs[j];
        sum += static_cast<float>(sumi) * (fp16_to_fp32(w[i].d) * fp16_to_fp32(x[i].d));
    }
    return sum;
}

template <typename Block, int (*value)(const Block&, int)>
float dot_tq_q8_K(const Block* w, const BlockQ8_K* x, int64_t nb) {
    float sum = 0.0f;
    for (int64_t i = 0; i < nb; ++i) {
        int sumi = 0;
        for (int e = 0; e < QK_K; ++e) sumi += value(w[i], e) * x[i].qs[e];
        sum += static_cast<float>(sumi) * (block_scale(w[i]) * x[i].d);
    }
    return sum;
}

}  // namespace

void dequantize_row(Type t, const void* src, float* dst, int64_t n) {
    const int64_t nb = block_count(t, n, "dequantize_row");
    switch (t) {
        case Type::F32:
            if (n > 0) std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
            return;
        case Type::F16:
            for (int64_t i = 0; i < n; ++i) dst[i] = fp16_to_fp32(static_cast<const uint16_t*>(src)[i]);
            return;
        case Type::BF16:
            for (int64_t i = 0; i < n; ++i) dst[i] = bf16_to_fp32(static_cast<const uint16_t*>(src)[i]);
            return;
        case Type::Q4_0:
            for (int64_t i = 0; i < nb; ++i) dequant_q4_0(static_cast<const BlockQ4_0*>(src)[i], dst + i * QK);
            return;
        case Type::Q8_0:
            for (int64_t i = 0; i < nb; ++i) dequant_q8_0(static_cast<const BlockQ8_0*>(src)[i], dst + i * QK);
            return;
        case Type::Q8_K:
        case Type::Q8_K_ROW:
            for (int64_t i = 0; i < nb; ++i) dequant_q8_K(static_cast<const BlockQ8_K*>(src)[i], dst + i * QK_K);
            return;
        case Type::TQ1_0:
            for (int64_t i = 0; i < nb; ++i) dequant_tq1_0(static_cast<const BlockTQ1_0*>(src)[i], dst + i * QK_K);
            return;
        case Type::TQ2_0:
            for (int64_t i = 0; i < nb; ++i) dequant_tq2(static_cast<const BlockTQ2_0*>(src)[i], dst + i * QK_K);
            return;
        case Type::TQ2_0_S32:
            for (int64_t i = 0; i < nb; ++i) dequant_tq2(static_cast<const BlockTQ2_0_S32*>(src)[i], dst + i * QK_K);
            return;
        default:
            unsupported(t, "dequantize_row");
    }
}

void quantize_row(Type t, const float* src, void* dst, int64_t n) {
    const int64_t nb = block_count(t, n, "quantize_row");
    switch (t) {
        case Type::F32:
            if (n > 0) std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
            return;
        case Type::F16:
            for (int64_t i = 0; i < n; ++i) static_cast<uint16_t*>(dst)[i] = fp32_to_fp16(src[i]);
            return;
        case Type::BF16:
            for (int64_t i = 0; i < n; ++i) static_cast<uint16_t*>(dst)[i] = fp32_to_bf16(src[i]);
            return;
        case Type::Q4_0:
            for (int64_t i = 0; i < nb; ++i) quant_q4_0(src + i * QK, static_cast<BlockQ4_0*>(dst)[i]);
            return;
        case Type::Q8_0:
            for (int64_t i = 0; i < nb; ++i) quant_q8_0(src + i * QK, static_cast<BlockQ8_0*>(dst)[i]);
            return;
        case Type::Q8_K:
            for (int64_t i = 0; i < nb; ++i) quant_q8_K(src + i * QK_K, static_cast<BlockQ8_K*>(dst)[i]);
            return;
        case Type::Q8_K_ROW:
            quant_q8_K_row(src, static_cast<BlockQ8_K*>(dst), n);
            return;
        case Type::TQ1_0:
            for (int64_t i = 0; i < nb; ++i) quant_tq1_0(src + i * QK_K, static_cast<BlockTQ1_0*>(dst)[i]);
            return;
        case Type::TQ2_0:
            for (int64_t i = 0; i < nb; ++i) quant_tq2_0(src + i * QK_K, static_cast<BlockTQ2_0*>(dst)[i]);
            return;
        default:
            unsupported(t, "quantize_row");
    }
}

float vec_dot(Type wt, const void* w, const void* x, int64_t n) {
    const int64_t nb = block_count(wt, n, "vec_dot");
    switch (wt) {
        case Type::F32: {
            const float* a = static_cast<const float*>(w);
            const float* b = static_cast<const float*>(x);
            float sum = 0.0f;
            for (int64_t i = 0; i < n; ++i) sum += a[i] * b[i];
            return sum;
        }
        case Type::F16:
        case Type::BF16: {
            // Products are exact in float; the sum is kept in double as ggml's generic code does.
            float (*conv)(uint16_t) = wt == Type::F16 ? fp16_to_fp32 : bf16_to_fp32;
            const uint16_t* a = static_cast<const uint16_t*>(w);
            const uint16_t* b = static_cast<const uint16_t*>(x);
            double sum = 0.0;
            for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(conv(a[i]) * conv(b[i]));
            return static_cast<float>(sum);
        }
        case Type::Q4_0:
            return dot_q4_0_q8_0(static_cast<const BlockQ4_0*>(w), static_cast<const BlockQ8_0*>(x), nb);
        case Type::Q8_0:
            return dot_q8_0_q8_0(static_cast<const BlockQ8_0*>(w), static_cast<const BlockQ8_0*>(x), nb);
        case Type::TQ1_0:
            return dot_tq_q8_K<BlockTQ1_0, tq1_value>(static_cast<const BlockTQ1_0*>(w),
                                                      static_cast<const BlockQ8_K*>(x), nb);
        case Type::TQ2_0:
            return dot_tq_q8_K<BlockTQ2_0, tq2_value<BlockTQ2_0>>(static_cast<const BlockTQ2_0*>(w),
                                                                  static_cast<const BlockQ8_K*>(x), nb);
        case Type::TQ2_0_S32:
            return dot_tq_q8_K<BlockTQ2_0_S32, tq2_value<BlockTQ2_0_S32>>(static_cast<const BlockTQ2_0_S32*>(w),
                                                                          static_cast<const BlockQ8_K*>(x), nb);
        default:
            unsupported(wt, "vec_dot");  // Q8_K is an activation type only; I32 is not numeric
    }
}

float i2s_scale(const void* src, int64_t n) {
    i2s_check(n, "i2s_scale");
    float s;
    std::memcpy(&s, static_cast<const uint8_t*>(src) + n / 4, sizeof s);
    return s;
}

void dequantize_i2_s(const void* src, float* dst, int64_t n) {
    const float s = i2s_scale(src, n);
    const auto* codes = static_cast<const uint8_t*>(src);
    for (int64_t e = 0; e < n; ++e) {
        const int code = i2s_code(codes, e);
        dst[e] = code == 3 ? 0.0f : static_cast<float>(code - 1) * s;
    }
}

void quantize_i2_s(const float* src, void* dst, int64_t n) {
    i2s_check(n, "quantize_i2_s");
    float amax = 0.0f;
    for (int64_t e = 0; e < n; ++e) amax = std::max(amax, std::fabs(src[e]));
    auto* out = static_cast<uint8_t*>(dst);
    std::memset(out, 0, static_cast<size_t>(i2s_tensor_bytes(static_cast<uint64_t>(n))));
    for (int64_t e = 0; e < n; ++e) {
        const int code = std::fabs(src[e]) < 1e-6f ? 1 : src[e] > 0.0f ? 2 : 0;
        const int64_t blk = e / QK_I2;
        const int r = static_cast<int>(e % QK_I2);
        out[32 * blk + r % 32] = static_cast<uint8_t>(out[32 * blk + r % 32] | (code << (6 - 2 * (r / 32))));
    }
    std::memcpy(out + n / 4, &amax, sizeof amax);
}

void convert_i2_s_to_tq2_0_s32(const void* src, void* dst, int64_t n) {
    if (n <= 0 || n % QK_K != 0)
        throw Error("I2_S conversion: " + std::to_string(n) + " elements is not a positive multiple of " +
                    std::to_string(QK_K));
    const float s = i2s_scale(src, n);
    if (!std::isfinite(s)) throw Error("I2_S conversion: the tensor scale is not a finite number");
    const auto* codes = static_cast<const uint8_t*>(src);
    auto* out = static_cast<BlockTQ2_0_S32*>(dst);
    // TQ2_0 chunk c of block i is I2_S block 2i + c: same bytes, same 32-element groups.
    for (int64_t i = 0; i < n / QK_K; ++i) {
        for (int j = 0; j < 64; ++j) out[i].qs[j] = kI2sToTq2.map[codes[64 * i + j]];
        out[i].d = s;
    }
}

void convert_tq1_0_to_tq2_0(const void* src, void* dst, int64_t n) {
    if (n < 0 || n % QK_K != 0)
        throw Error("TQ1_0 conversion: " + std::to_string(n) + " elements is not a multiple of " + std::to_string(QK_K));
    // codes[q][k]: code (value + 1) of trit k of byte q.
    static const auto codes = [] {
        std::array<std::array<uint8_t, 5>, 256> c{};
        for (int q = 0; q < 256; ++q)
            for (int k = 0; k < 5; ++k) c[size_t(q)][size_t(k)] = static_cast<uint8_t>(tq1_trit(static_cast<uint8_t>(q), k) + 1);
        return c;
    }();
    const auto* in = static_cast<const BlockTQ1_0*>(src);
    auto* out = static_cast<BlockTQ2_0*>(dst);
    for (int64_t i = 0; i < n / QK_K; ++i) {
        const BlockTQ1_0& b = in[i];
        uint8_t code[QK_K];  // element order (tq1_value)
        for (int m = 0; m < 32; ++m)
            for (int k = 0; k < 5; ++k) code[32 * k + m] = codes[b.qs[m]][size_t(k)];
        for (int m = 0; m < 16; ++m)
            for (int k = 0; k < 5; ++k) code[160 + 16 * k + m] = codes[b.qs[32 + m]][size_t(k)];
        for (int j = 0; j < 4; ++j)
            for (int k = 0; k < 4; ++k) code[240 + 4 * k + j] = codes[b.qh[j]][size_t(k)];
        for (int h = 0; h < 2; ++h)
            for (int m = 0; m < 32; ++m) {
                const uint8_t* c = code + 128 * h + m;
                out[i].qs[32 * h + m] = static_cast<uint8_t>(c[0] | c[32] << 2 | c[64] << 4 | c[96] << 6);
            }
        out[i].d = b.d;
    }
}

}  // namespace tern::ref
