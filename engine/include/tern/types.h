// Tensor element types as numbered by ggml (ggml/include/ggml.h, enum ggml_type) and their
// block layouts (ggml/src/ggml-common.h). See ../shared/docs/formats.md §1.3 and §2.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tern {

enum class Type : uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,    // 32 elements: fp16 d, 16 bytes of nibbles (low nibbles = elements 0..15)
    Q8_0 = 8,    // 32 elements: fp16 d, 32 x int8
    Q8_K = 15,   // 256 elements: f32 d, 256 x int8, 16 x int16 bsums. Activations only.
    BF16 = 30,
    TQ1_0 = 34,  // 256 elements: 48 bytes base-3 (5 trits/byte), 4 bytes qh, fp16 d (last)
    TQ2_0 = 35,  // 256 elements: 64 bytes of 2-bit codes, fp16 d (last)
    I32 = 26,    // ggml's GGML_TYPE_I32: used for index tensors in graphs, never for weights
};

struct TypeTraits {
    Type type;
    std::string_view name;   // "F32", "TQ2_0", ... as llama.cpp prints them
    int64_t block_size;      // elements per block
    size_t block_bytes;      // bytes per block
    bool quantized;          // block-quantized (needs a dequantize step)
    Type vec_dot_type;       // type the activations are converted to for a dot product with
                             // this weight type, as in ggml-cpu's type_traits_cpu
};

// Traits of a ggml type id; nullptr when the id is not one the engine supports.
const TypeTraits* type_traits(uint32_t id);
const TypeTraits& type_traits(Type t);
inline std::string_view type_name(Type t) { return type_traits(t).name; }

// Bytes of a row of ne0 elements. ne0 must be a multiple of the block size.
inline size_t row_bytes(Type t, int64_t ne0) {
    const TypeTraits& tt = type_traits(t);
    return static_cast<size_t>(ne0 / tt.block_size) * tt.block_bytes;
}

}  // namespace tern
