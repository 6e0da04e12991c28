// Shared transformer layers, built as graph nodes. Formulas follow llama.cpp's llm_graph_context
// (src/llama-graph.cpp: build_norm, build_attn, build_ffn, build_moe_ffn) at the commit of
// ../shared/fixtures/README.md; MoE routing as ../shared/docs/formats.md §5.
#pragma once

#include "graph/graph.h"
#include "model/weights.h"
#include "tern/model.h"

namespace tern::layers {

// A leaf for a weight tensor (data in place in the mapping).
Tensor* weight(Graph& g, const GgufTensorInfo* w);

// token_embd rows for the token ids → F32 [n_embd, T].
Tensor* embed(Graph& g, const GgufTensorInfo* table, Tensor* tokens);

// x / sqrt(mean(x²) + eps) · w over ne[0] of x.
Tensor* rms_norm(Graph& g, Tensor* x, const GgufTensorInfo* w, float eps);

// w · x: w [K, N], x [K, T] → [N, T].
Tensor* linear(Graph& g, const GgufTensorInfo* w, Tensor* x);

// The same memory seen with another shape (element count must match).
Tensor* reshape(Graph& g, Tensor* x, std::initializer_list<int64_t> ne);

Tensor* add(Graph& g, Tensor* a, Tensor* b);

struct AttentionOptions {
    bool qk_norm = false;   // qwen3: RMSNorm per head of q and k (attn_q_norm / attn_k_norm) before RoPE
    bool sub_norm = false;  // bitnet: RMSNorm (attn_sub_norm) of the attention output before wo
};

// Self-attention of a normed input x [n_embd, T] at positions pos0.. with GQA, RoPE and the
// backend's KV cache for layer il; returns wo · attention  [n_embd, T].
Tensor* self_attention(Graph& g, Tensor* x, const LayerWeights& L, const HParams& hp, Tensor* positions,
                       int il, int32_t pos0, const AttentionOptions& opt);

enum class Activation { SILU, RELU2 };

// down(act(gate·x) ⊙ up·x), with an optional RMSNorm (bitnet's ffn_sub_norm) before down.
Tensor* ffn(Graph& g, Tensor* x, const GgufTensorInfo* gate, const GgufTensorInfo* up,
            const GgufTensorInfo* down, const GgufTensorInfo* sub_norm, float eps, Activation act);

// Mixture of experts: p = softmax(router·x) over all experts, top-k by p, weights p[top-k]
// (renormalised to sum 1 when hp.expert_weights_norm), output Σ_k weight · expert_k(x) where
// each expert is a SwiGLU FFN. Only the selected experts are computed.
Tensor* moe_ffn(Graph& g, Tensor* x, const LayerWeights& L, const HParams& hp, Activation act);

// Final norm and LM head: logits [n_vocab, n_out] for the last token, or all when all_logits.
Tensor* lm_head(Graph& g, Tensor* x, const ModelWeights& w, const HParams& hp, bool all_logits);

}  // namespace tern::layers
