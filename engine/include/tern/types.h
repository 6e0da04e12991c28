// Tensor element types as numbered by ggml (ggml/include/ggml.h, enum ggml_type) and their
// block layouts (ggml/src/ggml-common.h). See ../shared/docs/formats.md §1.3, §2 and §3.
//
// Two kinds of ids are not plain upstream ggml types:
// - I2_S (36) is Microsoft bitnet.cpp's ternary type. Upstream ggml once used 36 for a type it
//   has removed, so the GGUF reader accepts id 36 as I2_S only in files that look like
//   bitnet.cpp's (architecture and file type; see GgufFile). Its data is per tensor, not per
//   row, so no kernel reads it: the model loader converts it to TQ2_0_S32 at load time.
// - Internal types (TypeTraits::internal) exist only in memory, never in a file; their ids are
//   at the top of the 0..63 range, far from ggml's.
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
    // bitnet.cpp's I2_S (formats.md §3): the whole tensor is n/4 bytes of 2-bit codes in
    // 128-element / 32-byte blocks (byte j of block b holds elements 128b + j + 32g at bit
    // shift 6 − 2g; codes 0/1/2 → −1/0/+1, 3 → 0), then ONE float32 scale at byte n/4, then 28
    // zero bytes: n/4 + 32 bytes in all. Traits below describe the codes only (128 elements per
    // 32 bytes), so row_bytes() is a row's codes; the tensor size comes from i2s_tensor_bytes().
    I2_S = 36,
    I32 = 26,    // ggml's GGML_TYPE_I32: used for index tensors in graphs, never for weights
    // Internal: TQ2_0's 256-element block (64 bytes of codes, same element order) with a
    // float32 scale instead of fp16 (68 bytes). What I2_S is converted to at load time, so
    // its per-tensor float32 scale is kept exactly (BitNet scales need not be fp16-exact)
    // while the kernels stay TQ2_0's: activations as Q8_K, Σ (code − 1)·q8 per block.
    TQ2_0_S32 = 63,
    // Internal: Q8_K's layout (f32 d, 256 x int8, 16 x int16 bsums per block) with ONE scale for
    // the whole row: BitNet's per-token absmax int8 activations (formats.md §3.5, model.py
    // BitLinear.quant_input): s = 127 / max(max|x|, 1e-5), q = clamp(round_half_even(x·s),
    // −128, 127), d = 1/s in every block. Its dot products with ternary weights are Q8_K's, which
    // then compute BitNet's (Σ code·q − Σ q)/s · scale up to summation order. llama.cpp's Q8_K
    // scales each 256-block on its own instead: the same for 256-wide rows, not for wider ones.
    Q8_K_ROW = 62,
};

struct TypeTraits {
    Type type;
    std::string_view name;   // "F32", "TQ2_0", ... as llama.cpp prints them
    int64_t block_size;      // elements per block
    size_t block_bytes;      // bytes per block
    bool quantized;          // block-quantized (needs a dequantize step)
    Type vec_dot_type;       // type the activations are converted to for a dot product with
                             // this weight type, as in ggml-cpu's type_traits_cpu
    bool internal;           // exists only in memory (never read from or written to a file)
};

// Traits of a type id; nullptr when the id is not one the engine knows. Knowing an id does
// not make it valid in a file: internal ids never are, and I2_S only with bitnet.cpp
// provenance (decided by the GGUF reader).
const TypeTraits* type_traits(uint32_t id);
const TypeTraits& type_traits(Type t);
inline std::string_view type_name(Type t) { return type_traits(t).name; }

// Bytes of a row of ne0 elements. ne0 must be a multiple of the block size.
inline size_t row_bytes(Type t, int64_t ne0) {
    const TypeTraits& tt = type_traits(t);
    return static_cast<size_t>(ne0 / tt.block_size) * tt.block_bytes;
}

// Bytes of an I2_S tensor of n elements: n/4 bytes of codes plus the 32-byte scale tail
// (bitnet.cpp's ggml_nbytes special case).
inline uint64_t i2s_tensor_bytes(uint64_t n) { return n / 4 + 32; }

}  // namespace tern
