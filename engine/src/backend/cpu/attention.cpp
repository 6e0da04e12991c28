// The CPU backend's KV cache and ATTENTION (attention.h): the cache storage, the op's driver
// (threads over (token, head) pairs) and the scalar kernels, which are the reference.
#include "backend/cpu/attention.h"

#include "backend/cpu/ops.h"
#include "backend/cpu/thread_pool.h"
#include "tensor/fp16.h"
#include "tern/error.h"

#include <array>
#include <cstring>
#include <string>

namespace tern::cpu {

namespace {

// Every F16 value widened to F32 (fp16_to_fp32, exact), so the scalar kernels read F16 at a
// table lookup per element.
const float* f16_table() {
    static const std::vector<float> table = [] {
        std::vector<float> t(65536);
        for (uint32_t h = 0; h < 65536; ++h) t[h] = fp16_to_fp32(static_cast<uint16_t>(h));
        return t;
    }();
    return table.data();
}

struct FromF32 {
    float operator()(float x) const { return x; }
};
struct FromF16 {
    const float* table = f16_table();
    float operator()(uint16_t x) const { return table[x]; }
};

// q · k in d order, in float (attention.h).
template <class E, class Cvt>
float dot(const float* q, const E* k, int64_t hd, Cvt cvt) {
    float s = 0.0f;
    for (int64_t d = 0; d < hd; ++d) s += q[d] * cvt(k[d]);
    return s;
}

template <class E, class Cvt>
void scores_ref(const float* q, const E* k, int64_t stride, int64_t n, int64_t hd, float* s, Cvt cvt) {
    for (int64_t j = 0; j < n; ++j) s[j] = dot(q, k + j * stride, hd, cvt);
}

template <class E, class Cvt>
void mix_ref(const float* p, const E* v, int64_t stride, int64_t n, int64_t hd, float* o, Cvt cvt) {
    for (int64_t d = 0; d < hd; ++d) o[d] = 0.0f;
    for (int64_t j = 0; j < n; ++j) {
        const E* vj = v + j * stride;
        const float pj = p[j];
        for (int64_t d = 0; d < hd; ++d) o[d] += pj * cvt(vj[d]);
    }
}

void scores_f32_scalar(const float* q, const float* k, int64_t stride, int64_t n, int64_t hd, float* s) {
    scores_ref(q, k, stride, n, hd, s, FromF32{});
}
void scores_f16_scalar(const float* q, const uint16_t* k, int64_t stride, int64_t n, int64_t hd, float* s) {
    scores_ref(q, k, stride, n, hd, s, FromF16{});
}
void mix_f32_scalar(const float* p, const float* v, int64_t stride, int64_t n, int64_t hd, float* o) {
    mix_ref(p, v, stride, n, hd, o, FromF32{});
}
void mix_f16_scalar(const float* p, const uint16_t* v, int64_t stride, int64_t n, int64_t hd, float* o) {
    mix_ref(p, v, stride, n, hd, o, FromF16{});
}
void to_f16_scalar(const float* src, uint16_t* dst, int64_t n) {
    for (int64_t i = 0; i < n; ++i) dst[i] = fp32_to_fp16(src[i]);
}

const AttentionKernels kScalar{"scalar", scores_f32_scalar, scores_f16_scalar, mix_f32_scalar, mix_f16_scalar,
                               to_f16_scalar};

}  // namespace

const AttentionKernels& attention_kernels(std::string_view kernel_set) {
#if defined(TERN_X86_KERNELS)
    // cpu_kernels() has checked that the CPU runs the set it named.
    if (kernel_set == "avx2" || kernel_set == "avx512") return attention_kernels_avx2();
#endif
    (void)kernel_set;
    return kScalar;
}

void attention_head_reference(const float* q, const void* k, const void* v, Type type, int64_t stride, int64_t n_kv,
                              int64_t hd, float scale, float* o) {
    if (type != Type::F32 && type != Type::F16) throw Error("the KV cache holds F32 or F16");
    std::vector<float> s(static_cast<size_t>(n_kv));
    const auto cvt16 = [](uint16_t h) { return fp16_to_fp32(h); };
    if (type == Type::F32) scores_ref(q, static_cast<const float*>(k), stride, n_kv, hd, s.data(), FromF32{});
    else scores_ref(q, static_cast<const uint16_t*>(k), stride, n_kv, hd, s.data(), cvt16);
    for (float& x : s) x *= scale;
    softmax_row(s.data(), n_kv);
    if (type == Type::F32) mix_ref(s.data(), static_cast<const float*>(v), stride, n_kv, hd, o, FromF32{});
    else mix_ref(s.data(), static_cast<const uint16_t*>(v), stride, n_kv, hd, o, cvt16);
}

void Attention::init_kv_cache(const KvCacheConfig& cfg) {
    if (cfg.n_layer <= 0 || cfg.n_ctx <= 0 || cfg.kv_dim <= 0) throw Error("invalid KV cache size");
    if (cfg.type != Type::F32 && cfg.type != Type::F16)
        throw Error("the KV cache holds F32 or F16, not " + std::string(type_name(cfg.type)));
    cfg_ = cfg;
    const size_t n = static_cast<size_t>(cfg.n_layer) * static_cast<size_t>(cfg.n_ctx) *
                     static_cast<size_t>(cfg.kv_dim) * (cfg.type == Type::F16 ? 2 : 4);
    k_.assign(n, 0);
    v_.assign(n, 0);
}

void Attention::run(Tensor* t, ThreadPool& pool) {
    const Tensor* q = t->src[0];
    const int64_t hd = q->ne[0], nh = q->ne[1], T = q->ne[2];
    const int64_t nkv = t->src[1]->ne[1];
    const int64_t layer = t->i[0], pos0 = t->i[1];
    const int64_t n_ctx = cfg_.n_ctx, kv_dim = cfg_.kv_dim;
    if (k_.empty() || layer < 0 || layer >= cfg_.n_layer || nkv <= 0 || nkv * hd != kv_dim || nh % nkv != 0)
        throw Error("attention does not match the KV cache shape");
    if (pos0 < 0 || pos0 + T > n_ctx)
        throw Error("context is full: " + std::to_string(pos0 + T) + " positions needed, " + std::to_string(n_ctx) +
                    " available");
    const bool f16 = cfg_.type == Type::F16;
    const size_t es = f16 ? 2 : 4;
    uint8_t* kc = k_.data() + static_cast<size_t>(layer * n_ctx * kv_dim) * es;
    uint8_t* vc = v_.data() + static_cast<size_t>(layer * n_ctx * kv_dim) * es;
    const auto* kin = static_cast<const float*>(t->src[1]->bytes());
    const auto* vin = static_cast<const float*>(t->src[2]->bytes());
    const size_t at = static_cast<size_t>(pos0 * kv_dim) * es;
    if (f16) {
        kernels_->to_f16(kin, reinterpret_cast<uint16_t*>(kc + at), T * kv_dim);
        kernels_->to_f16(vin, reinterpret_cast<uint16_t*>(vc + at), T * kv_dim);
    } else {
        std::memcpy(kc + at, kin, static_cast<size_t>(T * kv_dim) * sizeof(float));
        std::memcpy(vc + at, vin, static_cast<size_t>(T * kv_dim) * sizeof(float));
    }
    const float scale = t->f[0];
    const int64_t group = nh / nkv;
    const auto* qd = static_cast<const float*>(q->bytes());
    auto* out = static_cast<float*>(t->out);
    const AttentionKernels& kern = *kernels_;
    if (scores_.size() < static_cast<size_t>(pool.size())) scores_.resize(static_cast<size_t>(pool.size()));
    for (auto& sc : scores_)
        if (sc.size() < static_cast<size_t>(n_ctx)) sc.resize(static_cast<size_t>(n_ctx));
    pool.parallel_for(T * nh, [&](int64_t b, int64_t e, int thread) {
        float* s = scores_[static_cast<size_t>(thread)].data();
        for (int64_t r = b; r < e; ++r) {
            const int64_t tok = r / nh, h = r % nh, kvh = h / group;
            const int64_t n_kv = pos0 + tok + 1;  // causal: positions 0 .. pos0 + tok
            const float* qh = qd + r * hd;
            float* oh = out + r * hd;
            const size_t head = static_cast<size_t>(kvh * hd) * es;
            if (f16) kern.scores_f16(qh, reinterpret_cast<const uint16_t*>(kc + head), kv_dim, n_kv, hd, s);
            else kern.scores_f32(qh, reinterpret_cast<const float*>(kc + head), kv_dim, n_kv, hd, s);
            for (int64_t j = 0; j < n_kv; ++j) s[j] *= scale;
            softmax_row(s, n_kv);
            if (f16) kern.mix_f16(s, reinterpret_cast<const uint16_t*>(vc + head), kv_dim, n_kv, hd, oh);
            else kern.mix_f32(s, reinterpret_cast<const float*>(vc + head), kv_dim, n_kv, hd, oh);
        }
    });
}

}  // namespace tern::cpu
