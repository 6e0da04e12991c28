// Internal: the pre-tokenizers of byte-level BPE vocabs. Before BPE runs, text is split into
// "words" by a list of regular expressions chosen by `tokenizer.ggml.pre`; BPE never merges across
// a word boundary. The lists and their exact semantics are llama.cpp's (llm_tokenizer_bpe in
// src/llama-vocab.cpp, unicode_regex_split in src/unicode.cpp): each expression in turn refines
// the current pieces (its matches and the gaps between them both become pieces). The expressions
// are hand-coded here over Unicode code points, since std::regex has no \p{L} / \p{N}.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tern::detail {

// Coarse Unicode general category: 1 letter (L*), 2 number (N*), 3 punctuation (P*), 0 other.
struct CpRange {
    uint32_t first;
    uint32_t last;
    uint8_t cls;
};
extern const CpRange kCpRanges[];   // sorted, disjoint (unicode_tables.cpp, generated)
extern const size_t kCpRangeCount;

enum class CpClass : uint8_t { Other = 0, Letter = 1, Number = 2, Punct = 3 };
CpClass cp_class(uint32_t cp);
// Unicode White_Space (the set llama.cpp uses for \s): U+0009..U+000D, U+0020, U+0085, U+00A0,
// U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
bool cp_is_space(uint32_t cp);

// Pre-tokenizer families (llama.cpp LLAMA_VOCAB_PRE_TYPE_*) this engine implements.
enum class PreType { Default, Llama3, Qwen2, Gpt2, Starcoder, Falcon, DeepseekLlm };

// `tokenizer.ggml.pre` → family. Throws tern::Error naming the pre-tokenizer when unsupported.
PreType pre_type_from_name(std::string_view pre);
// The names pre_type_from_name accepts (for error messages and tests).
std::vector<std::string> supported_pre_names();

// UTF-8 text → code points. Ill-formed bytes become U+FFFD, one per byte (as llama.cpp's
// unicode_cpts_from_utf8), so the words below are always valid UTF-8.
std::vector<uint32_t> utf8_to_cpts(std::string_view text);
void append_utf8(std::string& out, uint32_t cp);

// Splits text into words (UTF-8, in order; concatenated they give the text with ill-formed bytes
// replaced). Empty text → no words.
std::vector<std::string> pretokenize(PreType type, std::string_view text);

}  // namespace tern::detail
