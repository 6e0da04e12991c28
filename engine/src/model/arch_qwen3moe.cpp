// `qwen3moe`: Qwen3 mixture of experts, as llama.cpp src/models/qwen3moe.cpp: per-head RMSNorm
// of q and k (attn_q_norm / attn_k_norm, [head_dim]) before NEOX RoPE, no shared expert,
// softmax router with top-k weights renormalised (HF norm_topk_prob), expert width from
// qwen3moe.expert_feed_forward_length.
#include "model/architecture.h"
#include "model/layers.h"
#include "tern/error.h"

namespace tern {

namespace {

void load_hparams(const GgufFile& f, HParams& hp) {
    hp.expert_weights_norm = true;
    read_common_hparams(f, hp);
    hp.rope_neox = true;
    if (hp.n_expert == 0) throw Error(f.path() + ": qwen3moe.expert_count is missing or 0");
    if (!f.get_uint("qwen3moe.expert_feed_forward_length"))
        throw Error(f.path() + ": required key 'qwen3moe.expert_feed_forward_length' is missing");
}

void load_tensors(TensorLoader& l, const HParams& hp, ModelWeights& w) {
    load_embeddings(l, hp, w);
    for (int il = 0; il < hp.n_layer; ++il) {
        LayerWeights& L = w.layers[static_cast<size_t>(il)];
        load_attention(l, hp, il, L);
        L.attn_q_norm = l.vector(layer_tensor(il, "attn_q_norm"), hp.head_dim);
        L.attn_k_norm = l.vector(layer_tensor(il, "attn_k_norm"), hp.head_dim);
        load_ffn(l, hp, il, L);
    }
}

void build_graph(Graph& g, const ForwardInput& in) {
    const HParams& hp = *in.hp;
    const ModelWeights& w = *in.w;
    Tensor* x = layers::embed(g, w.token_embd, in.tokens);
    for (int il = 0; il < hp.n_layer; ++il) {
        const LayerWeights& L = w.layers[static_cast<size_t>(il)];
        Tensor* cur = layers::rms_norm(g, x, L.attn_norm, hp.rms_eps);
        cur = layers::self_attention(g, cur, L, hp, in.positions, il, in.pos0, {.qk_norm = true});
        x = layers::add(g, x, cur);
        cur = layers::rms_norm(g, x, L.ffn_norm, hp.rms_eps);
        x = layers::add(g, x, layers::moe_ffn(g, cur, L, hp, layers::Activation::SILU));
    }
    g.output = layers::lm_head(g, x, w, hp, in.all_logits);
}

}  // namespace

extern const Architecture kArchQwen3Moe{"qwen3moe", load_hparams, load_tensors, build_graph};

}  // namespace tern
