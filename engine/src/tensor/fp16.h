// IEEE half and bfloat16 conversions (scalar reference; round to nearest even).
#pragma once

#include <cstdint>

namespace tern {

float fp16_to_fp32(uint16_t h);
uint16_t fp32_to_fp16(float f);    // round to nearest even; overflow → ±inf; NaN stays NaN
float bf16_to_fp32(uint16_t h);
uint16_t fp32_to_bf16(float f);    // round to nearest even, as ggml's GGML_FP32_TO_BF16

}  // namespace tern
