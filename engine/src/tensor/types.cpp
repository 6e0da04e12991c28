// The table of supported ggml types. Sizes: ggml src/ggml-common.h (block structs) and
// src/ggml.c (type_traits); vec_dot_type: src/ggml-cpu/ggml-cpu.c (type_traits_cpu).
// See ../shared/docs/formats.md §1.3, §2.4 and §3 (I2_S: bitnet.cpp's ggml/src/ggml.c).
#include "tern/types.h"

#include "tern/error.h"

#include <array>
#include <string>

namespace tern {

namespace {

constexpr std::array<TypeTraits, 12> kTypes{{
    // type            name         block  bytes  quantized  vec_dot_type  internal
    {Type::F32,       "F32",       1,     4,     false,     Type::F32,    false},
    {Type::F16,       "F16",       1,     2,     false,     Type::F16,    false},
    {Type::Q4_0,      "Q4_0",      32,    18,    true,      Type::Q8_0,   false},
    {Type::Q8_0,      "Q8_0",      32,    34,    true,      Type::Q8_0,   false},
    {Type::Q8_K,      "Q8_K",      256,   292,   true,      Type::Q8_K,   false},
    {Type::I32,       "I32",       1,     4,     false,     Type::I32,    false},
    {Type::BF16,      "BF16",      1,     2,     false,     Type::BF16,   false},
    {Type::TQ1_0,     "TQ1_0",     256,   54,    true,      Type::Q8_K,   false},
    {Type::TQ2_0,     "TQ2_0",     256,   66,    true,      Type::Q8_K,   false},
    // Codes only (the per-tensor scale tail is outside the rows); never reaches a kernel.
    {Type::I2_S,      "I2_S",      128,   32,    true,      Type::Q8_K,   false},
    {Type::TQ2_0_S32, "TQ2_0_S32", 256,   68,    true,      Type::Q8_K,   true},
    {Type::Q8_K_ROW,  "Q8_K_ROW",  256,   292,   true,      Type::Q8_K_ROW, true},
}};

}  // namespace

const TypeTraits* type_traits(uint32_t id) {
    for (const TypeTraits& tt : kTypes)
        if (static_cast<uint32_t>(tt.type) == id) return &tt;
    return nullptr;
}

const TypeTraits& type_traits(Type t) {
    const TypeTraits* tt = type_traits(static_cast<uint32_t>(t));
    if (!tt) throw Error("unsupported tensor type id " + std::to_string(static_cast<uint32_t>(t)));
    return *tt;
}

}  // namespace tern
