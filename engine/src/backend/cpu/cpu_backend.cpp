// The CPU backend: executes graph nodes with a kernel table (kernels.h: scalar, avx2, avx512) on a
// persistent thread pool. Matrix products split output rows across threads; attention splits
// (token, head) pairs. Activations live in one arena reused from graph to graph.
#include "backend/backend.h"
#include "backend/cpu/kernels.h"
#include "backend/cpu/ops.h"
#include "backend/cpu/thread_pool.h"
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

size_t align_up(size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

const float* f32(const Tensor* t) { return static_cast<const float*>(t->bytes()); }
const int32_t* i32(const Tensor* t) { return static_cast<const int32_t*>(t->bytes()); }

class CpuBackend final : public Backend {
public:
    explicit CpuBackend(const CpuBackendOptions& o)
        : opts_(o), kernels_(&cpu_kernels(o.cpu_features)),
          pool_(o.n_threads > 0 ? o.n_threads : std::max(1u, std::thread::hardware_concurrency())) {}

    std::string_view name() const override { return "cpu"; }
    std::string description() const override {
        return "CPU (" + std::string(kernels_->name) + ", " + std::to_string(pool_.size()) +
               (pool_.size() == 1 ? " thread" : " threads") +
               (opts_.precision == MatmulPrecision::EXACT_F32 ? ", exact F32)" : ")");
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

    void init_kv_cache(const KvCacheConfig& cfg) override {
        if (cfg.n_layer <= 0 || cfg.n_ctx <= 0 || cfg.kv_dim <= 0) throw Error("invalid KV cache size");
        kv_cfg_ = cfg;
        const size_t n = static_cast<size_t>(cfg.n_layer) * cfg.n_ctx * cfg.kv_dim;
        k_cache_.assign(n, 0.0f);
        v_cache_.assign(n, 0.0f);
    }
    const KvCacheConfig& kv_cache_config() const override { return kv_cfg_; }
    size_t kv_cache_bytes() const override { return (k_cache_.size() + v_cache_.size()) * sizeof(float); }

    void compute(Graph& g) override {
        allocate(g);
        for (Tensor* t : g.nodes()) run(t);
    }

private:
    void allocate(Graph& g) {
        size_t total = 0;
        for (Tensor* t : g.nodes())
            if (t->op != Op::VIEW) total += align_up(t->n_bytes());
        if (arena_.size() < total + kAlign) arena_.resize(total + kAlign);
        auto base = reinterpret_cast<uintptr_t>(arena_.data());
        size_t off = (kAlign - base % kAlign) % kAlign;
        for (Tensor* t : g.nodes()) {
            if (t->op == Op::VIEW) {
                t->out = const_cast<uint8_t*>(static_cast<const uint8_t*>(t->src[0]->bytes())) + t->i[0];
                continue;
            }
            t->out = arena_.data() + off;
            off += align_up(t->n_bytes());
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
        case Op::MUL_MAT: return mul_mat(t);
        case Op::MUL_MAT_ID: return mul_mat_id(t);
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

    // One weight matrix (an expert's, for MUL_MAT_ID) and its activation columns cols_[c0, c1).
    struct MatJob {
        const uint8_t* w;
        size_t c0, c1;
    };

    // y[c·N + n] = W[n] · xq[c] for every job's activation columns c → output columns, all jobs
    // in one parallel pass (decode runs each selected expert's matrices in a single job set).
    // Rows are cut into tiles split across threads. With up to kCols columns (decode) a
    // thread's rows go to the kernel in one call, streaming through the weights; with more
    // (prefill) a tile's rows meet the columns kCols at a time (mat_mat), so a weight row is
    // read from memory once per batch, then from cache.
    void mat_cols(const std::vector<MatJob>& jobs, Type wtype, int64_t K, int64_t N, const uint8_t* xq, Type vt,
                  float* y) {
        const size_t wrb = row_bytes(wtype, K), xrb = row_bytes(vt, K);
        const bool exact = opts_.precision == MatmulPrecision::EXACT_F32 && wtype != Type::F32;
        const auto& wk = (*kernels_)[exact ? Type::F32 : wtype];
        const auto deq = (*kernels_)[wtype].dequantize_row;
        const auto& cols = cols_;
        constexpr int64_t kTile = 16;
        constexpr size_t kCols = 4;
        const int64_t n_tiles = (N + kTile - 1) / kTile;
        if (exact && wrow_.size() < static_cast<size_t>(pool_.size())) wrow_.resize(static_cast<size_t>(pool_.size()));
        pool_.parallel_for(n_tiles * static_cast<int64_t>(jobs.size()), [&](int64_t b, int64_t e, int thread) {
            const void* xp[kCols];
            float* yp[kCols];
            std::vector<float>* wrow = exact ? &wrow_[static_cast<size_t>(thread)] : nullptr;
            if (wrow) wrow->resize(static_cast<size_t>(K * kTile));
            for (int64_t t = b; t < e;) {
                const MatJob& job = jobs[static_cast<size_t>(t / n_tiles)];
                const int64_t job_end = (t / n_tiles + 1) * n_tiles;
                const int64_t tb = t % n_tiles, te = std::min(e, job_end) - (t - tb);
                t = std::min(e, job_end);
                // The kernel's y[c][r - rr0] for rows [rr0, rr1) of W (or of the dequantized tile).
                auto run = [&](const uint8_t* wp, size_t stride, int64_t r0, int64_t rr0, int64_t rr1) {
                    for (size_t c0 = job.c0; c0 < job.c1; c0 += kCols) {
                        const size_t nc = std::min(kCols, job.c1 - c0);
                        for (size_t c = 0; c < nc; ++c) {
                            xp[c] = xq + static_cast<size_t>(cols[c0 + c].first) * xrb;
                            yp[c] = y + cols[c0 + c].second * N + r0;
                        }
                        wk.mat_mat(wp, stride, rr0, rr1, xp, static_cast<int>(nc), K, yp);
                    }
                };
                if (!exact && job.c1 - job.c0 <= kCols) {
                    const int64_t r0 = tb * kTile, r1 = std::min(N, te * kTile);
                    run(job.w, wrb, r0, r0, r1);
                    continue;
                }
                for (int64_t tile = tb; tile < te; ++tile) {
                    const int64_t r0 = tile * kTile, r1 = std::min(N, r0 + kTile);
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

    void mul_mat(Tensor* t) {
        const Tensor* w = t->src[0];
        const Tensor* x = t->src[1];
        check_supported(t, w->type);
        const int64_t K = w->ne[0], N = w->ne[1], T = x->n_rows();
        const Type vt = activation_type(t);
        const uint8_t* xq = quantize_rows(f32(x), K, T, vt);
        cols_.clear();
        for (int64_t c = 0; c < T; ++c) cols_.emplace_back(c, c);
        jobs_.assign(1, {static_cast<const uint8_t*>(w->bytes()), 0, cols_.size()});
        mat_cols(jobs_, w->type, K, N, xq, vt, static_cast<float*>(t->out));
    }

    void mul_mat_id(Tensor* t) {
        const Tensor* w = t->src[0];
        const Tensor* x = t->src[1];
        const Tensor* ids = t->src[2];
        check_supported(t, w->type);
        const int64_t K = w->ne[0], N = w->ne[1], E = w->ne[2];
        const int64_t S = ids->ne[0], T = ids->ne[1], xs = x->n_rows() / T;  // 1 (shared input) or S
        const Type vt = activation_type(t);
        const int32_t* id = i32(ids);
        for (int64_t k = 0; k < S * T; ++k)
            if (id[k] < 0 || id[k] >= E)
                throw Error("expert id " + std::to_string(id[k]) + " out of range for '" + w->name + "'");
        const uint8_t* xq = quantize_rows(f32(x), K, x->n_rows(), vt);
        const size_t expert_bytes = row_bytes(w->type, K) * static_cast<size_t>(N);
        // Group (slot, token) pairs by expert so each selected expert's matrix is read once per
        // batch; unselected experts are not touched.
        cols_.clear();
        jobs_.clear();
        for (int64_t e = 0; e < E; ++e) {
            const size_t c0 = cols_.size();
            for (int64_t tok = 0; tok < T; ++tok)
                for (int64_t s = 0; s < S; ++s)
                    if (id[tok * S + s] == e) cols_.emplace_back(tok * xs + (xs == 1 ? 0 : s), tok * S + s);
            if (cols_.size() > c0)
                jobs_.push_back({static_cast<const uint8_t*>(w->bytes()) + static_cast<size_t>(e) * expert_bytes, c0,
                                 cols_.size()});
        }
        mat_cols(jobs_, w->type, K, N, xq, vt, static_cast<float*>(t->out));
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
        pool_.parallel_for(nh * T, [&](int64_t b, int64_t e, int) {
            for (int64_t r = b; r < e; ++r) cpu::rope_head(y + r * hd, n_rot, pos[r / nh], base, neox);
        });
    }

    void attention(Tensor* t) {
        const Tensor* q = t->src[0];
        const int64_t hd = q->ne[0], nh = q->ne[1], T = q->ne[2];
        const int64_t nkv = t->src[1]->ne[1];
        const int64_t layer = t->i[0], pos0 = t->i[1];
        const int64_t n_ctx = kv_cfg_.n_ctx, kv_dim = kv_cfg_.kv_dim;
        if (layer < 0 || layer >= kv_cfg_.n_layer || nkv * hd != kv_dim)
            throw Error("attention does not match the KV cache shape");
        if (pos0 < 0 || pos0 + T > n_ctx)
            throw Error("context is full: " + std::to_string(pos0 + T) + " positions needed, " +
                        std::to_string(n_ctx) + " available");
        float* kc = k_cache_.data() + static_cast<size_t>(layer) * n_ctx * kv_dim;
        float* vc = v_cache_.data() + static_cast<size_t>(layer) * n_ctx * kv_dim;
        std::memcpy(kc + pos0 * kv_dim, f32(t->src[1]), static_cast<size_t>(T * kv_dim) * sizeof(float));
        std::memcpy(vc + pos0 * kv_dim, f32(t->src[2]), static_cast<size_t>(T * kv_dim) * sizeof(float));
        const float scale = t->f[0];
        const int64_t group = nh / nkv;
        const float* qd = f32(q);
        auto* out = static_cast<float*>(t->out);
        const MatVecFn dot_f32 = (*kernels_)[Type::F32].mat_vec;
        if (scores_.size() < static_cast<size_t>(pool_.size())) scores_.resize(static_cast<size_t>(pool_.size()));
        for (auto& sc : scores_) sc.resize(static_cast<size_t>(n_ctx));
        pool_.parallel_for(T * nh, [&](int64_t b, int64_t e, int thread) {
            std::vector<float>& scores = scores_[static_cast<size_t>(thread)];
            for (int64_t r = b; r < e; ++r) {
                const int64_t tok = r / nh, h = r % nh, kvh = h / group;
                const int64_t n_kv = pos0 + tok + 1;  // causal: positions 0 .. pos0 + tok
                const float* qh = qd + r * hd;
                // q · k for every cached position: the K cache rows of this head are an F32
                // matrix with row stride kv_dim (the kernel keeps the scalar summation order).
                dot_f32(kc + kvh * hd, static_cast<size_t>(kv_dim) * sizeof(float), 0, n_kv, qh, hd, scores.data());
                for (int64_t j = 0; j < n_kv; ++j) scores[j] *= scale;
                cpu::softmax_row(scores.data(), n_kv);
                float* oh = out + r * hd;
                std::fill(oh, oh + hd, 0.0f);
                for (int64_t j = 0; j < n_kv; ++j) {
                    const float* vh = vc + j * kv_dim + kvh * hd;
                    const float p = scores[j];
                    for (int64_t d = 0; d < hd; ++d) oh[d] += p * vh[d];
                }
            }
        });
    }

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
    KvCacheConfig kv_cfg_;
    std::vector<float> k_cache_, v_cache_;
    std::vector<uint8_t> arena_, xq_;
    std::vector<std::pair<int64_t, int64_t>> cols_;  // (activation row, output column) pairs
    std::vector<MatJob> jobs_;
    std::vector<std::vector<float>> wrow_;    // per thread: dequantized weight tile (exact mode)
    std::vector<std::vector<float>> scores_;  // per thread: attention scores over the KV cache
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(const CpuBackendOptions& opts) {
    return std::make_unique<CpuBackend>(opts);
}

}  // namespace tern
