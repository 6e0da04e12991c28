#include "backend/vulkan/weights.h"

#include "tensor/fp16.h"
#include "tensor/quants.h"
#include "tern/error.h"

#include <cstring>

namespace tern::vk {

namespace {

// Words per block record and elements per block of each quantized device type.
struct RecordShape { uint32_t words; uint32_t qbytes; int64_t elements; };

RecordShape record_shape(Type t) {
    switch (t) {
    case Type::Q4_0: return {5, 16, 32};
    case Type::Q8_0: return {9, 32, 32};
    case Type::TQ1_0: return {14, 52, 256};
    case Type::TQ2_0: case Type::TQ2_0_S32: return {17, 64, 256};
    default: return {0, 0, 0};
    }
}

float block_scale(Type t, const uint8_t* block) {
    switch (t) {
    case Type::Q4_0: return fp16_to_fp32(reinterpret_cast<const ref::BlockQ4_0*>(block)->d);
    case Type::Q8_0: return fp16_to_fp32(reinterpret_cast<const ref::BlockQ8_0*>(block)->d);
    case Type::TQ1_0: return fp16_to_fp32(reinterpret_cast<const ref::BlockTQ1_0*>(block)->d);
    case Type::TQ2_0: return fp16_to_fp32(reinterpret_cast<const ref::BlockTQ2_0*>(block)->d);
    case Type::TQ2_0_S32: {
        float d;
        std::memcpy(&d, block + offsetof(ref::BlockTQ2_0_S32, d), sizeof d);
        return d;
    }
    default: return 0.0f;
    }
}

// Offset of the quantized bytes inside a ggml block (Q4_0/Q8_0 start with d).
size_t qs_offset(Type t) { return t == Type::Q4_0 || t == Type::Q8_0 ? 2 : 0; }

}  // namespace

bool is_device_weight_type(Type t) {
    switch (t) {
    case Type::F32: case Type::F16: case Type::Q4_0: case Type::Q8_0:
    case Type::TQ1_0: case Type::TQ2_0: case Type::TQ2_0_S32:
        return true;
    default:
        return false;
    }
}

std::string weight_shader_suffix(Type t) {
    switch (t) {
    case Type::F32: return "f32";
    case Type::F16: return "f16";
    case Type::Q4_0: return "q4_0";
    case Type::Q8_0: return "q8_0";
    case Type::TQ1_0: return "tq1_0";
    case Type::TQ2_0: case Type::TQ2_0_S32: return "tq2_0";
    default: throw Error("the Vulkan backend cannot read " + std::string(type_name(t)) + " weights");
    }
}

uint64_t device_row_words(Type t, int64_t K) {
    if (t == Type::F32) return static_cast<uint64_t>(K);
    if (t == Type::F16) return static_cast<uint64_t>((K + 1) / 2);
    const RecordShape rs = record_shape(t);
    if (rs.words == 0) throw Error("the Vulkan backend cannot read " + std::string(type_name(t)) + " weights");
    return static_cast<uint64_t>(K / rs.elements) * rs.words;
}

void repack_rows(Type t, const void* src, int64_t K, int64_t r0, int64_t r1, uint32_t* dst) {
    const size_t rb = row_bytes(t, K);
    const uint64_t rw = device_row_words(t, K);
    const auto* base = static_cast<const uint8_t*>(src);
    for (int64_t r = r0; r < r1; ++r) {
        const uint8_t* row = base + static_cast<size_t>(r) * rb;
        uint32_t* out = dst + static_cast<size_t>(r - r0) * rw;
        if (t == Type::F32 || t == Type::F16) {
            out[rw - 1] = 0;  // F16 rows of odd length: the pad half is zero
            std::memcpy(out, row, rb);
            continue;
        }
        const RecordShape rs = record_shape(t);
        const size_t bb = type_traits(t).block_bytes;
        for (int64_t b = 0; b < K / rs.elements; ++b) {
            const uint8_t* blk = row + static_cast<size_t>(b) * bb;
            uint32_t* rec = out + static_cast<size_t>(b) * rs.words;
            std::memset(rec, 0, rs.words * sizeof(uint32_t));
            std::memcpy(rec, blk + qs_offset(t), rs.qbytes);
            const float d = block_scale(t, blk);
            std::memcpy(rec + rs.words - 1, &d, sizeof d);
        }
    }
}

}  // namespace tern::vk
