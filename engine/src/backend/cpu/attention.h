// The CPU backend's KV cache and ATTENTION op (graph.h): causal softmax attention of each query
// head over the cached positions, with GQA (kv head = h / (nh / nkv)). The cache holds K and V
// in F32 or F16 (KvCacheConfig::type; F16 as llama.cpp's default -ctk/-ctv f16: values rounded
// to nearest even when stored, widened exactly to F32 when read).
//
// The math of one head (attention_head_reference below is its scalar form, and every kernel set
// gives bit-identical results to it):
//   s_j = (Σ_d q[d] · K_j[d]) · scale    for the positions j < n_kv, summed in d order in float
//   p   = softmax(s)                     (cpu::softmax_row: max subtracted, double denominator)
//   o_d = Σ_j p_j · V_j[d]               summed in j order, in float
// Multiplies and adds stay separate (no fused multiply-add). With an F32 cache this is the
// arithmetic the backend did before the F16 option (the F32 mat_vec kernel over the K rows), so
// F32 results are unchanged; the SIMD kernels put 8 positions in the 8 lanes (scores) or 8
// dimensions (the V sum), each lane doing the reference's operations in its order.
#pragma once

#include "backend/backend.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace tern {

class ThreadPool;

namespace cpu {

// Per-head kernels of one kernel set (cpu_kernels' names: "scalar", "avx2", "avx512").
// Rows are `stride` elements apart; `kv` points at F32 or F16 (uint16_t) elements.
struct AttentionKernels {
    std::string_view name;
    // s[j] = q · K_j (in d order) for j < n
    void (*scores_f32)(const float* q, const float* k, int64_t stride, int64_t n, int64_t hd, float* s);
    void (*scores_f16)(const float* q, const uint16_t* k, int64_t stride, int64_t n, int64_t hd, float* s);
    // o[d] = Σ_j p[j] · V_j[d] (o is overwritten)
    void (*mix_f32)(const float* p, const float* v, int64_t stride, int64_t n, int64_t hd, float* o);
    void (*mix_f16)(const float* p, const uint16_t* v, int64_t stride, int64_t n, int64_t hd, float* o);
    // dst[i] = fp32_to_fp16(src[i]) (round to nearest even)
    void (*to_f16)(const float* src, uint16_t* dst, int64_t n);
};

// The kernels for a kernel set name as cpu_kernels() returns it ("avx512" uses the AVX2 ones).
const AttentionKernels& attention_kernels(std::string_view kernel_set);

#if defined(TERN_X86_KERNELS)
const AttentionKernels& attention_kernels_avx2();  // attention_avx2.cpp (call only with AVX2/FMA/F16C)
#endif

// The scalar reference for one head: q [hd], K_j and V_j at k + j·stride, v + j·stride
// (elements of `type`, F32 or F16), j < n_kv; writes o [hd].
void attention_head_reference(const float* q, const void* k, const void* v, Type type, int64_t stride, int64_t n_kv,
                              int64_t hd, float scale, float* o);

// KV cache plus the ATTENTION op.
class Attention {
public:
    explicit Attention(std::string_view kernel_set) : kernels_(&attention_kernels(kernel_set)) {}

    // Throws tern::Error for a non-positive size or a type other than F32 / F16.
    void init_kv_cache(const KvCacheConfig& cfg);
    const KvCacheConfig& kv_cache_config() const { return cfg_; }
    // 2 · n_layer · n_ctx · kv_dim · (4 for F32, 2 for F16)
    size_t kv_cache_bytes() const { return k_.size() + v_.size(); }

    // Runs an ATTENTION node: stores its k and v at positions i[1].., then attends. Throws
    // tern::Error when the node does not match the cache or the context is full.
    void run(Tensor* t, ThreadPool& pool);

private:
    const AttentionKernels* kernels_;
    KvCacheConfig cfg_;
    std::vector<uint8_t> k_, v_;                // [n_layer][n_ctx][kv_dim] elements of cfg_.type
    std::vector<std::vector<float>> scores_;    // per thread: scores over the cached positions
};

}  // namespace cpu
}  // namespace tern
