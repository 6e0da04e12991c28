// A generation session over a loaded model: the KV cache, the backend, batched prefill and
// token-by-token decode with streaming, cancel and stats.
//
// Stats definitions (what the CLI and the app report):
//   time to first token  = from the start of generate() to the first sampled token (ms)
//   prefill tokens/s     = prompt tokens evaluated ÷ time of the prompt evaluation
//   decode tokens/s      = tokens after the first ÷ time from the first to the last token
//                          (0 when fewer than two tokens were generated)
//   peak memory          = the process's peak resident set size (bytes)
// (the arithmetic: generation_timings() in tern/generation_timing.h)
#pragma once

#include "tern/sampler.h"
#include "tern/types.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tern {

class Model;
class Backend;

// Which backend runs the forward pass.
enum class BackendKind {
    AUTO,    // the best Vulkan GPU (discrete, then integrated) when there is one and the model fits, else
             // CPU (backend_fallback_reason() says why). CPU-type Vulkan devices (lavapipe) only with an
             // explicit SessionOptions::device or the environment variable TERN_VULKAN_ALLOW_CPU=1.
    CPU,
    VULKAN,  // a Vulkan device (SessionOptions::device, else the best GPU, else a CPU-type device);
             // throws tern::Error ("Vulkan unavailable: ...") when none can be used
};
const char* backend_kind_name(BackendKind k);               // "auto", "cpu", "vulkan"
bool parse_backend_kind(std::string_view s, BackendKind& out);  // false for an unknown name
// The CPU kernel set SessionOptions::cpu_features selects: "" → the best this CPU runs ("avx512",
// "avx2" or "scalar" on x86-64; "neon" on aarch64), else the name itself. Throws tern::Error for an unknown name or a set this
// CPU or build cannot run (engine/src/backend/cpu/kernels.h).
std::string cpu_kernel_set(std::string_view cpu_features);
// KV cache element types by llama.cpp's -ctk/-ctv names: "f32" (Type::F32), "f16" (Type::F16).
const char* kv_cache_type_name(Type t);                  // "f32", "f16"; "?" for any other type
bool parse_kv_cache_type(std::string_view s, Type& out);  // false for anything but f32 / f16

struct SessionOptions {
    int32_t n_ctx = 0;            // context positions; 0: the model's context_length, at most 4096
    int32_t n_threads = 0;        // CPU threads; 0: all hardware threads
    BackendKind backend = BackendKind::CPU;
    int32_t device = -1;          // Vulkan device index (as `tern-cli devices` lists them); -1: best
    std::string cpu_features;     // CPU kernel set: "" = best the CPU has; "scalar", "avx2", "avx512", "neon"
    int32_t n_batch = 256;        // prompt tokens per forward pass
    bool exact_f32 = false;       // F32 math on dequantized weights and an F32 KV cache (reference mode, slow)
    // Element type of the KV cache: F32 or F16 (llama.cpp's default -ctk/-ctv f16). F16 stores K
    // and V rounded to nearest even (relative error ≤ 2^-11) and halves the cache: memory per
    // context position = 2 · n_layer · n_head_kv · head_dim · (4 bytes F32, 2 bytes F16). The
    // default stays F32: with F16 the logits move by up to ~0.02 on the fixture models, more than
    // the tolerances of the tests against llama.cpp's F32-cache references
    // (tests/engine/test_models.cpp). Ignored (F32) with exact_f32. The Session throws
    // tern::Error for any other type.
    Type kv_cache_type = Type::F32;
    bool record_routing = false;  // keep the MoE top-k expert ids of the last eval (tests, tools)
};

enum class StopReason { EOS, MAX_TOKENS, CANCELLED, CONTEXT_FULL };
const char* stop_reason_name(StopReason r);

struct GenerationStats {
    int32_t n_prompt = 0;           // prompt tokens (including BOS)
    int32_t n_prompt_evaluated = 0; // of those, evaluated now (the rest reused from the KV cache)
    int32_t n_generated = 0;        // sampled tokens, end-of-generation token excluded
    double ttft_ms = 0;             // time to first token
    double prefill_ms = 0;          // time of the prompt evaluation
    double decode_ms = 0;           // first to last token
    double prefill_tps = 0;
    double decode_tps = 0;
    uint64_t peak_rss_bytes = 0;
    StopReason stop = StopReason::EOS;
};

struct GenerateParams {
    int32_t max_tokens = 256;       // < 0: until EOS or the context is full
    SamplerParams sampling;
    // Benchmarks: an end-of-generation token does not stop generation (it is kept like any other
    // token, printing nothing), so every run decodes max_tokens tokens, as llama-bench does.
    bool ignore_eos = false;
};

// Receives each piece of generated text as soon as it is whole UTF-8 (may be empty for a
// token that completes nothing yet), with the token id.
using TokenCallback = std::function<void(int32_t token, std::string_view text)>;

class Session {
public:
    Session(const Model& model, const SessionOptions& opts);  // throws tern::Error
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    const Model& model() const { return model_; }
    // What runs this session, for display and records: e.g. "CPU (scalar, 2 threads)", or
    // "CPU (avx2, 2 threads, F16 KV cache)" with SessionOptions::kv_cache_type F16.
    const std::string& backend_description() const { return backend_description_; }
    BackendKind backend_kind() const { return backend_kind_; }
    // Why AUTO runs on the CPU although Vulkan was considered, e.g. "Vulkan unavailable: no
    // Vulkan driver (VK_ERROR_INCOMPATIBLE_DRIVER)"; empty when nothing fell back.
    const std::string& backend_fallback_reason() const { return fallback_reason_; }
    int32_t n_ctx() const { return n_ctx_; }
    // The KV cache as allocated: its element type (F32 or F16) and size in bytes (all layers,
    // K and V, n_ctx() positions).
    Type kv_cache_type() const;
    uint64_t kv_cache_bytes() const;
    int32_t n_past() const { return static_cast<int32_t>(tokens_.size()); }
    const std::vector<int32_t>& tokens() const { return tokens_; }

    // Evaluates `tokens` at positions n_past().. and appends them to the context. Returns the
    // logits [n_vocab] of the last token, or [n_tokens × n_vocab] (row-major) when all_logits.
    // Throws tern::Error when the context would overflow (nothing is appended then).
    std::vector<float> eval(std::span<const int32_t> tokens, bool all_logits = false);

    // Forgets the context from position n on (0: all).
    void truncate(int32_t n);

    // Top-k expert ids of the last eval, per MoE layer: [n_tokens × n_expert_used] each.
    const std::vector<std::vector<int32_t>>& routing() const { return routing_; }

    // Tokenizes `prompt` (with BOS), reuses the longest identical prefix already in the KV
    // cache, evaluates the rest, then samples until EOS, max_tokens, a full context or
    // `cancel` (checked before every token). Throws tern::Error if the prompt does not fit.
    GenerationStats generate(std::string_view prompt, const GenerateParams& params, const TokenCallback& on_token,
                             const std::atomic<bool>* cancel = nullptr);
    GenerationStats generate(const std::vector<int32_t>& prompt, const GenerateParams& params,
                             const TokenCallback& on_token, const std::atomic<bool>* cancel = nullptr);

private:
    const Model& model_;
    SessionOptions opts_;
    int32_t n_ctx_ = 0;
    std::unique_ptr<Backend> backend_;
    BackendKind backend_kind_ = BackendKind::CPU;
    std::string backend_description_;
    std::string fallback_reason_;
    std::vector<int32_t> tokens_;
    std::vector<std::vector<int32_t>> routing_;
};

// Peak resident set size of this process in bytes (0 where unknown).
uint64_t peak_rss_bytes();

}  // namespace tern
