// The Vulkan backend: executes a Graph with the compute shaders of shaders/, recorded into one
// command buffer and submitted once per compute(). Weights are repacked (weights.h), uploaded on
// first use and cached by host pointer; activations live in device-local arena pages (each at
// most one binding's range), inputs and the results the caller reads (logits, routing) in one
// host-visible buffer. The KV cache is one device buffer per layer for K and one for V, of F32, or
// of F16 pairs packed in 32-bit words (shaders/kv_store.comp), which needs no 16-bit storage
// feature, so every device holds an F16 cache.
#include "backend/backend.h"
#include "backend/vulkan/context.h"
#include "backend/vulkan/pipelines.h"
#include "backend/vulkan/recorder.h"
#include "backend/vulkan/weights.h"
#include "tern/error.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

namespace tern {

namespace vk {
namespace {

constexpr uint64_t kAlignWords = 16;  // 64 bytes between tensors

uint64_t align_words(uint64_t w) { return (w + kAlignWords - 1) / kAlignWords * kAlignWords; }
uint64_t words_of(uint64_t bytes) { return (bytes + 3) / 4; }

struct Loc {
    VkBuffer buf = VK_NULL_HANDLE;
    uint64_t off = 0;  // in 32-bit words
};

struct WeightPart {
    Buffer buf;
    int64_t row0 = 0, rows = 0;
};

struct DeviceWeight {
    Type type = Type::F32;
    int64_t K = 0, rows = 0;
    uint64_t row_words = 0;
    std::vector<WeightPart> parts;
};

// Where a node's result goes before the buffers exist: page -1 is the host-visible buffer.
struct Place {
    int page = 0;
    uint64_t off = 0;
};

class VulkanBackend final : public Backend {
public:
    VulkanBackend(std::unique_ptr<Instance> inst, int index, const VulkanBackendOptions& o)
        : ctx_(std::move(inst), index), pipes_(ctx_), rec_(ctx_, pipes_) {
        if (o.row_threads != 0 && (o.row_threads > 64 || (o.row_threads & (o.row_threads - 1)) != 0))
            throw Error("Vulkan: row_threads must be a power of two up to 64");
        row_threads_ = o.row_threads;
        if (o.max_binding_bytes > 0)
            ctx_.set_max_binding_bytes(std::min(ctx_.max_binding_bytes(), std::max<uint64_t>(o.max_binding_bytes, 1024)));
        if (o.reserve_bytes > ctx_.budget_bytes())
            throw Error("Vulkan unavailable: the model needs " + std::to_string(o.reserve_bytes >> 20) +
                        " MiB, more than the " + std::to_string(ctx_.budget_bytes() >> 20) + " MiB of device '" +
                        ctx_.info().name + "'");
    }

    ~VulkanBackend() override {
        for (auto& [p, w] : weights_)
            for (auto& part : w.parts) ctx_.destroy(part.buf);
        for (auto& b : pages_) ctx_.destroy(b);
        for (auto& b : kv_) ctx_.destroy(b);
        ctx_.destroy(io_);
    }

    std::string_view name() const override { return "vulkan"; }
    std::string description() const override {
        return "Vulkan (" + ctx_.info().name + (kv_cfg_.type == Type::F16 ? ", F16 KV cache)" : ")");
    }

    bool supports(Op op, Type type) const override {
        switch (op) {
        case Op::GET_ROWS: case Op::MUL_MAT: case Op::MUL_MAT_ID: return is_device_weight_type(type);
        case Op::COUNT: return false;
        default: return type == Type::F32 || op == Op::LEAF || op == Op::VIEW;
        }
    }

    void init_kv_cache(const KvCacheConfig& cfg) override {
        if (cfg.n_layer <= 0 || cfg.n_ctx <= 0 || cfg.kv_dim <= 0) throw Error("invalid KV cache size");
        if (cfg.type != Type::F32 && cfg.type != Type::F16)
            throw Error("the KV cache holds F32 or F16, not " + std::string(type_name(cfg.type)));
        if (cfg.type == Type::F16 && cfg.kv_dim % 2 != 0)
            throw Error("the Vulkan backend's F16 KV cache needs an even kv_dim, not " + std::to_string(cfg.kv_dim));
        const uint64_t bytes = static_cast<uint64_t>(cfg.n_ctx) * static_cast<uint64_t>(cfg.kv_dim) * kv_elem_bytes(cfg);
        if (bytes > ctx_.info().max_storage_buffer_range)
            throw Error("the KV cache of one layer (" + std::to_string(bytes >> 20) + " MiB) exceeds what Vulkan device '" +
                        ctx_.info().name + "' can bind; use a smaller context");
        for (auto& b : kv_) ctx_.destroy(b);
        kv_.clear();
        kv_cfg_ = cfg;
        for (int32_t l = 0; l < 2 * cfg.n_layer; ++l) kv_.push_back(ctx_.create_buffer(bytes, false));
    }
    const KvCacheConfig& kv_cache_config() const override { return kv_cfg_; }
    size_t kv_cache_bytes() const override {
        return static_cast<size_t>(kv_cfg_.n_layer) * 2 * static_cast<size_t>(kv_cfg_.n_ctx) * kv_cfg_.kv_dim *
               kv_elem_bytes(kv_cfg_);
    }

    void compute(Graph& g) override {
        plan(g);
        rec_.begin();
        for (Tensor* t : g.nodes()) run(t);
        for (const auto& [t, off] : inputs_)
            std::memcpy(static_cast<uint32_t*>(io_.mapped) + off, t->data, t->n_bytes());
        rec_.submit_and_wait();
        for (Tensor* t : g.nodes()) {
            const Place& p = place_.at(t);
            t->out = p.page < 0 ? static_cast<void*>(static_cast<uint32_t*>(io_.mapped) + p.off) : nullptr;
        }
    }

private:
    static uint64_t kv_elem_bytes(const KvCacheConfig& c) { return c.type == Type::F16 ? 2 : 4; }

    // ---- memory plan -------------------------------------------------------------------

    uint64_t max_words() const { return ctx_.max_binding_bytes() / 4; }

    Place alloc_arena(uint64_t words, const Tensor* t) {
        words = align_words(std::max<uint64_t>(words, 1));
        if (words > max_words())
            throw Error("Vulkan: tensor '" + t->name + "' (" + std::to_string(words * 4 >> 20) +
                        " MiB) exceeds the device's storage buffer range; use a smaller batch");
        if (page_used_.empty() || page_used_.back() + words > max_words()) page_used_.push_back(0);
        Place p{static_cast<int>(page_used_.size()) - 1, page_used_.back()};
        page_used_.back() += words;
        return p;
    }

    Place alloc_io(uint64_t words) {
        Place p{-1, io_words_};
        io_words_ += align_words(std::max<uint64_t>(words, 1));
        return p;
    }

    static const Tensor* view_base(const Tensor* t) {
        while (t && t->op == Op::VIEW) t = t->src[0];
        return t;
    }

    void plan(Graph& g) {
        place_.clear();
        scratch_.clear();
        inputs_.clear();
        page_used_.clear();
        io_words_ = 0;
        std::set<const Tensor*> host;
        if (g.output) host.insert(view_base(g.output));
        for (const Tensor* r : g.routing) host.insert(view_base(r));

        for (Tensor* t : g.nodes()) {
            for (Tensor* s : t->src) {
                if (!s || s->op != Op::LEAF || place_.count(s) || weights_key_.count(s)) continue;
                if (s->type == Type::I32) {
                    place_[s] = alloc_io(words_of(s->n_bytes()));
                    inputs_.emplace_back(s, place_[s].off);
                } else {
                    upload(s);
                    weights_key_.insert(s);
                }
            }
            if (t->op == Op::VIEW) {
                if (t->i[0] % 4 != 0) throw Error("Vulkan: VIEW offsets must be whole floats");
                const Tensor* s = t->src[0];
                if (s->op == Op::LEAF) throw Error("Vulkan: a VIEW of a leaf is not supported");
                Place p = place_.at(s);
                p.off += static_cast<uint64_t>(t->i[0]) / 4;
                place_[t] = p;
                continue;
            }
            const uint64_t words = words_of(t->n_bytes());
            place_[t] = host.count(t) ? alloc_io(words) : alloc_arena(words, t);
            if ((t->op == Op::MUL_MAT || t->op == Op::MUL_MAT_ID) && activation_shader(t)) {
                const int64_t K = t->src[0]->ne[0];
                scratch_[t] = alloc_arena(x_row_words(t) * static_cast<uint64_t>(t->src[1]->n_rows()), t);
                (void)K;
            }
        }
        weights_key_.clear();

        const uint64_t io_bytes = std::max<uint64_t>(io_words_, 16) * 4;
        if (io_bytes > ctx_.max_binding_bytes())
            throw Error("Vulkan: the graph's outputs (" + std::to_string(io_bytes >> 20) +
                        " MiB) exceed the device's storage buffer range; use a smaller batch");
        if (io_.size < io_bytes) {
            ctx_.destroy(io_);
            io_ = ctx_.create_buffer(io_bytes, true);
        }
        if (pages_.size() < page_used_.size()) pages_.resize(page_used_.size());
        for (size_t i = 0; i < page_used_.size(); ++i) {
            const uint64_t bytes = page_used_[i] * 4;
            if (pages_[i].size < bytes) {
                ctx_.destroy(pages_[i]);
                // Grow generously so the next (larger) prefill batch reuses the page.
                pages_[i] = ctx_.create_buffer(std::min(std::max(bytes, pages_[i].size * 2), max_words() * 4), false);
            }
        }
    }

    Loc loc(const Tensor* t) const {
        if (t->op == Op::LEAF && t->type != Type::I32) {
            const DeviceWeight& w = weights_.at(t->data);
            if (w.parts.size() != 1) throw Error("Vulkan: tensor '" + t->name + "' is split and cannot be an operand here");
            return {w.parts[0].buf.buffer, 0};
        }
        const Place& p = place_.at(t);
        return {p.page < 0 ? io_.buffer : pages_.at(static_cast<size_t>(p.page)).buffer, p.off};
    }

    Loc scratch_loc(const Tensor* t) const {
        const Place& p = scratch_.at(t);
        return {pages_.at(static_cast<size_t>(p.page)).buffer, p.off};
    }

    // ---- weights ----------------------------------------------------------------------

    void upload(const Tensor* t) {
        auto it = weights_.find(t->data);
        const int64_t K = t->ne[0], rows = t->n_rows();
        if (it != weights_.end() && it->second.type == t->type && it->second.K == K && it->second.rows == rows) return;
        if (!is_device_weight_type(t->type))
            throw Error("the Vulkan backend cannot read " + std::string(type_name(t->type)) + " tensor '" + t->name + "'");
        if (K % type_traits(t->type).block_size != 0)
            throw Error("tensor '" + t->name + "': row length " + std::to_string(K) + " is not whole blocks");
        if (it != weights_.end()) {
            for (auto& part : it->second.parts) ctx_.destroy(part.buf);
            weights_.erase(it);
        }
        DeviceWeight w;
        w.type = t->type;
        w.K = K;
        w.rows = rows;
        w.row_words = device_row_words(t->type, K);
        const uint64_t row_bytes_dev = w.row_words * 4;
        if (row_bytes_dev > ctx_.max_binding_bytes())
            throw Error("Vulkan: one row of '" + t->name + "' exceeds the device's storage buffer range");
        const int64_t per_part = static_cast<int64_t>(ctx_.max_binding_bytes() / row_bytes_dev);
        for (int64_t r0 = 0; r0 < rows; r0 += per_part) {
            WeightPart part;
            part.row0 = r0;
            part.rows = std::min(per_part, rows - r0);
            const uint64_t bytes = static_cast<uint64_t>(part.rows) * row_bytes_dev;
            part.buf = ctx_.create_buffer(bytes, false);
            if (part.buf.mapped) {
                repack_rows(t->type, t->data, K, r0, r0 + part.rows, static_cast<uint32_t*>(part.buf.mapped));
            } else {
                Buffer staging = ctx_.create_buffer(bytes, true);
                repack_rows(t->type, t->data, K, r0, r0 + part.rows, static_cast<uint32_t*>(staging.mapped));
                Recorder once(ctx_, pipes_);
                once.begin();
                once.copy(staging.buffer, part.buf.buffer, bytes);
                once.submit_and_wait();
                ctx_.destroy(staging);
            }
            w.parts.push_back(part);
        }
        weights_.emplace(t->data, std::move(w));
    }

    // ---- ops --------------------------------------------------------------------------

    // The quantize shader for a matrix product's activations; nullptr for F32/F16 weights.
    static const char* activation_shader(const Tensor* t) {
        switch (t->src[0]->type) {
        case Type::Q4_0: case Type::Q8_0: return "quantize_q8_0";
        case Type::TQ1_0: case Type::TQ2_0: case Type::TQ2_0_S32:
            return t->i[1] == static_cast<int32_t>(ActivationQuant::PER_ROW) ? "quantize_q8_k_row" : "quantize_q8_k";
        default: return nullptr;
        }
    }

    static uint64_t x_row_words(const Tensor* t) {
        const int64_t K = t->src[0]->ne[0];
        switch (t->src[0]->type) {
        case Type::Q4_0: case Type::Q8_0: return static_cast<uint64_t>(K / 32) * 9;
        case Type::TQ1_0: case Type::TQ2_0: case Type::TQ2_0_S32: return static_cast<uint64_t>(K / 256) * 65;
        default: return static_cast<uint64_t>(K);
        }
    }

    void check_supported(const Tensor* t, Type type) const {
        if (!supports(t->op, type))
            throw Error(std::string("the vulkan backend cannot run ") + op_name(t->op) + " on " +
                        std::string(type_name(type)) + " tensor '" + t->src[0]->name + "'");
    }

    // Host-side range check of ids that come straight from an input leaf (ids computed on the
    // device, by TOP_K, are in range by construction).
    static void check_ids(const Tensor* ids, int64_t limit, const char* what, const std::string& name) {
        if (ids->op != Op::LEAF) return;
        const auto* p = static_cast<const int32_t*>(ids->data);
        for (int64_t i = 0; i < ids->n_elements(); ++i)
            if (p[i] < 0 || p[i] >= limit)
                throw Error(std::string(what) + " " + std::to_string(p[i]) + " is out of range for '" + name + "'");
    }

    void run(Tensor* t) {
        switch (t->op) {
        case Op::LEAF: case Op::VIEW: return;
        case Op::GET_ROWS: return get_rows(t);
        case Op::MUL_MAT: case Op::MUL_MAT_ID: return mul_mat(t);
        case Op::RMS_NORM: return rms_norm(t);
        case Op::ROPE: return rope(t);
        case Op::ATTENTION: return attention(t);
        case Op::SOFTMAX: return softmax(t);
        case Op::TOP_K: return top_k(t);
        case Op::MOE_WEIGHTS: return moe_weights(t);
        case Op::SILU_MUL: case Op::RELU2_MUL: case Op::ADD: return elementwise(t);
        case Op::MOE_SUM: return moe_sum(t);
        case Op::COUNT: break;
        }
        throw Error(std::string("unknown op ") + op_name(t->op));
    }

    void get_rows(Tensor* t) {
        const Tensor* table = t->src[0];
        check_supported(t, table->type);
        check_ids(t->src[1], table->ne[1], "token id", table->name);
        const DeviceWeight& w = weights_.at(table->data);
        const Loc ids = loc(t->src[1]), y = loc(t);
        const std::string shader = "get_rows_" + weight_shader_suffix(table->type);
        for (const WeightPart& p : w.parts)
            rec_.dispatch(shader.c_str(), {p.buf.buffer, ids.buf, y.buf},
                          Push().u(table->ne[0]).u(p.row0).u(p.rows).u(w.row_words).u(ids.off).u(y.off),
                          static_cast<uint32_t>(t->ne[1]));
    }

    void mul_mat(Tensor* t) {
        const Tensor* wt = t->src[0];
        const Tensor* x = t->src[1];
        check_supported(t, wt->type);
        const bool is_id = t->op == Op::MUL_MAT_ID;
        const int64_t K = wt->ne[0], N = wt->ne[1];
        if (x->ne[0] != K) throw Error("MUL_MAT: '" + wt->name + "' and its input disagree on the row length");
        int64_t cols = x->n_rows(), S = 1, xs = 1;
        Loc ids = loc(x);
        if (is_id) {
            const Tensor* it = t->src[2];
            check_ids(it, wt->ne[2], "expert id", wt->name);
            S = it->ne[0];
            const int64_t T = it->ne[1];
            cols = S * T;
            xs = x->n_rows() / T;
            if (xs != 1 && xs != S) throw Error("MUL_MAT_ID: input rows must be 1 or S per token");
            ids = loc(it);
        } else if (wt->ne[2] * wt->ne[3] != 1) {
            throw Error("MUL_MAT: '" + wt->name + "' must be a matrix");
        }
        Loc xq = loc(x);
        uint64_t xrw = static_cast<uint64_t>(K);
        uint64_t units = static_cast<uint64_t>(K);
        if (const char* qs = activation_shader(t)) {
            const Loc xin = xq;
            xq = scratch_loc(t);
            xrw = x_row_words(t);
            units = static_cast<uint64_t>(K / 32);
            rec_.dispatch(qs, {xin.buf, xq.buf}, Push().u(K).u(xin.off).u(xq.off).u(xrw),
                          static_cast<uint32_t>(x->n_rows()));
        }
        const DeviceWeight& w = weights_.at(wt->data);
        const Loc y = loc(t);
        const std::string shader = "mul_mat_" + weight_shader_suffix(wt->type);
        // Invocations per output row: 1 where invocations are SIMD lanes of a CPU (lavapipe),
        // else enough to give each one a few 32-element units.
        uint64_t R = 1;
        if (row_threads_ > 0)
            R = row_threads_;
        else if (ctx_.info().type != DeviceType::CPU)
            while (R < 32 && R * 4 <= units) R *= 2;
        const uint64_t groups = (static_cast<uint64_t>(N) + 64 / R - 1) / (64 / R);
        const uint64_t gx = std::min<uint64_t>(groups, 65535), gy = (groups + gx - 1) / gx;
        for (const WeightPart& p : w.parts)
            rec_.dispatch(shader.c_str(), {p.buf.buffer, xq.buf, y.buf, ids.buf},
                          Push().u(K).u(N).u(units).u(p.row0).u(p.rows).u(w.row_words).u(xq.off).u(xrw).u(y.off)
                              .u(S).u(xs).u(ids.off).u(is_id ? 1 : 0).u(R),
                          static_cast<uint32_t>(gx), static_cast<uint32_t>(gy), static_cast<uint32_t>(cols));
    }

    void rms_norm(Tensor* t) {
        const Loc x = loc(t->src[0]), w = loc(t->src[1]), y = loc(t);
        if (t->src[1]->ne[0] != t->ne[0]) throw Error("RMS_NORM: weight length differs from the row length");
        rec_.dispatch("rms_norm", {x.buf, w.buf, y.buf}, Push().u(t->ne[0]).u(x.off).u(w.off).u(y.off).f(t->f[0]),
                      static_cast<uint32_t>(t->n_rows()));
    }

    void rope(Tensor* t) {
        const Loc x = loc(t->src[0]), pos = loc(t->src[1]), y = loc(t);
        const int64_t n_rot = t->i[1];
        if (n_rot <= 0 || n_rot > t->ne[0] || n_rot % 2 != 0) throw Error("ROPE: invalid n_rot " + std::to_string(n_rot));
        const float theta_scale = std::pow(t->f[0], -2.0f / static_cast<float>(n_rot));
        const bool neox = t->i[0] == static_cast<int32_t>(RopeMode::NEOX);
        rec_.dispatch_1d("rope", {x.buf, pos.buf, y.buf},
                         Push().u(t->ne[0]).u(t->ne[1]).u(t->n_elements()).u(n_rot).u(neox ? 1 : 0).u(x.off)
                             .u(pos.off).u(y.off).f(theta_scale),
                         static_cast<uint64_t>(t->n_elements()));
    }

    void attention(Tensor* t) {
        const Tensor* q = t->src[0];
        const int64_t hd = q->ne[0], nh = q->ne[1], T = q->ne[2];
        const int64_t nkv = t->src[1]->ne[1];
        const int64_t layer = t->i[0], pos0 = t->i[1];
        const int64_t n_ctx = kv_cfg_.n_ctx, kv_dim = kv_cfg_.kv_dim;
        if (layer < 0 || layer >= kv_cfg_.n_layer || nkv * hd != kv_dim || nkv <= 0 || nh % nkv != 0)
            throw Error("attention does not match the KV cache shape");
        if (hd > 256) throw Error("the Vulkan backend supports head sizes up to 256, not " + std::to_string(hd));
        if (pos0 < 0 || pos0 + T > n_ctx)
            throw Error("context is full: " + std::to_string(pos0 + T) + " positions needed, " +
                        std::to_string(n_ctx) + " available");
        const bool f16 = kv_cfg_.type == Type::F16;
        if (f16 && hd % 2 != 0) throw Error("the Vulkan backend's F16 KV cache needs an even head size");
        const VkBuffer kc = kv_.at(static_cast<size_t>(2 * layer)).buffer, vc = kv_.at(static_cast<size_t>(2 * layer + 1)).buffer;
        const Loc k = loc(t->src[1]), v = loc(t->src[2]), ql = loc(q), o = loc(t);
        const int64_t per = f16 ? 2 : 1;  // elements per 32-bit word of the cache
        rec_.dispatch_1d(f16 ? "kv_store_f16" : "kv_store", {k.buf, v.buf, kc, vc},
                         Push().u(T * kv_dim / per).u(k.off).u(v.off).u(pos0 * kv_dim / per),
                         static_cast<uint64_t>(T * kv_dim / per));
        rec_.dispatch(f16 ? "attention_f16" : "attention", {ql.buf, kc, vc, o.buf},
                      Push().u(hd).u(nh).u(nkv).u(pos0).u(kv_dim).u(ql.off).u(o.off).f(t->f[0]),
                      static_cast<uint32_t>(nh), static_cast<uint32_t>(T));
    }

    void softmax(Tensor* t) {
        const Loc x = loc(t->src[0]), y = loc(t);
        rec_.dispatch("softmax", {x.buf, y.buf}, Push().u(t->ne[0]).u(x.off).u(y.off), static_cast<uint32_t>(t->n_rows()));
    }

    void top_k(Tensor* t) {
        const int64_t E = t->src[0]->ne[0];
        const int32_t k = t->i[0];
        if (k <= 0 || k > E || E > 1024) throw Error("invalid top-k for " + std::to_string(E) + " experts");
        const Loc x = loc(t->src[0]), y = loc(t);
        rec_.dispatch_1d("top_k", {x.buf, y.buf}, Push().u(E).u(k).u(t->ne[1]).u(x.off).u(y.off),
                         static_cast<uint64_t>(t->ne[1]));
    }

    void moe_weights(Tensor* t) {
        const int64_t E = t->src[0]->ne[0], k = t->ne[0];
        if (k > 64) throw Error("the Vulkan backend supports at most 64 experts per token");
        check_ids(t->src[1], E, "expert id", t->name);
        const Loc p = loc(t->src[0]), ids = loc(t->src[1]), y = loc(t);
        rec_.dispatch_1d("moe_weights", {p.buf, ids.buf, y.buf},
                         Push().u(E).u(k).u(t->ne[1]).u(t->i[0] ? 1 : 0).u(p.off).u(ids.off).u(y.off),
                         static_cast<uint64_t>(t->ne[1]));
    }

    void elementwise(Tensor* t) {
        const Loc a = loc(t->src[0]), b = loc(t->src[1]), y = loc(t);
        const uint32_t op = t->op == Op::SILU_MUL ? 0 : t->op == Op::RELU2_MUL ? 1 : 2;
        rec_.dispatch_1d("elementwise", {a.buf, b.buf, y.buf},
                         Push().u(t->n_elements()).u(op).u(a.off).u(b.off).u(y.off), static_cast<uint64_t>(t->n_elements()));
    }

    void moe_sum(Tensor* t) {
        const int64_t N = t->ne[0], T = t->ne[1], k = t->src[0]->ne[1];
        const Loc x = loc(t->src[0]), w = loc(t->src[1]), y = loc(t);
        rec_.dispatch_1d("moe_sum", {x.buf, w.buf, y.buf}, Push().u(N).u(T).u(k).u(x.off).u(w.off).u(y.off),
                         static_cast<uint64_t>(N * T));
    }

    Context ctx_;
    Pipelines pipes_;
    Recorder rec_;
    KvCacheConfig kv_cfg_;
    std::vector<Buffer> kv_;            // K of layer l at 2l, V at 2l + 1
    std::vector<Buffer> pages_;         // activation arena
    Buffer io_;                         // inputs and host-read results
    std::unordered_map<const void*, DeviceWeight> weights_;
    std::set<const Tensor*> weights_key_;
    std::unordered_map<const Tensor*, Place> place_, scratch_;
    std::vector<std::pair<const Tensor*, uint64_t>> inputs_;
    std::vector<uint64_t> page_used_;
    uint64_t io_words_ = 0;
    uint32_t row_threads_ = 0;
};

}  // namespace
}  // namespace vk

std::unique_ptr<Backend> make_vulkan_backend(const VulkanBackendOptions& opts) {
    std::string why;
    auto inst = vk::create_instance(why);
    if (!inst) throw Error("Vulkan unavailable: " + why);
    const int index = vk::choose_device(inst->infos, opts.device, opts.allow_cpu_device, why);
    if (index < 0) throw Error("Vulkan unavailable: " + why);
    return std::make_unique<vk::VulkanBackend>(std::move(inst), index, opts);
}

}  // namespace tern
