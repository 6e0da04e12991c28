// Tokenizer factories (GGUF keys → validated Vocab → implementation), whole-sequence decode and
// the end-of-generation test.
#include "tern/tokenizer.h"

#include "tern/error.h"
#include "tern/gguf.h"
#include "tokenizer/bpe.h"
#include "tokenizer/spm.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace tern {

namespace {

void check_special_id(const char* what, int32_t id, size_t n) {
    if (id == -1) return;
    if (id < 0 || static_cast<size_t>(id) >= n)
        throw Error(std::string(what) + " token id " + std::to_string(id) + " is out of range (n_vocab " +
                    std::to_string(n) + ")");
}

// Absent → dflt (when it is a valid id). -1 and 0xFFFFFFFF (how some converters write "none",
// e.g. stories260K's padding id) → -1. Anything else must be a valid id.
int32_t read_special_id(const GgufFile& file, const std::string& key, int32_t dflt, size_t n) {
    const std::optional<int64_t> v = file.get_int(key);
    if (!v) return static_cast<size_t>(dflt) < n ? dflt : -1;
    if (*v == -1 || *v == 0xFFFFFFFFll) return -1;
    if (*v < 0 || static_cast<uint64_t>(*v) >= n)
        throw Error(file.path() + ": " + key + " = " + std::to_string(*v) + " is out of range (n_vocab " +
                    std::to_string(n) + ")");
    return static_cast<int32_t>(*v);
}

}  // namespace

Tokenizer::Tokenizer(Vocab v) : vocab_(std::move(v)) {
    for (size_t i = 0; i < vocab_.tokens.size(); ++i) {
        const TokenType t = vocab_.types[i];
        if (!vocab_.tokens[i].empty() && (t == TokenType::CONTROL || t == TokenType::USER_DEFINED || t == TokenType::UNKNOWN))
            specials_.push_back(static_cast<int32_t>(i));
    }
    std::stable_sort(specials_.begin(), specials_.end(), [&](int32_t a, int32_t b) {
        return vocab_.tokens[static_cast<size_t>(a)].size() > vocab_.tokens[static_cast<size_t>(b)].size();
    });
}

std::vector<Tokenizer::Fragment> Tokenizer::partition_specials(std::string_view text, bool parse_special) const {
    std::vector<Fragment> frags;
    if (!text.empty()) frags.push_back({-1, 0, text.size()});
    for (const int32_t id : specials_) {
        const auto i = static_cast<size_t>(id);
        if (!parse_special && vocab_.types[i] != TokenType::USER_DEFINED) continue;
        const std::string_view tok = vocab_.tokens[i];
        std::vector<Fragment> next;
        next.reserve(frags.size());
        for (const Fragment& f : frags) {
            if (f.token >= 0 || f.len < tok.size()) {
                next.push_back(f);
                continue;
            }
            const std::string_view raw = text.substr(f.off, f.len);
            size_t cur = 0;
            for (size_t pos = raw.find(tok); pos != std::string_view::npos; pos = raw.find(tok, cur)) {
                if (pos > cur) next.push_back({-1, f.off + cur, pos - cur});
                next.push_back({id, f.off + pos, tok.size()});
                cur = pos + tok.size();
            }
            if (cur < raw.size()) next.push_back({-1, f.off + cur, raw.size() - cur});
        }
        frags = std::move(next);
    }
    return frags;
}

std::unique_ptr<Tokenizer> Tokenizer::from_vocab(Vocab v) {
    if (v.model != "llama" && v.model != "gpt2")
        throw Error("tokenizer model '" + v.model + "' is not supported yet");
    const size_t n = v.tokens.size();
    if (n == 0) throw Error("tokenizer has no tokens");
    if (n > static_cast<size_t>(std::numeric_limits<int32_t>::max())) throw Error("tokenizer has too many tokens");
    if (v.scores.empty()) v.scores.assign(n, 0.0f);
    if (v.types.empty()) v.types.assign(n, TokenType::NORMAL);
    if (v.scores.size() != n)
        throw Error("tokenizer has " + std::to_string(n) + " tokens but " + std::to_string(v.scores.size()) + " scores");
    if (v.types.size() != n)
        throw Error("tokenizer has " + std::to_string(n) + " tokens but " + std::to_string(v.types.size()) +
                    " token types");
    for (size_t i = 0; i < n; ++i) {
        // A NaN score would break the strict ordering the merge queue relies on.
        if (std::isnan(v.scores[i])) throw Error("tokenizer: score of token " + std::to_string(i) + " is NaN");
        const auto t = static_cast<int32_t>(v.types[i]);
        if (t < 0 || t > static_cast<int32_t>(TokenType::BYTE))
            throw Error("tokenizer: token " + std::to_string(i) + " has invalid type " + std::to_string(t));
        if (v.types[i] == TokenType::BYTE && detail::byte_token_value(v.tokens[i]) < 0)
            throw Error("tokenizer: byte token " + std::to_string(i) + " is not of the form <0xNN>");
    }
    check_special_id("bos", v.bos, n);
    check_special_id("eos", v.eos, n);
    check_special_id("unknown", v.unk, n);
    check_special_id("padding", v.pad, n);
    if (v.model == "gpt2") {
        if (v.pre.empty()) v.pre = "default";
        v.add_space_prefix = false;   // byte-level BPE encodes spaces as they are
        return std::make_unique<detail::BpeTokenizer>(std::move(v));
    }
    return std::make_unique<detail::SpmTokenizer>(std::move(v));
}

std::unique_ptr<Tokenizer> Tokenizer::from_gguf(const GgufFile& file) {
    const std::string& path = file.path();
    const auto model = file.get_string("tokenizer.ggml.model");
    if (!model) throw Error(path + ": tokenizer.ggml.model is missing");
    Vocab v;
    v.model = std::string(*model);
    if (v.model != "llama" && v.model != "gpt2")
        throw Error(path + ": tokenizer model '" + v.model + "' is not supported yet");
    const bool bpe = v.model == "gpt2";

    const auto tokens = file.get_string_array("tokenizer.ggml.tokens");
    if (!tokens || tokens->empty()) throw Error(path + ": tokenizer.ggml.tokens is missing or empty");
    const size_t n = tokens->size();
    v.tokens.assign(tokens->begin(), tokens->end());

    if (auto scores = file.get_f32_array("tokenizer.ggml.scores")) {
        if (scores->size() != n)
            throw Error(path + ": tokenizer.ggml.scores has " + std::to_string(scores->size()) + " entries, expected " +
                        std::to_string(n));
        v.scores = std::move(*scores);
    }
    if (const auto types = file.get_i32_array("tokenizer.ggml.token_type")) {
        if (types->size() != n)
            throw Error(path + ": tokenizer.ggml.token_type has " + std::to_string(types->size()) +
                        " entries, expected " + std::to_string(n));
        v.types.reserve(n);
        for (size_t i = 0; i < n; ++i) {
            const int32_t t = (*types)[i];
            if (t < 0 || t > static_cast<int32_t>(TokenType::BYTE))
                throw Error(path + ": tokenizer.ggml.token_type[" + std::to_string(i) + "] = " + std::to_string(t) +
                            " is not a token type");
            v.types.push_back(static_cast<TokenType>(t));
        }
    }
    if (bpe) {
        if (const auto merges = file.get_string_array("tokenizer.ggml.merges"))
            v.merges.assign(merges->begin(), merges->end());
        else
            throw Error(path + ": tokenizer.ggml.merges is missing (needed by the gpt2 tokenizer)");
        v.pre = std::string(file.get_string("tokenizer.ggml.pre").value_or("default"));
    }
    // Defaults when a key is absent are llama.cpp's (llama_vocab::impl::load): SPM bos 1, eos 2,
    // unk 0, BOS added; gpt2 bos = eos = 11, no unk, BOS added only for the llama3 pre-tokenizer.
    const bool llama3_pre =
        bpe && (v.pre == "llama3" || v.pre == "llama-v3" || v.pre == "llama-bpe" || v.pre == "falcon3");
    v.bos = read_special_id(file, "tokenizer.ggml.bos_token_id", bpe ? 11 : 1, n);
    v.eos = read_special_id(file, "tokenizer.ggml.eos_token_id", bpe ? 11 : 2, n);
    v.unk = read_special_id(file, "tokenizer.ggml.unknown_token_id", bpe ? -1 : 0, n);
    v.pad = read_special_id(file, "tokenizer.ggml.padding_token_id", -1, n);
    v.add_bos = file.get_bool("tokenizer.ggml.add_bos_token").value_or(!bpe || llama3_pre);
    v.add_eos = file.get_bool("tokenizer.ggml.add_eos_token").value_or(false);
    v.add_space_prefix = file.get_bool("tokenizer.ggml.add_space_prefix").value_or(!bpe);

    try {
        return from_vocab(std::move(v));
    } catch (const Error& e) {
        throw Error(path + ": " + e.what());
    }
}

std::string Tokenizer::token_bytes(int32_t id) const {
    if (id < 0 || id >= n_vocab())
        throw Error("token id " + std::to_string(id) + " is out of range (n_vocab " + std::to_string(n_vocab()) + ")");
    return pieces_[static_cast<size_t>(id)];
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids) const {
    std::string out;
    // The piece that carries encode()'s space prefix is the first one after an optional BOS.
    const size_t first = (!ids.empty() && vocab_.bos >= 0 && ids[0] == vocab_.bos) ? 1 : 0;
    for (size_t i = 0; i < ids.size(); ++i) {
        std::string piece = token_bytes(ids[i]);
        if (i == first && vocab_.add_space_prefix && !piece.empty() && piece[0] == ' ') piece.erase(0, 1);
        out += piece;
    }
    return out;
}

bool Tokenizer::is_eog(int32_t id) const {
    if (id < 0 || id >= n_vocab()) return false;
    if (id == vocab_.eos) return true;
    const auto i = static_cast<size_t>(id);
    if (vocab_.types[i] != TokenType::CONTROL) return false;
    // End-of-turn markers of common chat formats (the names llama.cpp also treats as EOG).
    static constexpr std::array<std::string_view, 7> kEndOfTurn = {
        "<|eot_id|>", "<|eom_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<EOT>",
    };
    for (const std::string_view name : kEndOfTurn)
        if (vocab_.tokens[i] == name) return true;
    return false;
}

}  // namespace tern
