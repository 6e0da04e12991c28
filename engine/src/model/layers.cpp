#include "model/layers.h"

#include <cmath>

namespace tern::layers {

Tensor* weight(Graph& g, const GgufTensorInfo* w) {
    Tensor* t = g.leaf(w->type, {w->ne[0], w->ne[1], w->ne[2], w->ne[3]}, w->data, w->name);
    return t;
}

Tensor* embed(Graph& g, const GgufTensorInfo* table, Tensor* tokens) {
    return g.node(Op::GET_ROWS, Type::F32, {table->ne[0], tokens->ne[0]}, weight(g, table), tokens);
}

Tensor* rms_norm(Graph& g, Tensor* x, const GgufTensorInfo* w, float eps) {
    Tensor* t = g.node(Op::RMS_NORM, Type::F32, {x->ne[0], x->ne[1], x->ne[2], x->ne[3]}, x, weight(g, w));
    t->f[0] = eps;
    return t;
}

Tensor* linear(Graph& g, const GgufTensorInfo* w, Tensor* x) {
    Tensor* t = g.node(Op::MUL_MAT, Type::F32, {w->ne[1], x->n_rows()}, weight(g, w), x);
    t->i[1] = static_cast<int32_t>(g.linear_activations);
    return t;
}

Tensor* reshape(Graph& g, Tensor* x, std::initializer_list<int64_t> ne) {
    Tensor* t = g.node(Op::VIEW, x->type, ne, x);
    t->i[0] = 0;
    return t;
}

Tensor* add(Graph& g, Tensor* a, Tensor* b) {
    return g.node(Op::ADD, Type::F32, {a->ne[0], a->ne[1], a->ne[2], a->ne[3]}, a, b);
}

static Tensor* rope(Graph& g, Tensor* x, Tensor* positions, const HParams& hp) {
    Tensor* t = g.node(Op::ROPE, Type::F32, {x->ne[0], x->ne[1], x->ne[2]}, x, positions);
    t->i[0] = static_cast<int32_t>(hp.rope_neox ? RopeMode::NEOX : RopeMode::NORM);
    t->i[1] = hp.n_rot;
    t->f[0] = hp.rope_freq_base;
    return t;
}

Tensor* self_attention(Graph& g, Tensor* x, const LayerWeights& L, const HParams& hp, Tensor* positions,
                       int il, int32_t pos0, const AttentionOptions& opt) {
    const int64_t T = x->ne[1], hd = hp.head_dim;
    Tensor* q = reshape(g, linear(g, L.wq, x), {hd, hp.n_head, T});
    Tensor* k = reshape(g, linear(g, L.wk, x), {hd, hp.n_head_kv, T});
    Tensor* v = reshape(g, linear(g, L.wv, x), {hd, hp.n_head_kv, T});
    if (opt.qk_norm) {
        q = rms_norm(g, q, L.attn_q_norm, hp.rms_eps);
        k = rms_norm(g, k, L.attn_k_norm, hp.rms_eps);
    }
    q = rope(g, q, positions, hp);
    k = rope(g, k, positions, hp);
    Tensor* a = g.node(Op::ATTENTION, Type::F32, {hd * hp.n_head, T}, q, k, v);
    a->i[0] = il;
    a->i[1] = pos0;
    a->f[0] = 1.0f / std::sqrt(static_cast<float>(hd));
    if (opt.sub_norm) a = rms_norm(g, a, L.attn_sub_norm, hp.rms_eps);
    return linear(g, L.wo, a);
}

static Tensor* gated(Graph& g, Tensor* gate, Tensor* up, Activation act) {
    return g.node(act == Activation::SILU ? Op::SILU_MUL : Op::RELU2_MUL, Type::F32,
                  {gate->ne[0], gate->ne[1], gate->ne[2], gate->ne[3]}, gate, up);
}

Tensor* ffn(Graph& g, Tensor* x, const GgufTensorInfo* gate, const GgufTensorInfo* up,
            const GgufTensorInfo* down, const GgufTensorInfo* sub_norm, float eps, Activation act) {
    Tensor* h = gated(g, linear(g, gate, x), linear(g, up, x), act);
    if (sub_norm) h = rms_norm(g, h, sub_norm, eps);
    return linear(g, down, h);
}

Tensor* moe_ffn(Graph& g, Tensor* x, const LayerWeights& L, const HParams& hp, Activation act) {
    const int64_t T = x->ne[1], k = hp.n_expert_used, E = hp.n_expert;
    Tensor* logits = linear(g, L.ffn_gate_inp, x);                                   // [E, T]
    Tensor* probs = g.node(Op::SOFTMAX, Type::F32, {E, T}, logits);                  // over all experts
    Tensor* ids = g.node(Op::TOP_K, Type::I32, {k, T}, probs);                       // [k, T]
    ids->i[0] = static_cast<int32_t>(k);
    g.routing.push_back(ids);
    Tensor* wts = g.node(Op::MOE_WEIGHTS, Type::F32, {k, T}, probs, ids);            // [k, T]
    wts->i[0] = hp.expert_weights_norm ? 1 : 0;

    auto expert_mm = [&](const GgufTensorInfo* w, Tensor* in) {                      // → [N, k, T]
        Tensor* t = g.node(Op::MUL_MAT_ID, Type::F32, {w->ne[1], k, T}, weight(g, w), in, ids);
        t->i[1] = static_cast<int32_t>(g.linear_activations);
        return t;
    };
    Tensor* h = gated(g, expert_mm(L.ffn_gate_exps, x), expert_mm(L.ffn_up_exps, x), act);  // [n_ff_exp, k, T]
    Tensor* out = expert_mm(L.ffn_down_exps, h);                                      // [n_embd, k, T]
    return g.node(Op::MOE_SUM, Type::F32, {out->ne[0], T}, out, wts);
}

Tensor* lm_head(Graph& g, Tensor* x, const ModelWeights& w, const HParams& hp, bool all_logits) {
    const int64_t T = x->ne[1];
    if (!all_logits && T > 1) {
        Tensor* last = g.node(Op::VIEW, Type::F32, {x->ne[0], 1}, x);
        last->i[0] = static_cast<int32_t>((T - 1) * x->ne[0] * static_cast<int64_t>(sizeof(float)));
        x = last;
    }
    x = rms_norm(g, x, w.output_norm, hp.rms_eps);
    return linear(g, w.output, x);
}

}  // namespace tern::layers
