// The CPU backend: executes graph nodes with a kernel table (kernels.h: scalar, avx2, avx512) on a
// persistent thread pool. Matrix products split output rows across threads; attention splits
// (token, head) pairs; matrix products reading the same input share one pass. Activations live
// in one arena reused from graph to graph, memory shared between results as graph/memory_plan.h
// plans it.
#include "backend/backend.h"
#include "backend/cpu/attention.h"
#include "backend/cpu/kernels.h"
#include "backend/cpu/ops.h"
#include "backend/cpu/thread_pool.h"
#include "graph/memory_plan.h"
#include "tern/error.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace tern {

namespace {

constexpr size_t kAlign = 64;

const float* f32(const Tensor* t) { return static_cast<const float*>(t->bytes()); }
const int32_t* i32(const Tensor* t) { return static_cast<const int32_t*>(t->bytes()); }

class CpuBackend final : public Backend {
public:
    explicit CpuBackend(const CpuBackendOptions& o)
        : opts_(o), kernels_(&cpu_kernels(o.cpu_features)),
          pool_(o.n_threads > 0 ? o.n_threads : std::max(1u, std::thread::hardware_concurrency())),
          attention_(kernels_->name) {}

    std::string_view name() const override { return "cpu"; }
    std::string description() const override {
        return "CPU (" + std::string(kernels_->name) + ", " + std::to_string(pool_.size()) +
               (pool_.size() == 1 ? " thread" : " threads") +
               (opts_.precision == MatmulPrecision::EXACT_F32 ? ", exact F32" : "") +
               (attention_.kv_cache_config().type == Type::F16 ? ", F16 KV cache)" : ")");
    }

    bool supports(Op op, Type type) const override {
        switch (op) {
        case Op::GET_ROWS:
            return (*kernels_)[type].dequantize_row != nullptr;
        case Op::MUL_MAT:
        case Op::MUL_MAT_ID: {
            const auto& k = (*kernels_)[type];
            if (!k.mat_vec || !k.mat_mat || !k.dequantize_row) return false;
            return (*kernels_)[type_traits(type).vec_dot_type].quantize_row != nullptr;
        }
        case Op::COUNT: return false;
        default: return type == Type::F32 || op == Op::LEAF || op == Op::VIEW;
        }
    }

    // KV cache and attention: backend/cpu/attention.h.
    void init_kv_cache(const KvCacheConfig& cfg) override { attention_.init_kv_cache(cfg); }
    const KvCacheConfig& kv_cache_config() const override { return attention_.kv_cache_config(); }
    size_t kv_cache_bytes() const override { return attention_.kv_cache_bytes(); }

    void compute(Graph& g) override {
        rope_pos_ = nullptr;  // the positions input's memory may be reused with other values
        plan_steps(g);
        allocate(g);
        const auto& nodes = g.nodes();
        for (size_t k = 0; k < steps_.size(); ++k) {
            const size_t b = steps_[k], e = k + 1 < steps_.size() ? steps_[k + 1] : nodes.size();
            if (nodes[b]->op == Op::MUL_MAT || nodes[b]->op == Op::MUL_MAT_ID) {
                run_products(nodes, b, e);
            } else {
                run(nodes[b]);
            }
        }
    }

private:
    // Whether node b is a matrix product that may share a pass with the product a before it:
    // same op, same input (and expert ids), same activation type, so the input is converted
    // once and all their rows are split across the threads together (decode: Q, K and V in one
    // pass; an MoE layer's gate and up experts in another), one barrier instead of several.
    bool shares_pass(const Tensor* a, const Tensor* b) const {
        if (b->op != a->op || (a->op != Op::MUL_MAT && a->op != Op::MUL_MAT_ID)) return false;
        if (opts_.precision == MatmulPrecision::EXACT_F32) return false;
        return b->src[1] == a->src[1] && b->src[2] == a->src[2] && activation_type(a) == activation_type(b) &&
               supports(b->op, b->src[0]->type) && supports(a->op, a->src[0]->type);
    }

    // steps_: first node of every step; a step is one node, or matrix products that share a
    // pass (with the VIEWs between them).
    void plan_steps(const Graph& g) {
        const auto& nodes = g.nodes();
        steps_.clear();
        for (size_t i = 0; i < nodes.size();) {
            steps_.push_back(i);
            size_t end = i + 1;
            for (size_t j = i + 1; j < nodes.size(); ++j) {
                if (nodes[j]->op == Op::VIEW) continue;
                if (!shares_pass(nodes[i], nodes[j])) break;
                end = j + 1;
            }
            i = end;
        }
    }

    // Results go to one arena reused from graph to graph; graph/memory_plan.h reuses the memory
    // of results no later node reads.
    void allocate(Graph& g) {
        const MemoryPlan plan = plan_memory(g, steps_, kAlign);
        if (arena_.size() < plan.bytes + kAlign) arena_.resize(plan.bytes + kAlign);
        const auto base = reinterpret_cast<uintptr_t>(arena_.data());
        uint8_t* start = arena_.data() + (kAlign - base % kAlign) % kAlign;
        const auto& nodes = g.nodes();
        for (size_t i = 0; i < nodes.size(); ++i) {
            Tensor* t = nodes[i];
            if (t->op == Op::VIEW) {
                t->out = const_cast<uint8_t*>(static_cast<const uint8_t*>(t->src[0]->bytes())) + t->i[0];
                continue;
            }
            t->out = start + plan.offset[i];
        }
    }

    void check_supported(const Tensor* t, Type type) const {
        if (!supports(t->op, type))
            throw Error(std::string("the cpu backend cannot run ") + op_name(t->op) + " on " +
                        std::string(type_name(type)) + " tensor '" + t->src[0]->name + "'");
    }

    void run(Tensor* t) {
        switch (t->op) {
        case Op::LEAF: case Op::VIEW: return;
        case Op::GET_ROWS: return get_rows(t);
        case Op::MUL_MAT: case Op::MUL_MAT_ID: throw Error("internal: matrix products run in run_products");
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
        const int64_t K = table->ne[0], N = table->ne[1];
        const size_t rb = row_bytes(table->type, K);
        const int32_t* ids = i32(t->src[1]);
        auto* out = static_cast<float*>(t->out);
        const auto deq = (*kernels_)[table->type].dequantize_row;
        for (int64_t r = 0; r < t->ne[1]; ++r) {
            const int32_t id = ids[r];
            if (id < 0 || id >= N)
                throw Error("token id " + std::to_string(id) + " is out of range for '" + table->name + "'");
            deq(static_cast<const uint8_t*>(table->bytes()) + static_cast<size_t>(id) * rb, out + r * K, K);
        }
    }

    // Converts rows of F32 activations to the type the weight's dot product takes: F32 in exact
    // mode; for ternary weights one int8 scale per 256 values (llama.cpp) or per row (BitNet,
    // when the node asks for it; Q8_K_ROW has Q8_K's layout, so the same dot product reads it).
    Type activation_type(const Tensor* t) const {
        if (opts_.precision == MatmulPrecision::EXACT_F32) return Type::F32;
        const Type vt = type_traits(t->src[0]->type).vec_dot_type;
        if (vt == Type::Q8_K && t->i[1] == static_cast<int32_t>(ActivationQuant::PER_ROW)) return Type::Q8_K_ROW;
        return vt;
    }

    const uint8_t* quantize_rows(const float* x, int64_t K, int64_t rows, Type vt) {
        const size_t rb = row_bytes(vt, K);
        xq_.resize(rb * static_cast<size_t>(rows) + kAlign);
        const auto q = (*kernels_)[vt].quantize_row;
        uint8_t* dst = xq_.data();
        pool_.parallel_for(rows, [&](int64_t b, int64_t e, int) {
            for (int64_t r = b; r < e; ++r) q(x + r * K, dst + static_cast<size_t>(r) * rb, K);
        });
        return dst;
    }

    // One weight matrix of N rows (an expert's, for MUL_MAT_ID), its activation columns
    // cols_[c0, c1) and its output: column (x row, y column) gets y[y column · N + n] = W[n] · x.
    struct MatJob {
        const uint8_t* w;
        Type wtype;
        int64_t N;
        float* y;
        size_t c0, c1;
        int64_t tile0 = 0;  // the job's first row tile in the pass (set by mat_cols)
    };

    // Every job's rows in one parallel pass over tiles of rows (a decoded token's Q, K and V, or
    // its selected experts, need one barrier, not one each). With up to kCols columns (decode) a
    // thread's rows of a job go to the kernel in one call, streaming through the weights; with
    // more (prefill) a tile's rows meet the columns kCols at a time (mat_mat), so a weight row is
    // read from memory once per batch, then from cache.
    void mat_cols(std::vector<MatJob>& jobs, int64_t K, const uint8_t* xq, Type vt) {
        constexpr int64_t kTile = 16;
        constexpr size_t kCols = 4;
        const size_t xrb = row_bytes(vt, K);
        const bool exact = opts_.precision == MatmulPrecision::EXACT_F32;
        const auto& cols = cols_;
        int64_t n_tiles = 0;
        for (MatJob& j : jobs) {
            j.tile0 = n_tiles;
            n_tiles += (j.N + kTile - 1) / kTile;
        }
        if (exact && wrow_.size() < static_cast<size_t>(pool_.size())) wrow_.resize(static_cast<size_t>(pool_.size()));
        pool_.parallel_for(n_tiles, [&](int64_t b, int64_t e, int thread) {
            const void* xp[kCols];
            float* yp[kCols];
            size_t ji = 0;
            while (ji + 1 < jobs.size() && jobs[ji + 1].tile0 <= b) ++ji;
            for (int64_t t = b; t < e && ji < jobs.size(); ++ji) {
                const MatJob& job = jobs[ji];
                const int64_t tb = t - job.tile0, te = std::min(e - job.tile0, (job.N + kTile - 1) / kTile);
                if (te <= tb) continue;
                t = job.tile0 + te;
                const bool deq_w = exact && job.wtype != Type::F32;
                const auto& wk = (*kernels_)[deq_w ? Type::F32 : job.wtype];
                const size_t wrb = row_bytes(job.wtype, K);
                // The kernel's y[c][r - rr0] for rows [rr0, rr1) of W (or of the dequantized tile).
                auto run = [&](const uint8_t* wp, size_t stride, int64_t r0, int64_t rr0, int64_t rr1) {
                    for (size_t c0 = job.c0; c0 < job.c1; c0 += kCols) {
                        const size_t nc = std::min(kCols, job.c1 - c0);
                        for (size_t c = 0; c < nc; ++c) {
                            xp[c] = xq + static_cast<size_t>(cols[c0 + c].first) * xrb;
                            yp[c] = job.y + cols[c0 + c].second * job.N + r0;
                        }
                        wk.mat_mat(wp, stride, rr0, rr1, xp, static_cast<int>(nc), K, yp);
                    }
                };
                if (!exact && job.c1 - job.c0 <= kCols) {
                    const int64_t r0 = tb * kTile, r1 = std::min(job.N, te * kTile);
                    run(job.w, wrb, r0, r0, r1);
                    continue;
                }
                std::vector<float>* wrow = deq_w ? &wrow_[static_cast<size_t>(thread)] : nullptr;
                if (wrow) wrow->resize(static_cast<size_t>(K * kTile));
                const auto deq = (*kernels_)[job.wtype].dequantize_row;
                for (int64_t tile = tb; tile < te; ++tile) {
                    const int64_t r0 = tile * kTile, r1 = std::min(job.N, r0 + kTile);
                    if (!wrow) {
                        run(job.w, wrb, r0, r0, r1);
                        continue;
                    }
                    // Exact mode: dequantize this tile of rows once, reuse for every column.
                    for (int64_t r = r0; r < r1; ++r)
                        deq(job.w + static_cast<size_t>(r) * wrb, &(*wrow)[(r - r0) * K], K);
                    run(reinterpret_cast<const uint8_t*>(wrow->data()), static_cast<size_t>(K) * sizeof(float), r0, 0,
                        r1 - r0);
                }
            }
        });
    }

    static void check_expert_ids(const Tensor* t) {
        const Tensor* w = t->src[0];
        const int32_t* id = i32(t->src[2]);
        for (int64_t k = 0; k < t->src[2]->n_elements(); ++k)
            if (id[k] < 0 || id[k] >= w->ne[2])
                throw Error("expert id " + std::to_string(id[k]) + " out of range for '" + w->name + "'");
    }

    // The matrix products among nodes[b, e) (MUL_MAT, or MUL_MAT_ID with the same expert ids;
    // all reading the same input with the same activation type; VIEWs between them skipped):
    // the input is converted once and all their rows computed in one pass.
    void run_products(const std::vector<Tensor*>& nodes, size_t b, size_t e) {
        const Tensor* first = nodes[b];
        const Tensor* x = first->src[1];
        const int64_t K = first->src[0]->ne[0];
        const Type vt = activation_type(first);
        for (size_t i = b; i < e; ++i)
            if (nodes[i]->op != Op::VIEW) check_supported(nodes[i], nodes[i]->src[0]->type);
        cols_.clear();
        jobs_.clear();
        if (first->op == Op::MUL_MAT) {
            for (int64_t c = 0; c < x->n_rows(); ++c) cols_.emplace_back(c, c);
        } else {
            for (size_t i = b; i < e; ++i)
                if (nodes[i]->op != Op::VIEW) check_expert_ids(nodes[i]);
            // Group (slot, token) pairs by expert so each selected expert's matrix is read once
            // per batch; unselected experts are not touched.
            const Tensor* ids = first->src[2];
            const int64_t S = ids->ne[0], T = ids->ne[1], xs = x->n_rows() / T;  // 1 (shared input) or S
            const int32_t* id = i32(ids);
            int32_t n_expert = 0;
            for (int64_t k = 0; k < S * T; ++k) n_expert = std::max(n_expert, id[k] + 1);
            expert_cols_.clear();
            for (int32_t ex = 0; ex < n_expert; ++ex) {
                const size_t c0 = cols_.size();
                for (int64_t tok = 0; tok < T; ++tok)
                    for (int64_t s = 0; s < S; ++s)
                        if (id[tok * S + s] == ex) cols_.emplace_back(tok * xs + (xs == 1 ? 0 : s), tok * S + s);
                if (cols_.size() > c0) expert_cols_.push_back({ex, c0, cols_.size()});
            }
        }
        for (size_t i = b; i < e; ++i) {
            Tensor* t = nodes[i];
            if (t->op == Op::VIEW) continue;
            const Tensor* w = t->src[0];
            if (w->ne[0] != K) throw Error("matrix product shapes do not match for '" + w->name + "'");
            const auto* wb = static_cast<const uint8_t*>(w->bytes());
            auto* y = static_cast<float*>(t->out);
            if (t->op == Op::MUL_MAT) {
                jobs_.push_back({wb, w->type, w->ne[1], y, 0, cols_.size()});
                continue;
            }
            const size_t expert_bytes = row_bytes(w->type, K) * static_cast<size_t>(w->ne[1]);
            for (const ExpertCols& ec : expert_cols_)
                jobs_.push_back({wb + static_cast<size_t>(ec.expert) * expert_bytes, w->type, w->ne[1], y, ec.c0, ec.c1});
        }
        const uint8_t* xq = quantize_rows(f32(x), K, x->n_rows(), vt);
        mat_cols(jobs_, K, xq, vt);
    }

    void rms_norm(Tensor* t) {
        const int64_t d = t->ne[0], rows = t->n_rows();
        const float* x = f32(t->src[0]);
        const float* w = f32(t->src[1]);
        auto* y = static_cast<float*>(t->out);
        const float eps = t->f[0];
        pool_.parallel_for(rows, [&](int64_t b, int64_t e, int) {
            for (int64_t r = b; r < e; ++r) cpu::rms_norm_row(x + r * d, w, y + r * d, d, eps);
        });
    }

    void rope(Tensor* t) {
        const int64_t hd = t->ne[0], nh = t->ne[1], T = t->ne[2];
        auto* y = static_cast<float*>(t->out);
        std::memcpy(y, f32(t->src[0]), t->n_bytes());
        const int32_t* pos = i32(t->src[1]);
        const bool neox = t->i[0] == static_cast<int32_t>(RopeMode::NEOX);
        const int64_t n_rot = t->i[1];
        const float base = t->f[0];
        // cos/sin per (token, pair), computed once per graph and shared by all heads and layers
        // (a decoded token would otherwise evaluate them n_layer · (n_head + n_head_kv) times).
        const size_t per_tok = static_cast<size_t>(n_rot / 2) * 2;
        if (rope_pos_ != pos || rope_n_rot_ != n_rot || rope_base_ != base || rope_cs_.size() != per_tok * T) {
            rope_cs_.resize(per_tok * static_cast<size_t>(T));
            for (int64_t tok = 0; tok < T; ++tok) cpu::rope_cache(&rope_cs_[per_tok * tok], n_rot, pos[tok], base);
            rope_pos_ = pos;
            rope_n_rot_ = n_rot;
            rope_base_ = base;
        }
        const float* cs = rope_cs_.data();
        auto apply = [&](int64_t b, int64_t e, int) {
            for (int64_t r = b; r < e; ++r) cpu::rope_head_cached(y + r * hd, n_rot, cs + per_tok * (r / nh), neox);
        };
        if (T * nh * n_rot < (1 << 16)) apply(0, T * nh, 0);  // a decoded token: less work than a barrier
        else pool_.parallel_for(nh * T, apply);
    }

    void attention(Tensor* t) { attention_.run(t, pool_); }

    void softmax(Tensor* t) {
        const int64_t d = t->ne[0];
        auto* y = static_cast<float*>(t->out);
        std::memcpy(y, f32(t->src[0]), t->n_bytes());
        for (int64_t r = 0; r < t->n_rows(); ++r) cpu::softmax_row(y + r * d, d);
    }

    void top_k(Tensor* t) {
        const int64_t E = t->src[0]->ne[0];
        const int32_t k = t->i[0];
        if (k <= 0 || k > E || E > 1024) throw Error("invalid top-k for " + std::to_string(E) + " experts");
        for (int64_t r = 0; r < t->ne[1]; ++r)
            cpu::top_k_row(f32(t->src[0]) + r * E, E, k, static_cast<int32_t*>(t->out) + r * k);
    }

    void moe_weights(Tensor* t) {
        const int64_t E = t->src[0]->ne[0], k = t->ne[0];
        const float* p = f32(t->src[0]);
        const int32_t* ids = i32(t->src[1]);
        auto* w = static_cast<float*>(t->out);
        for (int64_t r = 0; r < t->ne[1]; ++r) {
            float sum = 0.0f;
            for (int64_t s = 0; s < k; ++s) sum += w[r * k + s] = p[r * E + ids[r * k + s]];
            if (t->i[0]) {
                // llama.cpp build_moe_ffn clamps the denominator to avoid dividing by ~0.
                const float denom = std::max(sum, 6.103515625e-5f);
                for (int64_t s = 0; s < k; ++s) w[r * k + s] /= denom;
            }
        }
    }

    void elementwise(Tensor* t) {
        const float* a = f32(t->src[0]);
        const float* b = f32(t->src[1]);
        auto* y = static_cast<float*>(t->out);
        const int64_t n = t->n_elements();
        switch (t->op) {
        case Op::SILU_MUL:
            for (int64_t j = 0; j < n; ++j) y[j] = cpu::silu(a[j]) * b[j];
            break;
        case Op::RELU2_MUL:
            for (int64_t j = 0; j < n; ++j) {
                const float r = std::max(a[j], 0.0f);
                y[j] = r * r * b[j];
            }
            break;
        default:
            for (int64_t j = 0; j < n; ++j) y[j] = a[j] + b[j];
        }
    }

    void moe_sum(Tensor* t) {
        const int64_t N = t->ne[0], T = t->ne[1], k = t->src[0]->ne[1];
        const float* x = f32(t->src[0]);
        const float* w = f32(t->src[1]);
        auto* y = static_cast<float*>(t->out);
        for (int64_t tok = 0; tok < T; ++tok) {
            float* yr = y + tok * N;
            for (int64_t n = 0; n < N; ++n) yr[n] = 0.0f;
            for (int64_t s = 0; s < k; ++s) {
                const float ws = w[tok * k + s];
                const float* xr = x + (tok * k + s) * N;
                for (int64_t n = 0; n < N; ++n) yr[n] += ws * xr[n];
            }
        }
    }

    CpuBackendOptions opts_;
    const CpuKernels* kernels_;
    ThreadPool pool_;
    cpu::Attention attention_;
    std::vector<uint8_t> arena_, xq_;
    std::vector<std::pair<int64_t, int64_t>> cols_;  // (activation row, output column) pairs
    std::vector<MatJob> jobs_;
    struct ExpertCols {
        int32_t expert;
        size_t c0, c1;
    };
    std::vector<ExpertCols> expert_cols_;     // MUL_MAT_ID: each selected expert's columns in cols_
    std::vector<size_t> steps_;               // first node of every step (plan_steps)
    std::vector<float> rope_cs_;              // rope cos/sin of the current graph's positions
    const int32_t* rope_pos_ = nullptr;       // ... for this positions input (reset by compute())
    int64_t rope_n_rot_ = 0;
    float rope_base_ = 0.0f;
    std::vector<std::vector<float>> wrow_;    // per thread: dequantized weight tile (exact mode)
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(const CpuBackendOptions& opts) {
    return std::make_unique<CpuBackend>(opts);
}

}  // namespace tern
