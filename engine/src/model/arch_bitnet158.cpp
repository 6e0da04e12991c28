// `bitnet-b1.58` and `bitnet-25` (the first 2B4T upload's name for the same graph): Microsoft's
// BitNet b1.58 2B4T, as bitnet.cpp's build_bitnet_158 and BitNet's gpu/model.py (formats.md
// §4.2; checked against model.py in ../shared/fixtures/bitnet-b158). Like `bitnet`: NEOX RoPE
// on the unpermuted Q/K rows (θ = <arch>.rope.freq_base), GQA, RMSNorm of the attention output
// (attn_sub_norm) before wo, RMSNorm (ffn_sub_norm) before ffn_down, LM head tied to
// token_embd (or output.weight when a file has one), one rms epsilon for every norm. Unlike it,
// the FFN gate is a squared ReLU: relu(gate·x)² ⊙ up·x — SiLU there gives finite but wrong
// logits (the bug of formats.md §4.2), so it is fixed per architecture, never guessed.
//
// Weights: I2_S (converted to TQ2_0_S32 at load time), TQ1_0/TQ2_0, or float holding ±s/0.
// Numerics today are the backend's: with NATIVE precision each matmul input is quantized to
// int8 per 256 values (Q8_K, as llama.cpp's TQ2_0 path), which equals BitNet's per-token
// absmax int8 when the input row has 256 elements but not for longer rows (ffn_down); BitNet's
// exact per-token activation quantization is a later step. EXACT_F32 is the float-activation
// reference.
#include "model/arch_bitnet158.h"

#include "tern/error.h"

namespace tern {

namespace {

void load_hparams(const GgufFile& f, HParams& hp) {
    read_common_hparams(f, hp);
    hp.rope_neox = true;
    if (hp.n_expert != 0) throw Error(f.path() + ": " + hp.arch + " models with experts are not supported");
    // Newer converters may name the activation; anything but ReLU² would be another model.
    const std::string key = hp.arch + ".hidden_activation";
    if (auto act = f.get_string(key); act && *act != "relu2")
        throw Error(f.path() + ": key '" + key + "' = '" + std::string(*act) + "' is not supported (only relu2)");
}

void load_tensors(TensorLoader& l, const HParams& hp, ModelWeights& w) {
    load_embeddings(l, hp, w);
    for (int il = 0; il < hp.n_layer; ++il) {
        LayerWeights& L = w.layers[static_cast<size_t>(il)];
        // Separate `.scale` tensors come with TL1/TL2 files (refused by the reader) and some
        // conversions; I2_S carries its scale inside the tensor.
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

void build_graph(Graph& g, const ForwardInput& in) { build_bitnet158_graph(g, in, layers::Activation::RELU2); }

}  // namespace

void build_bitnet158_graph(Graph& g, const ForwardInput& in, layers::Activation ffn_act) {
    const HParams& hp = *in.hp;
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
    g.output = layers::lm_head(g, x, w, hp, in.all_logits);
}

extern const Architecture kArchBitnet158{"bitnet-b1.58", load_hparams, load_tensors, build_graph};
extern const Architecture kArchBitnet25{"bitnet-25", load_hparams, load_tensors, build_graph};

}  // namespace tern
