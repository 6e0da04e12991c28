// Weight layouts on the device: rows of 32-bit words that shaders/weights.glsl reads. Quantized
// rows are block records (the block's quantized bytes padded to whole words, then its scale as
// float32: fp16 scales are widened, TQ2_0_S32's float is kept), so no shader needs 8- or 16-bit
// storage. A tensor larger than one binding may address is split by rows into parts.
#pragma once

#include "tern/types.h"

#include <cstdint>
#include <string>

namespace tern::vk {

// Whether GET_ROWS / MUL_MAT / MUL_MAT_ID can read weights of type t.
bool is_device_weight_type(Type t);

// Shader variant suffix for weights of type t ("f32", "q4_0", "tq2_0"; TQ2_0_S32 reads as TQ2_0).
std::string weight_shader_suffix(Type t);

// Words of one repacked row of K elements.
uint64_t device_row_words(Type t, int64_t K);

// Repacks rows [r0, r1) of a tensor in ggml layout (rows of row_bytes(t, K) bytes) into dst
// (device_row_words(t, K) words per row).
void repack_rows(Type t, const void* src, int64_t K, int64_t r0, int64_t r1, uint32_t* dst);

}  // namespace tern::vk
