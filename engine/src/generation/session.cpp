#include "tern/session.h"

#include "backend/backend.h"
#include "backend/cpu/kernels.h"
#include "model/architecture.h"
#include "model/weights.h"
#include "tern/error.h"
#include "tern/gguf.h"
#include "tern/generation_timing.h"
#include "tern/model.h"
#include "tern/tokenizer.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

namespace tern {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0, Clock::time_point t1) {
    return std::chrono::duration<double>(t1 - t0).count();
}
}  // namespace

const char* stop_reason_name(StopReason r) {
    switch (r) {
    case StopReason::EOS: return "eos";
    case StopReason::MAX_TOKENS: return "max_tokens";
    case StopReason::CANCELLED: return "cancelled";
    case StopReason::CONTEXT_FULL: return "context_full";
    }
    return "?";
}

const char* backend_kind_name(BackendKind k) {
    switch (k) {
    case BackendKind::AUTO: return "auto";
    case BackendKind::CPU: return "cpu";
    case BackendKind::VULKAN: return "vulkan";
    }
    return "?";
}

bool parse_backend_kind(std::string_view s, BackendKind& out) {
    for (BackendKind k : {BackendKind::AUTO, BackendKind::CPU, BackendKind::VULKAN})
        if (s == backend_kind_name(k)) return out = k, true;
    return false;
}

std::string cpu_kernel_set(std::string_view cpu_features) { return std::string(cpu_kernels(cpu_features).name); }

const char* kv_cache_type_name(Type t) {
    switch (t) {
    case Type::F32: return "f32";
    case Type::F16: return "f16";
    default: return "?";
    }
}

bool parse_kv_cache_type(std::string_view s, Type& out) {
    for (Type t : {Type::F32, Type::F16})
        if (s == kv_cache_type_name(t)) return out = t, true;
    return false;
}

uint64_t peak_rss_bytes() {
    rusage ru{};
    if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
    return static_cast<uint64_t>(ru.ru_maxrss) * 1024u;  // Linux reports KiB
}

Session::Session(const Model& model, const SessionOptions& opts) : model_(model), opts_(opts) {
    const HParams& hp = model.hparams();
    n_ctx_ = opts.n_ctx > 0 ? opts.n_ctx : std::min(hp.n_ctx_train, 4096);
    if (n_ctx_ <= 0 || n_ctx_ > (1 << 20)) throw Error("invalid context size " + std::to_string(n_ctx_));
    if (opts_.n_batch <= 0) opts_.n_batch = 256;
    CpuBackendOptions co;
    co.n_threads = opts.n_threads;
    co.precision = opts.exact_f32 ? MatmulPrecision::EXACT_F32 : MatmulPrecision::NATIVE;
    co.cpu_features = opts.cpu_features;
    if (opts.kv_cache_type != Type::F32 && opts.kv_cache_type != Type::F16)
        throw Error("the KV cache holds f32 or f16, not " + std::string(type_name(opts.kv_cache_type)));
    const KvCacheConfig kv{hp.n_layer, n_ctx_, hp.n_head_kv * hp.head_dim,
                           opts.exact_f32 ? Type::F32 : opts.kv_cache_type};
    const uint64_t kv_bytes = 2ull * static_cast<uint64_t>(kv.n_layer) * static_cast<uint64_t>(n_ctx_) *
                              static_cast<uint64_t>(kv.kv_dim) * (kv.type == Type::F16 ? 2u : 4u);
    if (opts.backend != BackendKind::CPU && !opts.exact_f32) {
        VulkanBackendOptions vo;
        vo.device = opts.device;
        const char* env = std::getenv("TERN_VULKAN_ALLOW_CPU");
        vo.allow_cpu_device = opts.backend == BackendKind::VULKAN || (env && std::strcmp(env, "1") == 0);
        // The weights as the backend uploads them: converted tensors replace their file bytes.
        vo.reserve_bytes = model.weight_bytes() - model.weights().replaced_bytes() + model.converted_bytes() + kv_bytes;
        try {
            backend_ = make_vulkan_backend(vo);
            for (const GgufTensorInfo& t : model.gguf().tensors())  // I2_S is converted to TQ2_0_S32 at load
                if (t.type != Type::I2_S && !backend_->supports(Op::MUL_MAT, t.type))
                    throw Error("the Vulkan backend cannot read " + std::string(type_name(t.type)) + " tensor '" +
                                t.name + "'");
            backend_->init_kv_cache(kv);
            backend_kind_ = BackendKind::VULKAN;
        } catch (const Error& e) {
            backend_.reset();
            std::string why = e.what();
            if (why.rfind("Vulkan unavailable: ", 0) != 0) why = "Vulkan unavailable: " + why;
            if (opts.backend == BackendKind::VULKAN) throw Error(why);
            fallback_reason_ = why;
        }
    } else if (opts.backend == BackendKind::VULKAN) {
        throw Error("the Vulkan backend has no exact-F32 mode");
    }
    if (!backend_) {
        backend_ = make_cpu_backend(co);
        backend_kind_ = BackendKind::CPU;
        backend_->init_kv_cache(kv);
    }
    backend_description_ = std::string(backend_->description());
}

Session::~Session() = default;

Type Session::kv_cache_type() const { return backend_->kv_cache_config().type; }
uint64_t Session::kv_cache_bytes() const { return backend_->kv_cache_bytes(); }

void Session::truncate(int32_t n) {
    if (n < 0) n = 0;
    if (n < n_past()) tokens_.resize(static_cast<size_t>(n));
}

std::vector<float> Session::eval(std::span<const int32_t> tokens, bool all_logits) {
    const HParams& hp = model_.hparams();
    if (tokens.empty()) throw Error("nothing to evaluate");
    if (n_past() + static_cast<int64_t>(tokens.size()) > n_ctx_)
        throw Error("context is full: " + std::to_string(n_past() + tokens.size()) + " positions needed, " +
                    std::to_string(n_ctx_) + " available");
    for (int32_t t : tokens)
        if (t < 0 || t >= hp.n_vocab)
            throw Error("token id " + std::to_string(t) + " is out of range [0, " + std::to_string(hp.n_vocab - 1) + "]");

    std::vector<float> result;
    routing_.assign(opts_.record_routing ? static_cast<size_t>(hp.n_expert > 0 ? hp.n_layer : 0) : 0, {});
    const size_t n_batch = static_cast<size_t>(opts_.n_batch);
    for (size_t b = 0; b < tokens.size(); b += n_batch) {
        const auto batch = tokens.subspan(b, std::min(n_batch, tokens.size() - b));
        const bool last = b + batch.size() == tokens.size();
        const int32_t pos0 = n_past();
        std::vector<int32_t> positions(batch.size());
        for (size_t i = 0; i < batch.size(); ++i) positions[i] = pos0 + static_cast<int32_t>(i);

        Graph g;
        ForwardInput in;
        in.hp = &hp;
        in.w = &model_.weights();
        const auto T = static_cast<int64_t>(batch.size());
        in.tokens = g.leaf(Type::I32, {T}, batch.data(), "tokens");
        in.positions = g.leaf(Type::I32, {T}, positions.data(), "positions");
        in.pos0 = pos0;
        in.n_tokens = static_cast<int32_t>(T);
        in.all_logits = all_logits;
        model_.architecture().build_graph(g, in);
        backend_->compute(g);

        if (all_logits || last) {
            const auto* out = static_cast<const float*>(g.output->bytes());
            result.insert(result.end(), out, out + g.output->n_elements());
        }
        for (size_t l = 0; l < routing_.size() && l < g.routing.size(); ++l) {
            const auto* ids = static_cast<const int32_t*>(g.routing[l]->bytes());
            routing_[l].insert(routing_[l].end(), ids, ids + g.routing[l]->n_elements());
        }
        tokens_.insert(tokens_.end(), batch.begin(), batch.end());
    }
    return result;
}

GenerationStats Session::generate(std::string_view prompt, const GenerateParams& params, const TokenCallback& on_token,
                                  const std::atomic<bool>* cancel) {
    return generate(model_.tokenizer().encode(prompt, true), params, on_token, cancel);
}

GenerationStats Session::generate(const std::vector<int32_t>& prompt, const GenerateParams& params,
                                  const TokenCallback& on_token, const std::atomic<bool>* cancel) {
    const auto t_start = Clock::now();
    const Tokenizer& tok = model_.tokenizer();
    GenerationStats st;
    st.n_prompt = static_cast<int32_t>(prompt.size());
    if (prompt.empty()) throw Error("the prompt is empty");
    if (st.n_prompt >= n_ctx_)
        throw Error("the prompt has " + std::to_string(st.n_prompt) + " tokens, which leaves no room to generate in a " +
                    std::to_string(n_ctx_) + "-token context");

    // Reuse the identical prefix of the KV cache; always re-evaluate at least the last token.
    size_t keep = 0;
    while (keep < tokens_.size() && keep + 1 < prompt.size() && tokens_[keep] == prompt[keep]) ++keep;
    truncate(static_cast<int32_t>(keep));
    const auto t_prefill = Clock::now();
    std::vector<float> logits = eval(std::span<const int32_t>(prompt).subspan(keep));
    const auto t_prefilled = Clock::now();
    st.n_prompt_evaluated = static_cast<int32_t>(prompt.size() - keep);

    Sampler sampler(params.sampling);
    for (int32_t t : prompt) sampler.accept(t);
    Utf8Stream utf8;
    bool sampled = false;
    Clock::time_point t_first{}, t_last{};
    for (;;) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            st.stop = StopReason::CANCELLED;
            break;
        }
        if (params.max_tokens == 0) {
            st.stop = StopReason::MAX_TOKENS;
            break;
        }
        const int32_t id = sampler.sample(logits.data(), model_.hparams().n_vocab);
        const auto now = Clock::now();
        if (!sampled) {
            sampled = true;
            t_first = now;
        }
        if (!params.ignore_eos && tok.is_eog(id)) {
            st.stop = StopReason::EOS;
            break;
        }
        t_last = now;
        ++st.n_generated;
        sampler.accept(id);
        if (on_token) on_token(id, utf8.push(tok.token_bytes(id)));
        if (params.max_tokens >= 0 && st.n_generated >= params.max_tokens) {
            st.stop = StopReason::MAX_TOKENS;
            break;
        }
        if (n_past() >= n_ctx_) {
            st.stop = StopReason::CONTEXT_FULL;
            break;
        }
        const int32_t one[1] = {id};
        logits = eval(one);
    }
    if (const std::string rest = utf8.flush(); !rest.empty() && on_token) on_token(-1, rest);
    GenerationTimestamps ts;  // seconds since t_start
    ts.prefill_start = seconds_since(t_start, t_prefill);
    ts.prefill_end = seconds_since(t_start, t_prefilled);
    ts.first_token = sampled ? seconds_since(t_start, t_first) : -1.0;
    ts.last_token = st.n_generated > 0 ? seconds_since(t_start, t_last) : -1.0;
    ts.n_prompt_evaluated = st.n_prompt_evaluated;
    ts.n_generated = st.n_generated;
    const GenerationTimings tm = generation_timings(ts);
    st.ttft_ms = tm.ttft_ms;
    st.prefill_ms = tm.prefill_ms;
    st.decode_ms = tm.decode_ms;
    st.prefill_tps = tm.prefill_tps;
    st.decode_tps = tm.decode_tps;
    st.peak_rss_bytes = peak_rss_bytes();
    return st;
}

}  // namespace tern
