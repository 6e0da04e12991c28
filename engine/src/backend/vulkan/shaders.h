// The compute shaders (shaders/*.comp), compiled by glslc at build time and embedded by
// cmake/EmbedSpirv.cmake into a generated source file (build/engine/tern_spirv.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tern::vk {

struct SpirvModule {
    const char* name;        // variant name from cmake/TernShaders.cmake, e.g. "mul_mat_tq2_0"
    const uint32_t* code;
    size_t words;
};

extern const SpirvModule kSpirvModules[];
extern const size_t kSpirvModuleCount;

}  // namespace tern::vk
