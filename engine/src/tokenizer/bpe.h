// Internal: the GPT-2 byte-level BPE tokenizer behind `tokenizer.ggml.model = "gpt2"`
// (llama.cpp's llm_tokenizer_bpe, src/llama-vocab.cpp).
#pragma once

#include "tern/tokenizer.h"
#include "tokenizer/pretokenize.h"
#include "tokenizer/spm.h"

#include <array>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tern::detail {

// GPT-2's byte-to-unicode table (openai/gpt-2 encoder.py bytes_to_unicode): the printable bytes
// '!'..'~', U+00A1..U+00AC and U+00AE..U+00FF stand for themselves; the other 68 bytes map, in
// byte order, to U+0100, U+0101, ... Returns the UTF-8 of the code point for byte b.
const std::string& byte_to_unicode(unsigned char b);
// The inverse for one code point; -1 when cp stands for no byte.
int unicode_to_byte(uint32_t cp);

class BpeTokenizer final : public Tokenizer {
public:
    // v already validated by Tokenizer::from_vocab. Throws tern::Error for an unsupported
    // pre-tokenizer (naming it) or a malformed merge.
    explicit BpeTokenizer(Vocab v);

    std::vector<int32_t> encode(std::string_view text, bool add_special) const override;
    std::vector<int32_t> encode(std::string_view text, bool add_special, bool parse_special) const override;

private:
    int32_t find(std::string_view piece) const;
    int rank(std::string_view left, std::string_view right) const;   // -1 when no such merge
    void encode_text(std::string_view text, std::vector<int32_t>& out) const;
    void encode_word(const std::string& word, std::vector<int32_t>& out) const;

    PreType pre_;
    bool ignore_merges_ = false;   // llama3: a word that is a whole token is emitted as is
    std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>> ids_;
    std::unordered_map<std::string, int, StringHash, std::equal_to<>> ranks_;   // "left\xFFright"
};

}  // namespace tern::detail
