// SentencePiece BPE ("llama" vocab): merge the adjacent pair of symbols whose concatenation is the
// best-scoring token until no pair is a token, then fall back to byte tokens for what is left.
// Same algorithm and tie-breaks as llama.cpp's llm_tokenizer_spm (src/llama-vocab.cpp), so the ids
// match its test vectors exactly.
#include "tokenizer/spm.h"
#include "tokenizer/merge.h"

#include "tern/error.h"

#include <string>

namespace tern::detail {

namespace {

constexpr std::string_view kSpace = "\xE2\x96\x81";   // U+2581, SentencePiece's visible space

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

std::string unescape_spaces(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        if (text.compare(i, kSpace.size(), kSpace) == 0) {
            out.push_back(' ');
            i += kSpace.size();
        } else {
            out.push_back(text[i++]);
        }
    }
    return out;
}

// A symbol is a span of the escaped text; merged-away symbols keep len 0.
}  // namespace

int byte_token_value(std::string_view text) {
    if (text.size() != 6 || text.substr(0, 3) != "<0x" || text[5] != '>') return -1;
    const int hi = hex_digit(text[3]), lo = hex_digit(text[4]);
    if (hi < 0 || lo < 0) return -1;
    return hi * 16 + lo;
}

SpmTokenizer::SpmTokenizer(Vocab v) : Tokenizer(std::move(v)) {
    const auto n = vocab_.tokens.size();
    ids_.reserve(n);
    pieces_.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const std::string& text = vocab_.tokens[i];
        if (!text.empty()) ids_.insert_or_assign(text, static_cast<int32_t>(i));
        // As llama.cpp's token_to_piece without special rendering: control, unknown, unused and
        // undefined tokens print nothing; user-defined tokens print their text verbatim.
        switch (vocab_.types[i]) {
        case TokenType::NORMAL: pieces_[i] = unescape_spaces(text); break;
        case TokenType::BYTE: pieces_[i] = std::string(1, static_cast<char>(byte_token_value(text))); break;
        case TokenType::USER_DEFINED: pieces_[i] = text; break;
        default: break;
        }
    }
    static const char* hex = "0123456789ABCDEF";
    for (int b = 0; b < 256; ++b) {
        const char name[] = {'<', '0', 'x', hex[b >> 4], hex[b & 15], '>', '\0'};
        int32_t id = find(name);
        if (id < 0) id = find(std::string(1, static_cast<char>(b)));
        byte_ids_[static_cast<size_t>(b)] = id >= 0 ? id : vocab_.unk;
    }
}

int32_t SpmTokenizer::find(std::string_view piece) const {
    const auto it = ids_.find(piece);
    return it == ids_.end() ? -1 : it->second;
}

std::vector<int32_t> SpmTokenizer::encode(std::string_view text, bool add_special) const {
    return encode(text, add_special, false);
}

std::vector<int32_t> SpmTokenizer::encode(std::string_view text, bool add_special, bool parse_special) const {
    std::vector<int32_t> out;
    if (add_special && vocab_.add_bos && vocab_.bos >= 0) out.push_back(vocab_.bos);
    // As llama.cpp's SPM path: raw text at the start or right after a special token gets the
    // space prefix (when the vocab adds one); spaces become U+2581.
    bool prev_special = true;
    for (const Fragment& f : partition_specials(text, parse_special)) {
        if (f.token >= 0) {
            out.push_back(f.token);
            prev_special = true;
            continue;
        }
        std::string escaped;
        escaped.reserve(f.len + 8);
        if (vocab_.add_space_prefix && prev_special) escaped.append(kSpace);
        for (const char c : text.substr(f.off, f.len)) {
            if (c == ' ') escaped.append(kSpace);
            else escaped.push_back(c);
        }
        encode_fragment(escaped, out);
        prev_special = false;
    }
    if (add_special && vocab_.add_eos && vocab_.eos >= 0) out.push_back(vocab_.eos);
    return out;
}

void SpmTokenizer::encode_fragment(const std::string& s, std::vector<int32_t>& out) const {
    const std::string_view text(s);
    std::vector<MergeSymbol> syms = split_characters(text, utf8_scan);
    // SentencePiece BPE: the pair whose concatenation is a token with the highest score first.
    merge_symbols(syms, [&](size_t start, size_t left_len, size_t right_len) -> std::optional<double> {
        const int32_t id = find(text.substr(start, left_len + right_len));
        if (id < 0) return std::nullopt;
        return vocab_.scores[static_cast<size_t>(id)];
    });

    for (int32_t i = syms.empty() ? -1 : 0; i >= 0; i = syms[static_cast<size_t>(i)].next) {
        const MergeSymbol& sym = syms[static_cast<size_t>(i)];
        const std::string_view piece = text.substr(sym.start, sym.len);
        const int32_t id = find(piece);
        if (id >= 0) {
            out.push_back(id);
            continue;
        }
        for (const char c : piece) {
            const auto b = static_cast<unsigned char>(c);
            const int32_t bid = byte_ids_[b];
            if (bid < 0) {
                static const char* hex = "0123456789ABCDEF";
                throw Error(std::string("tokenizer: byte 0x") + hex[b >> 4] + hex[b & 15] +
                            " has no token and the vocab has no unknown token");
            }
            out.push_back(bid);
        }
    }
}

}  // namespace tern::detail
