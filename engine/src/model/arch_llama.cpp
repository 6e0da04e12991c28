// `llama`: Llama-family decoder, dense or Mixtral-style MoE (llama.expert_count > 0).
// Graph as llama.cpp src/models/llama.cpp: pre-norm attention with RoPE "normal" (adjacent
// pairs), SwiGLU FFN or top-k MoE with renormalised softmax weights, final norm, LM head
// (output.weight, or token_embd when the file ties them).
#include "model/architecture.h"
#include "model/layers.h"

namespace tern {

namespace {

void load_hparams(const GgufFile& f, HParams& hp) {
    hp.expert_weights_norm = true;  // Mixtral renormalises the top-k weights
    read_common_hparams(f, hp);
    hp.rope_neox = false;
}

void load_tensors(TensorLoader& l, const HParams& hp, ModelWeights& w) {
    load_embeddings(l, hp, w);
    for (int il = 0; il < hp.n_layer; ++il) {
        load_attention(l, hp, il, w.layers[static_cast<size_t>(il)]);
        load_ffn(l, hp, il, w.layers[static_cast<size_t>(il)]);
    }
}

void build_graph(Graph& g, const ForwardInput& in) {
    const HParams& hp = *in.hp;
    const ModelWeights& w = *in.w;
    Tensor* x = layers::embed(g, w.token_embd, in.tokens);
    for (int il = 0; il < hp.n_layer; ++il) {
        const LayerWeights& L = w.layers[static_cast<size_t>(il)];
        Tensor* cur = layers::rms_norm(g, x, L.attn_norm, hp.rms_eps);
        cur = layers::self_attention(g, cur, L, hp, in.positions, il, in.pos0, {});
        x = layers::add(g, x, cur);
        cur = layers::rms_norm(g, x, L.ffn_norm, hp.rms_eps);
        cur = hp.n_expert > 0
                  ? layers::moe_ffn(g, cur, L, hp, layers::Activation::SILU)
                  : layers::ffn(g, cur, L.ffn_gate, L.ffn_up, L.ffn_down, nullptr, hp.rms_eps, layers::Activation::SILU);
        x = layers::add(g, x, cur);
    }
    g.output = layers::lm_head(g, x, w, hp, in.all_logits);
}

}  // namespace

extern const Architecture kArchLlama{"llama", load_hparams, load_tensors, build_graph};

}  // namespace tern
