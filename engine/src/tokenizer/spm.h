// Internal: the SentencePiece-BPE tokenizer behind `tokenizer.ggml.model = "llama"`, and the
// UTF-8 scanning shared by the tokenizer and Utf8Stream.
#pragma once

#include "tern/tokenizer.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tern::detail {

// Looks at the UTF-8 sequence starting at s[0] (s non-empty), following the well-formedness
// table of the Unicode standard (§3.9, Table 3-7: no overlongs, no surrogates, <= U+10FFFF).
// Returns n > 0: s[0..n) is one whole character; 0: s is a valid but incomplete prefix, more
// bytes could complete it; -n: s[0..n) is an ill-formed "maximal subpart" that becomes one
// U+FFFD (Unicode's recommended practice, also what WHATWG decoders do).
int utf8_scan(std::string_view s);

// "<0xAB>" → 0xAB (hex digits of either case); anything else → -1.
int byte_token_value(std::string_view text);

struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class SpmTokenizer final : public Tokenizer {
public:
    explicit SpmTokenizer(Vocab v);   // v already validated by Tokenizer::from_vocab

    std::vector<int32_t> encode(std::string_view text, bool add_special) const override;
    std::vector<int32_t> encode(std::string_view text, bool add_special, bool parse_special) const override;

private:
    int32_t find(std::string_view piece) const;   // -1 when no token has this text
    void encode_fragment(const std::string& escaped, std::vector<int32_t>& out) const;

    // Token text → id. For duplicate texts the last id wins, as llama.cpp's token_to_id.
    std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>> ids_;
    std::array<int32_t, 256> byte_ids_{};   // byte fallback token per byte value, -1 if none
};

}  // namespace tern::detail
