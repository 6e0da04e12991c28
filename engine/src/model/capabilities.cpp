#include "tern/capabilities.h"

#include "model/architecture.h"
#include "tern/types.h"

namespace tern {

namespace {
// Weight types a file may hold (Q8_K and I32 are not weight types; TQ2_0_S32 is internal):
// each has a reference dequantize and dot product, I2_S through its load-time conversion.
constexpr Type kWeightTypes[] = {Type::F32,   Type::F16,   Type::BF16,  Type::Q8_0,
                                 Type::Q4_0,  Type::TQ1_0, Type::TQ2_0, Type::I2_S};
constexpr std::string_view kArchitectures[] = {"llama", "qwen3moe", "bitnet", "bitnet-b1.58", "bitnet-25"};
}  // namespace

bool is_type_supported(std::string_view type_name) {
    for (Type t : kWeightTypes)
        if (tern::type_name(t) == type_name) return true;
    return false;
}

bool is_architecture_supported(std::string_view arch) { return find_architecture(arch) != nullptr; }

// "gpt2" passes llama.cpp's test vectors for the pre-tokenizers in tokenizer/pretokenize.cpp; a
// gpt2 vocab with another tokenizer.ggml.pre still fails to load, naming the pre-tokenizer.
bool is_tokenizer_supported(std::string_view model) { return model == "llama" || model == "gpt2"; }

std::vector<std::string> supported_type_names() {
    std::vector<std::string> out;
    for (Type t : kWeightTypes) out.emplace_back(tern::type_name(t));
    return out;
}

std::vector<std::string> supported_architecture_names() {
    std::vector<std::string> out;
    for (std::string_view a : kArchitectures)
        if (find_architecture(a)) out.emplace_back(a);
    return out;
}

}  // namespace tern
