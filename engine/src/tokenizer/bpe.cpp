// GPT-2 byte-level BPE ("gpt2" vocab). Encode: cut the text at special/added tokens, split the rest
// into words with the pre-tokenizer, write each word's bytes in GPT-2's byte-to-unicode alphabet,
// then repeatedly merge the adjacent pair with the lowest merge rank (leftmost among equals) until
// no pair has a rank. Same order of operations and tie-breaks as llama.cpp's llm_tokenizer_bpe, so
// the ids match its test vectors exactly.
#include "tokenizer/bpe.h"
#include "tokenizer/merge.h"

#include "tern/error.h"

#include <algorithm>

namespace tern::detail {

namespace {

bool stands_for_itself(int b) {
    return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

struct ByteMap {
    std::array<std::string, 256> to_utf8;
    std::array<int, 0x144> from_cp{};   // code points 0..0x143 → byte, -1 if none
    ByteMap() {
        from_cp.fill(-1);
        uint32_t next = 0x100;
        for (int b = 0; b < 256; ++b) {
            const uint32_t cp = stands_for_itself(b) ? static_cast<uint32_t>(b) : next++;
            append_utf8(to_utf8[static_cast<size_t>(b)], cp);
            from_cp[cp] = b;
        }
    }
};

const ByteMap& byte_map() {
    static const ByteMap m;
    return m;
}

std::string decode_normal(const std::string& text) {
    std::string out;
    for (const uint32_t cp : utf8_to_cpts(text)) {
        const int b = unicode_to_byte(cp);
        if (b >= 0) out.push_back(static_cast<char>(static_cast<unsigned char>(b)));
        else append_utf8(out, cp);   // not in the byte alphabet: keep the character itself
    }
    return out;
}

constexpr char kMergeSep = '\xFF';   // never inside UTF-8 text

}  // namespace

const std::string& byte_to_unicode(unsigned char b) { return byte_map().to_utf8[b]; }

int unicode_to_byte(uint32_t cp) { return cp < 0x144 ? byte_map().from_cp[cp] : -1; }

BpeTokenizer::BpeTokenizer(Vocab v) : Tokenizer(std::move(v)), pre_(pre_type_from_name(vocab_.pre)) {
    ignore_merges_ = pre_ == PreType::Llama3;
    const size_t n = vocab_.tokens.size();
    ids_.reserve(n);
    pieces_.resize(n);
    for (size_t i = 0; i < n; ++i) {
        const std::string& text = vocab_.tokens[i];
        if (!text.empty()) ids_.insert_or_assign(text, static_cast<int32_t>(i));
        switch (vocab_.types[i]) {
        case TokenType::NORMAL: pieces_[i] = decode_normal(text); break;
        case TokenType::USER_DEFINED: pieces_[i] = text; break;
        default: break;   // control, unknown, unused: print nothing (llama.cpp token_to_piece)
        }
    }
    ranks_.reserve(vocab_.merges.size());
    for (size_t r = 0; r < vocab_.merges.size(); ++r) {
        const std::string& m = vocab_.merges[r];
        // The separator is the first space after the first character, as llama.cpp splits.
        const size_t sp = m.size() > 1 ? m.find(' ', 1) : std::string::npos;
        if (sp == std::string::npos)
            throw Error("tokenizer: merge " + std::to_string(r) + " ('" + m + "') is not of the form 'left right'");
        std::string key = m.substr(0, sp);
        key.push_back(kMergeSep);
        key.append(m, sp + 1);
        ranks_.emplace(std::move(key), static_cast<int>(r));   // the first (lowest) rank wins
    }
}

int32_t BpeTokenizer::find(std::string_view piece) const {
    const auto it = ids_.find(piece);
    return it == ids_.end() ? -1 : it->second;
}

int BpeTokenizer::rank(std::string_view left, std::string_view right) const {
    std::string key;
    key.reserve(left.size() + right.size() + 1);
    key.append(left);
    key.push_back(kMergeSep);
    key.append(right);
    const auto it = ranks_.find(key);
    return it == ranks_.end() ? -1 : it->second;
}

std::vector<int32_t> BpeTokenizer::encode(std::string_view text, bool add_special) const {
    return encode(text, add_special, false);
}

std::vector<int32_t> BpeTokenizer::encode(std::string_view text, bool add_special, bool parse_special) const {
    std::vector<int32_t> out;
    if (add_special && vocab_.add_bos && vocab_.bos >= 0) out.push_back(vocab_.bos);

    const std::vector<Fragment> frags = partition_specials(text, parse_special);
    for (const Fragment& f : frags) {
        if (f.token >= 0) out.push_back(f.token);
        else encode_text(text.substr(f.off, f.len), out);
    }

    if (add_special && vocab_.add_eos && vocab_.eos >= 0) out.push_back(vocab_.eos);
    return out;
}

void BpeTokenizer::encode_text(std::string_view text, std::vector<int32_t>& out) const {
    for (const std::string& word : pretokenize(pre_, text)) {
        std::string encoded;
        encoded.reserve(word.size() * 2);
        for (const char c : word) encoded += byte_to_unicode(static_cast<unsigned char>(c));
        encode_word(encoded, out);
    }
}

void BpeTokenizer::encode_word(const std::string& word, std::vector<int32_t>& out) const {
    const std::string_view w(word);
    if (ignore_merges_ && find(w) >= 0) {
        out.push_back(find(w));
        return;
    }
    // One symbol per character of the byte alphabet (= one per input byte); GPT-2 BPE merges
    // the pair with the lowest rank in the merges list first.
    std::vector<MergeSymbol> syms = split_characters(w, utf8_scan);
    merge_symbols(syms, [&](size_t start, size_t left_len, size_t right_len) -> std::optional<double> {
        const int rk = rank(w.substr(start, left_len), w.substr(start + left_len, right_len));
        if (rk < 0) return std::nullopt;
        return -static_cast<double>(rk);
    });

    for (int32_t i = syms.empty() ? -1 : 0; i >= 0; i = syms[static_cast<size_t>(i)].next) {
        const MergeSymbol& sym = syms[static_cast<size_t>(i)];
        const std::string_view piece = w.substr(sym.start, sym.len);
        const int32_t id = find(piece);
        if (id >= 0) {
            out.push_back(id);
            continue;
        }
        // A merge result that is no token: fall back to single-byte tokens, dropping bytes that
        // have none (llama.cpp does the same).
        for (const char c : piece) {
            const int32_t bid = find(std::string_view(&c, 1));
            if (bid >= 0) out.push_back(bid);
        }
    }
}

}  // namespace tern::detail
