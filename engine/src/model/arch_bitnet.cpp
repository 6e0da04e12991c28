// The BitNet family, one graph with two activations (../shared/docs/formats.md §4):
//  - `bitnet`: llama.cpp's graph for 1bitLLM models (src/models/bitnet.cpp), SiLU-gated FFN;
//  - `bitnet-b1.58` and `bitnet-25` (BitNet b1.58 2B4T, both names bitnet.cpp has written):
//    squared-ReLU-gated FFN, as Microsoft's gpu/model.py; checked against its reference logits.
// Both: NEOX RoPE, RMSNorm of the attention output (attn_sub_norm) before wo, RMSNorm of the
// gated FFN activation (ffn_sub_norm) before ffn_down, LM head tied to token_embd. Ternary
// weights come as TQ1_0/TQ2_0, I2_S (converted at load) or float holding ±s/0. The separate
// per-tensor `.scale` tensors of some conversions are refused at load time.
#include "model/arch_bitnet.h"

#include "tern/error.h"

namespace tern {

namespace {

void load_hparams_common(const GgufFile& f, HParams& hp) {
    read_common_hparams(f, hp);
    hp.rope_neox = true;
    if (hp.n_expert != 0) throw Error(f.path() + ": " + hp.arch + " models with experts are not supported");
}

void load_hparams_b158(const GgufFile& f, HParams& hp) {
    load_hparams_common(f, hp);
    // Newer converters may name the activation; anything but ReLU² would be another model.
    const std::string key = hp.arch + ".hidden_activation";
    if (auto act = f.get_string(key); act && *act != "relu2")
        throw Error(f.path() + ": key '" + key + "' = '" + std::string(*act) + "' is not supported (only relu2)");
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

// llama.cpp's `bitnet` graph quantizes activations as any TQ matmul (per 256 values); BitNet
// b1.58's BitLinear per token row, as Microsoft's reference model.
void build_silu(Graph& g, const ForwardInput& in) {
    build_bitnet_graph(g, in, layers::Activation::SILU, ActivationQuant::PER_BLOCK);
}
void build_relu2(Graph& g, const ForwardInput& in) {
    build_bitnet_graph(g, in, layers::Activation::RELU2, ActivationQuant::PER_ROW);
}

}  // namespace

void build_bitnet_graph(Graph& g, const ForwardInput& in, layers::Activation ffn_act, ActivationQuant projections) {
    const HParams& hp = *in.hp;
    g.linear_activations = projections;
    const ModelWeights& w = *in.w;
    Tensor* x = layers::embed(g, w.token_embd, in.tokens);
    for (int il = 0; il < hp.n_layer; ++il) {
        const LayerWeights& L = w.layers[static_cast<size_t>(il)];
        Tensor* cur = layers::rms_norm(g, x, L.attn_norm, hp.rms_eps);
        cur = layers::self_attention(g, cur, L, hp, in.positions, il, in.pos0, {.sub_norm = true});
        x = layers::add(g, x, cur);
        cur = layers::rms_norm(g, x, L.ffn_norm, hp.rms_eps);
        cur = layers::ffn(g, cur, L.ffn_gate, L.ffn_up, L.ffn_down, L.ffn_sub_norm, hp.rms_eps, ffn_act);
        x = layers::add(g, x, cur);
    }
    g.linear_activations = ActivationQuant::PER_BLOCK;  // the tied LM head is not a BitLinear
    g.output = layers::lm_head(g, x, w, hp, in.all_logits);
}

extern const Architecture kArchBitnet{"bitnet", load_hparams_common, load_tensors, build_silu};
extern const Architecture kArchBitnet158{"bitnet-b1.58", load_hparams_b158, load_tensors, build_relu2};
extern const Architecture kArchBitnet25{"bitnet-25", load_hparams_b158, load_tensors, build_relu2};

}  // namespace tern
