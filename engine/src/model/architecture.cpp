#include "model/architecture.h"

namespace tern {

extern const Architecture kArchLlama;
extern const Architecture kArchQwen3Moe;
extern const Architecture kArchBitnet;
extern const Architecture kArchBitnet158;
extern const Architecture kArchBitnet25;

namespace {
const Architecture* const kAll[] = {&kArchLlama, &kArchQwen3Moe, &kArchBitnet, &kArchBitnet158, &kArchBitnet25};
}

const Architecture* find_architecture(std::string_view name) {
    for (const Architecture* a : kAll)
        if (a->name == name) return a;
    return nullptr;
}

std::string_view supported_architectures() {
    return "llama (dense and MoE), qwen3moe, bitnet, bitnet-b1.58, bitnet-25";
}

}  // namespace tern
