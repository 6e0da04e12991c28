// Tokenizers, as llama.cpp's (src/llama-vocab.cpp): SPM (SentencePiece BPE over scores, with byte
// fallback, llm_tokenizer_spm) for `tokenizer.ggml.model = "llama"`, and GPT-2 byte-level BPE
// (merges by rank after a pre-tokenizer chosen by `tokenizer.ggml.pre`, llm_tokenizer_bpe) for
// `tokenizer.ggml.model = "gpt2"`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tern {

class GgufFile;

// Token types as in GGUF `tokenizer.ggml.token_type` (llama.cpp llama_token_type).
enum class TokenType : int32_t {
    UNDEFINED = 0, NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6,
};

struct Vocab {
    std::string model;                 // tokenizer.ggml.model: "llama" (SPM) or "gpt2" (byte-level BPE)
    std::string pre;                   // tokenizer.ggml.pre (gpt2 only; "default" when absent)
    std::vector<std::string> tokens;   // piece text; SPM uses U+2581 for a space; gpt2 uses GPT-2's
                                       // byte-to-unicode form (except USER_DEFINED: raw text)
    std::vector<std::string> merges;   // gpt2: tokenizer.ggml.merges, "left right", rank = index
    std::vector<float> scores;         // SPM merge priority (higher merges first)
    std::vector<TokenType> types;
    int32_t bos = -1, eos = -1, unk = -1, pad = -1;
    bool add_bos = true;               // tokenizer.ggml.add_bos_token (default true for SPM; for gpt2
                                       // true only with a llama3-family pre, as llama.cpp)
    bool add_eos = false;
    bool add_space_prefix = true;      // tokenizer.ggml.add_space_prefix (default true for SPM, false
                                       // for gpt2)
};

class Tokenizer {
public:
    // Reads tokenizer.ggml.* from the file. Throws tern::Error on missing/invalid keys or an
    // unsupported tokenizer model.
    static std::unique_ptr<Tokenizer> from_gguf(const GgufFile& file);
    static std::unique_ptr<Tokenizer> from_vocab(Vocab vocab);
    virtual ~Tokenizer() = default;

    const Vocab& vocab() const { return vocab_; }
    int32_t n_vocab() const { return static_cast<int32_t>(vocab_.tokens.size()); }
    int32_t bos() const { return vocab_.bos; }
    int32_t eos() const { return vocab_.eos; }
    bool is_eog(int32_t id) const;     // end of generation (EOS; later EOT and template stops)

    // Text → ids. add_special: prepend BOS (and append EOS) as the vocab says. Text that spells a
    // CONTROL token (e.g. "<|eot_id|>") stays plain text: user input can never inject one.
    // gpt2 vocabs: USER_DEFINED tokens (added vocabulary such as MPT's whitespace runs) are always
    // matched in the text, as llama.cpp does with parse_special = false.
    virtual std::vector<int32_t> encode(std::string_view text, bool add_special) const = 0;
    // parse_special = true also turns the text of CONTROL tokens into those tokens (for prompts the
    // app builds from a chat template, e.g. Mistral's "[INST]", never for raw user text).
    virtual std::vector<int32_t> encode(std::string_view text, bool add_special, bool parse_special) const = 0;
    // The bytes of one token as it appears in text (byte tokens <0xNN> → that byte, U+2581 →
    // space, control tokens → empty). May be an incomplete UTF-8 sequence. Throws tern::Error
    // for an id outside [0, n_vocab).
    std::string token_bytes(int32_t id) const;
    // Whole-sequence decode (valid UTF-8 assumed; a leading space after BOS is removed as
    // llama.cpp does when the vocab adds a space prefix).
    std::string decode(const std::vector<int32_t>& ids) const;

protected:
    explicit Tokenizer(Vocab v);

    // A piece of the input: raw text [off, off + len) when token < 0, else one special token.
    struct Fragment {
        int32_t token;
        size_t off;
        size_t len;
    };
    // Cuts text at the texts of special tokens, longest first (llama.cpp's tokenizer_st_partition):
    // USER_DEFINED tokens always, CONTROL and UNKNOWN tokens only when parse_special.
    std::vector<Fragment> partition_specials(std::string_view text, bool parse_special) const;

    Vocab vocab_;
    std::vector<std::string> pieces_;  // token_bytes of every id, filled by each implementation
    std::vector<int32_t> specials_;    // CONTROL/USER_DEFINED/UNKNOWN ids with text, longest first
};

// Turns a stream of token byte pieces into text that is always whole UTF-8: bytes of an
// incomplete multi-byte sequence are held back until the sequence completes. Invalid bytes
// are replaced by U+FFFD only when they can never become valid.
class Utf8Stream {
public:
    std::string push(std::string_view bytes);   // returns the text that is complete now
    std::string flush();                         // at the end: the rest (invalid → U+FFFD)
private:
    std::string pending_;
};

}  // namespace tern
