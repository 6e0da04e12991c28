// `bitnet`: llama.cpp's BitNet b1.58 graph for 1bitLLM models (src/models/bitnet.cpp):
// NEOX RoPE, RMSNorm of the attention output (attn_sub_norm) before wo, SiLU-gated FFN with
// RMSNorm (ffn_sub_norm) before ffn_down, LM head tied to token_embd. Ternary weights come as
// TQ1_0/TQ2_0 (or float holding ±s/0). The optional per-tensor `.scale` tensors of some
// conversions are not supported yet and are refused at load time.
#include "model/architecture.h"
#include "model/layers.h"
#include "tern/error.h"

namespace tern {

namespace {

void load_hparams(const GgufFile& f, HParams& hp) {
    read_common_hparams(f, hp);
    hp.rope_neox = true;
    if (hp.n_expert != 0) throw Error(f.path() + ": bitnet models with experts are not supported");
}

void load_tensors(TensorLoader& l, const HParams& hp, ModelWeights& w) {
    load_embeddings(l, hp, w);
    for (int il = 0; il < hp.n_layer; ++il) {
        LayerWeights& L = w.layers[static_cast<size_t>(il)];
        for (const char* m : {"attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"}) {
            const std::string s = "blk." + std::to_string(il) + "." + m + ".scale";
            if (l.find(s)) throw Error(l.file().path() + ": per-tensor scale '" + s + "' is not supported yet");
        }
        load_attention(l, hp, il, L);
        L.attn_sub_norm = l.vector(layer_tensor(il, "attn_sub_norm"), int64_t{hp.n_head} * hp.head_dim);
        load_ffn(l, hp, il, L);
        L.ffn_sub_norm = l.vector(layer_tensor(il, "ffn_sub_norm"), hp.n_ff);
    }
}

void build_graph(Graph& g, const ForwardInput& in) {
    const HParams& hp = *in.hp;
    const ModelWeights& w = *in.w;
    Tensor* x = layers::embed(g, w.token_embd, in.tokens);
    for (int il = 0; il < hp.n_layer; ++il) {
        const LayerWeights& L = w.layers[static_cast<size_t>(il)];
        Tensor* cur = layers::rms_norm(g, x, L.attn_norm, hp.rms_eps);
        cur = layers::self_attention(g, cur, L, hp, in.positions, il, in.pos0, {.sub_norm = true});
        x = layers::add(g, x, cur);
        cur = layers::rms_norm(g, x, L.ffn_norm, hp.rms_eps);
        cur = layers::ffn(g, cur, L.ffn_gate, L.ffn_up, L.ffn_down, L.ffn_sub_norm, hp.rms_eps, layers::Activation::SILU);
        x = layers::add(g, x, cur);
    }
    g.output = layers::lm_head(g, x, w, hp, in.all_logits);
}

}  // namespace

extern const Architecture kArchBitnet{"bitnet", load_hparams, load_tensors, build_graph};

}  // namespace tern
