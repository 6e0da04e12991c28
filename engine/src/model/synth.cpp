// Random-weight llama models (tern/synth.h).
#include "tern/synth.h"

#include "tensor/fp16.h"
#include "tensor/quants.h"
#include "tern/error.h"
#include "tern/gguf.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace tern {

namespace {

constexpr float kWeightStd = 0.02f;

// splitmix64 (Steele, Lea, Flood 2014): seeds and a fast generator; one 64-bit draw per call.
struct Rng {
    uint64_t s;
    explicit Rng(uint64_t seed) : s(seed) {}
    uint64_t next() {
        uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Approximately N(0, 1): Irwin–Hall sum of four 16-bit uniforms, centred and scaled
    // (variance of the sum is 4/12).
    float normal() {
        const uint64_t r = next();
        float sum = 0;
        for (int k = 0; k < 4; ++k) sum += (static_cast<float>((r >> (16 * k)) & 0xFFFF) + 0.5f) * (1.0f / 65536.0f);
        return (sum - 2.0f) * 1.7320508f;
    }
};

uint64_t fnv1a(std::string_view s) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
    return h;
}

// Base-3 digit tables (formats.md §2): a 16-bit uniform r picks a value v uniformly (up to
// 2^-16) by v = (r · count) >> 16.
struct TernaryTables {
    std::array<uint8_t, 81> tq2_byte{};   // 4 trits → 4 two-bit codes (element l at bits 2l)
    std::array<uint8_t, 243> tq1_qs{};    // 5 trits (v in 0..242) → ceil(v·256/243)
    std::array<uint8_t, 81> tq1_qh{};     // 4 trits (v in 0..80) → ceil(3v·256/243)
    TernaryTables() {
        for (int v = 0; v < 81; ++v) {
            int x = v, b = 0;
            for (int l = 0; l < 4; ++l, x /= 3) b |= (x % 3) << (2 * l);
            tq2_byte[static_cast<size_t>(v)] = static_cast<uint8_t>(b);
            tq1_qh[static_cast<size_t>(v)] = static_cast<uint8_t>((3 * v * 256 + 242) / 243);
        }
        for (int v = 0; v < 243; ++v) tq1_qs[static_cast<size_t>(v)] = static_cast<uint8_t>((v * 256 + 242) / 243);
    }
};
const TernaryTables kTables;

uint8_t pick(const uint8_t* table, unsigned count, uint64_t r16) {
    return table[(r16 * count) >> 16];
}

// One block of random ternary codes (each trit uniform over −1, 0, +1) with scale d.
void ternary_block(Type t, uint8_t* dst, Rng& rng, uint16_t d) {
    if (t == Type::TQ2_0) {
        auto* b = reinterpret_cast<ref::BlockTQ2_0*>(dst);
        for (int i = 0; i < 64; i += 4) {
            const uint64_t r = rng.next();
            for (int k = 0; k < 4; ++k) b->qs[i + k] = pick(kTables.tq2_byte.data(), 81, (r >> (16 * k)) & 0xFFFF);
        }
        b->d = d;
    } else {
        auto* b = reinterpret_cast<ref::BlockTQ1_0*>(dst);
        for (int i = 0; i < 48; i += 4) {
            const uint64_t r = rng.next();
            for (int k = 0; k < 4; ++k) b->qs[i + k] = pick(kTables.tq1_qs.data(), 243, (r >> (16 * k)) & 0xFFFF);
        }
        const uint64_t r = rng.next();
        for (int k = 0; k < 4; ++k) b->qh[k] = pick(kTables.tq1_qh.data(), 81, (r >> (16 * k)) & 0xFFFF);
        b->d = d;
    }
}

// Random rows of type t: rows [row0, row0 + n_rows) of a tensor whose rows are ne0 long.
void random_rows(Type t, uint8_t* dst, int64_t ne0, int64_t n_rows, Rng& rng) {
    const size_t rb = row_bytes(t, ne0);
    if (t == Type::TQ1_0 || t == Type::TQ2_0) {
        const uint16_t d = fp32_to_fp16(kWeightStd * std::sqrt(1.5f));  // trits have variance 2/3
        const size_t bb = type_traits(t).block_bytes;
        const int64_t n_blocks = n_rows * (ne0 / 256);
        for (int64_t b = 0; b < n_blocks; ++b) ternary_block(t, dst + static_cast<size_t>(b) * bb, rng, d);
        return;
    }
    std::vector<float> row(static_cast<size_t>(ne0));
    for (int64_t r = 0; r < n_rows; ++r) {
        for (float& x : row) x = kWeightStd * rng.normal();
        ref::quantize_row(t, row.data(), dst + static_cast<size_t>(r) * rb, ne0);
    }
}

int resolve_threads(int32_t n) {
    if (n > 0) return n;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw > 0 ? static_cast<int>(hw) : 1;
}

// Fills a matrix in chunks of rows; chunk c is generated from its own seed, so the bytes do not
// depend on how many threads share the chunks.
GgufWriter::TensorFill matrix_fill(Type t, int64_t ne0, int64_t n_rows, uint64_t seed, int n_threads) {
    return [=](uint8_t* dst, size_t) {
        const size_t rb = row_bytes(t, ne0);
        const int64_t rows_per_chunk = std::max<int64_t>(1, (int64_t{1} << 20) / ne0);  // ~1 M elements
        const int64_t n_chunks = (n_rows + rows_per_chunk - 1) / rows_per_chunk;
        const auto run = [&](int64_t c) {
            Rng rng(seed ^ (0xD1B54A32D192ED03ull * static_cast<uint64_t>(c + 1)));
            const int64_t r0 = c * rows_per_chunk;
            random_rows(t, dst + static_cast<size_t>(r0) * rb, ne0, std::min(rows_per_chunk, n_rows - r0), rng);
        };
        const int workers = static_cast<int>(std::min<int64_t>(n_threads, n_chunks));
        if (workers <= 1) {
            for (int64_t c = 0; c < n_chunks; ++c) run(c);
            return;
        }
        std::atomic<int64_t> next{0};
        std::exception_ptr error;
        std::mutex error_mutex;
        std::vector<std::thread> pool;
        for (int w = 0; w < workers; ++w)
            pool.emplace_back([&] {
                try {
                    for (int64_t c; (c = next.fetch_add(1)) < n_chunks;) run(c);
                } catch (...) {
                    const std::lock_guard<std::mutex> lock(error_mutex);
                    if (!error) error = std::current_exception();
                }
            });
        for (std::thread& th : pool) th.join();
        if (error) std::rethrow_exception(error);
    };
}

GgufWriter::TensorFill ones_fill() {
    return [](uint8_t* dst, size_t n) {
        const float one = 1.0f;
        for (size_t i = 0; i + 4 <= n; i += 4) std::memcpy(dst + i, &one, 4);
    };
}

// llama.cpp's llama_ftype for a file whose main type is t.
uint32_t file_type(Type t) {
    switch (t) {
    case Type::F32: return 0;
    case Type::F16: return 1;
    case Type::Q4_0: return 2;
    case Type::Q8_0: return 7;
    case Type::BF16: return 32;
    case Type::TQ1_0: return 36;
    case Type::TQ2_0: return 37;
    default: return 0;
    }
}

constexpr std::array<Type, 7> kSynthTypes{Type::F32, Type::F16, Type::BF16, Type::Q8_0,
                                          Type::Q4_0, Type::TQ1_0, Type::TQ2_0};

const char* kSpace = "\xE2\x96\x81";  // U+2581, SentencePiece's word-boundary mark

struct Vocab {
    std::vector<std::string> tokens;
    std::vector<float> scores;
    std::vector<int32_t> types;
};

Vocab make_vocab(int32_t n_vocab) {
    Vocab v;
    const auto add = [&](std::string s, float score, int32_t type) {
        if (static_cast<int32_t>(v.tokens.size()) >= n_vocab) return false;
        v.tokens.push_back(std::move(s));
        v.scores.push_back(score);
        v.types.push_back(type);
        return true;
    };
    add("<unk>", 0, 2);
    add("<s>", 0, 3);
    add("</s>", 0, 3);
    for (int b = 0; b < 256; ++b) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "<0x%02X>", b);
        add(buf, 0, 6);
    }
    float score = 0;
    const auto normal = [&](std::string s) { return add(std::move(s), score--, 1); };
    if (!normal(kSpace)) return v;
    for (char c = '!'; c <= '~'; ++c)
        if (!normal(std::string(1, c))) return v;
    for (size_t len = 1;; ++len) {
        std::string s(len, 'a');
        for (;;) {  // every a–z string of length len, in lexicographic order
            if ((len > 1 && !normal(s)) || !normal(kSpace + s)) return v;  // single letters are in already
            size_t i = len;
            while (i > 0 && s[i - 1] == 'z') s[--i] = 'a';
            if (i == 0) break;
            ++s[i - 1];
        }
    }
}

std::string n(int64_t v) { return std::to_string(v); }

}  // namespace

std::optional<Type> synth_type_from_name(std::string_view name) {
    for (Type t : kSynthTypes) {
        const std::string_view tn = type_name(t);
        if (tn.size() == name.size() &&
            std::equal(tn.begin(), tn.end(), name.begin(), [](char a, char b) { return a == std::toupper(static_cast<unsigned char>(b)); }))
            return t;
    }
    return std::nullopt;
}

std::string_view synth_type_names() { return "F32, F16, BF16, Q8_0, Q4_0, TQ1_0, TQ2_0"; }

void validate_synth_params(const SynthParams& p) {
    const auto fail = [](const std::string& msg) { throw Error("synth: " + msg); };
    if (p.arch != "llama") fail("architecture '" + p.arch + "' is not supported (only llama)");
    const auto range = [&](const char* what, int64_t v, int64_t lo, int64_t hi) {
        if (v < lo || v > hi) fail(std::string(what) + " must be from " + n(lo) + " to " + n(hi) + ", got " + n(v));
    };
    range("n_vocab", p.n_vocab, 259, 1 << 22);
    range("n_ctx", p.n_ctx, 1, 1 << 24);
    range("n_embd", p.n_embd, 1, 1 << 16);
    range("n_layer", p.n_layer, 1, 1024);
    range("n_head", p.n_head, 1, 4096);
    range("n_head_kv", p.n_head_kv, 1, p.n_head);
    range("n_ff", p.n_ff, 1, 1 << 20);
    range("n_expert", p.n_expert, 0, 1024);
    if (p.n_expert > 0) range("n_expert_used", p.n_expert_used, 1, p.n_expert);
    else if (p.n_expert_used != 0) fail("n_expert_used must be 0 for a dense model (n_expert 0), got " + n(p.n_expert_used));
    if (p.n_head % p.n_head_kv != 0) fail("n_head " + n(p.n_head) + " is not a multiple of n_head_kv " + n(p.n_head_kv));
    if (p.n_embd % p.n_head != 0 || (p.n_embd / p.n_head) % 2 != 0)
        fail("n_embd " + n(p.n_embd) + " / n_head " + n(p.n_head) + " must be a whole, even head dimension");
    if (!(p.rms_eps > 0 && p.rms_eps < 1)) fail("rms_eps must be in (0, 1)");
    if (!(p.rope_freq_base >= 1)) fail("rope_freq_base must be at least 1");
    for (Type t : {p.type, p.embd_type})
        if (std::find(kSynthTypes.begin(), kSynthTypes.end(), t) == kSynthTypes.end())
            fail("type " + std::string(type_name(t)) + " is not supported (" + std::string(synth_type_names()) + ")");
    const auto row = [&](const char* what, int64_t ne0, Type t, const char* tensor) {
        const int64_t bs = type_traits(t).block_size;
        if (ne0 % bs != 0)
            fail(std::string(what) + " " + n(ne0) + " is not a multiple of the " + std::string(type_name(t)) +
                 " block size " + n(bs) + " (row length of " + tensor + ")");
    };
    row("n_embd", p.n_embd, p.embd_type, "token_embd");
    row("n_embd", p.n_embd, p.type, "blk.N.attn_q");
    row("n_ff", p.n_ff, p.type, p.n_expert > 0 ? "blk.N.ffn_down_exps" : "blk.N.ffn_down");
}

uint64_t synth_n_params(const SynthParams& p) {
    const auto E = static_cast<uint64_t>(p.n_embd);
    const uint64_t kv = static_cast<uint64_t>(p.n_head_kv) * (E / static_cast<uint64_t>(p.n_head));
    const uint64_t ffn = 3 * E * static_cast<uint64_t>(p.n_ff) * static_cast<uint64_t>(std::max(p.n_expert, 1));
    const uint64_t router = p.n_expert > 0 ? E * static_cast<uint64_t>(p.n_expert) : 0;
    const uint64_t layer = 2 * E + 2 * E * E + 2 * E * kv + ffn + router;
    return 2 * E * static_cast<uint64_t>(p.n_vocab) + E + static_cast<uint64_t>(p.n_layer) * layer;
}

void write_synthetic_model(const std::string& path, const SynthParams& p) {
    validate_synth_params(p);
    const int threads = resolve_threads(p.n_threads);
    const int64_t E = p.n_embd, V = p.n_vocab, F = p.n_ff, X = p.n_expert;
    const int64_t head_dim = E / p.n_head, kv = p.n_head_kv * head_dim;

    GgufWriter w;
    w.add_string("general.architecture", "llama");
    w.add_string("general.name", p.name.empty() ? "tern-synth" : p.name);
    w.add_u32("general.file_type", file_type(p.type));
    w.add_u32("general.quantization_version", 2);
    w.add_u32("llama.context_length", static_cast<uint32_t>(p.n_ctx));
    w.add_u32("llama.embedding_length", static_cast<uint32_t>(E));
    w.add_u32("llama.block_count", static_cast<uint32_t>(p.n_layer));
    w.add_u32("llama.feed_forward_length", static_cast<uint32_t>(F));
    w.add_u32("llama.attention.head_count", static_cast<uint32_t>(p.n_head));
    w.add_u32("llama.attention.head_count_kv", static_cast<uint32_t>(p.n_head_kv));
    w.add_f32("llama.attention.layer_norm_rms_epsilon", p.rms_eps);
    w.add_f32("llama.rope.freq_base", p.rope_freq_base);
    w.add_u32("llama.rope.dimension_count", static_cast<uint32_t>(head_dim));
    if (X > 0) {
        w.add_u32("llama.expert_count", static_cast<uint32_t>(X));
        w.add_u32("llama.expert_used_count", static_cast<uint32_t>(p.n_expert_used));
    }
    Vocab vocab = make_vocab(p.n_vocab);
    w.add_string("tokenizer.ggml.model", "llama");
    w.add_string_array("tokenizer.ggml.tokens", vocab.tokens);
    w.add_f32_array("tokenizer.ggml.scores", vocab.scores);
    w.add_i32_array("tokenizer.ggml.token_type", vocab.types);
    w.add_u32("tokenizer.ggml.unknown_token_id", 0);
    w.add_u32("tokenizer.ggml.bos_token_id", 1);
    w.add_u32("tokenizer.ggml.eos_token_id", 2);
    vocab = {};

    const auto matrix = [&](const std::string& name, Type t, std::vector<int64_t> ne) {
        int64_t rows = 1;
        for (size_t d = 1; d < ne.size(); ++d) rows *= ne[d];
        const uint64_t seed = p.seed * 0x9E3779B97F4A7C15ull ^ fnv1a(name);
        w.add_tensor_streamed(name, t, ne, matrix_fill(t, ne[0], rows, seed, threads));
    };
    const auto norm = [&](const std::string& name) { w.add_tensor_streamed(name, Type::F32, {E}, ones_fill()); };

    matrix("token_embd.weight", p.embd_type, {E, V});
    norm("output_norm.weight");
    matrix("output.weight", p.embd_type, {E, V});
    for (int il = 0; il < p.n_layer; ++il) {
        const std::string b = "blk." + std::to_string(il) + ".";
        norm(b + "attn_norm.weight");
        matrix(b + "attn_q.weight", p.type, {E, E});
        matrix(b + "attn_k.weight", p.type, {E, kv});
        matrix(b + "attn_v.weight", p.type, {E, kv});
        matrix(b + "attn_output.weight", p.type, {E, E});
        norm(b + "ffn_norm.weight");
        if (X > 0) {
            matrix(b + "ffn_gate_inp.weight", Type::F32, {E, X});
            matrix(b + "ffn_gate_exps.weight", p.type, {E, F, X});
            matrix(b + "ffn_down_exps.weight", p.type, {F, E, X});
            matrix(b + "ffn_up_exps.weight", p.type, {E, F, X});
        } else {
            matrix(b + "ffn_gate.weight", p.type, {E, F});
            matrix(b + "ffn_down.weight", p.type, {F, E});
            matrix(b + "ffn_up.weight", p.type, {E, F});
        }
    }
    w.write(path);
}

}  // namespace tern
