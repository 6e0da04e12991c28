// What this build of the engine can run, by the names catalogs and GGUF files use, so the app can
// mark a model that needs something missing ("needs I2_S support") before anyone downloads it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tern {

// Tensor type names as llama.cpp prints them: "F32", "F16", "BF16", "Q8_0", "Q4_0", "TQ1_0", "TQ2_0",
// and bitnet.cpp's "I2_S".
bool is_type_supported(std::string_view type_name);
// general.architecture values: "llama" (dense and MoE), "qwen3moe", "bitnet", "bitnet-b1.58", "bitnet-25".
bool is_architecture_supported(std::string_view arch);
// Tokenizer models (tokenizer.ggml.model): "llama" (SentencePiece).
bool is_tokenizer_supported(std::string_view model);

std::vector<std::string> supported_type_names();
std::vector<std::string> supported_architecture_names();

}  // namespace tern
