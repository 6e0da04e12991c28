#include "model/loader.h"

#include "tern/error.h"

#include <sstream>

namespace tern {

namespace {

std::string shape_str(const int64_t* ne, size_t n) {
    std::ostringstream s;
    s << '[';
    for (size_t k = 0; k < n; ++k) s << (k ? ", " : "") << ne[k];
    s << ']';
    return s.str();
}

bool is_weight_type(Type t) { return t != Type::Q8_K && t != Type::I32; }

}  // namespace

std::string layer_tensor(int il, const char* name) {
    return "blk." + std::to_string(il) + "." + name + ".weight";
}

const GgufTensorInfo* TensorLoader::get(const std::string& name, std::initializer_list<int64_t> shape, bool required) {
    const GgufTensorInfo* t = f_.find_tensor(name);
    if (!t) {
        if (required) throw Error(f_.path() + ": required tensor '" + name + "' is missing");
        return nullptr;
    }
    std::vector<int64_t> want(shape);
    bool ok = t->n_dims <= want.size() || t->n_dims == 0;
    for (size_t k = 0; ok && k < 4; ++k) ok = t->ne[k] == (k < want.size() ? want[k] : 1);
    if (!ok)
        throw Error(f_.path() + ": tensor '" + name + "' has shape " + shape_str(t->ne, t->n_dims) + ", expected " +
                    shape_str(want.data(), want.size()));
    return t;
}

const GgufTensorInfo* TensorLoader::matrix(const std::string& name, std::initializer_list<int64_t> shape, bool required) {
    const GgufTensorInfo* t = get(name, shape, required);
    if (t && !is_weight_type(t->type))
        throw Error(f_.path() + ": tensor '" + name + "' has type " + std::string(type_name(t->type)) +
                    ", which cannot hold weights");
    if (t && t->type == Type::I2_S) {
        if (convert_) return convert_for_kernels(f_, *t, owner_);
        check_convertible(f_, *t);
    }
    if (t && t->type == Type::TQ1_0 && repack_tq1_0_) return repack_tq1_0(f_, *t, owner_);
    return t;
}

const GgufTensorInfo* TensorLoader::vector(const std::string& name, int64_t n, bool required) {
    const GgufTensorInfo* t = get(name, {n}, required);
    if (t && t->type != Type::F32)
        throw Error(f_.path() + ": tensor '" + name + "' must be F32, not " + std::string(type_name(t->type)));
    return t;
}

void load_embeddings(TensorLoader& l, const HParams& hp, ModelWeights& w) {
    w.token_embd = l.matrix("token_embd.weight", {hp.n_embd, hp.n_vocab});
    w.output_norm = l.vector("output_norm.weight", hp.n_embd);
    w.output = l.matrix("output.weight", {hp.n_embd, hp.n_vocab}, false);
    if (!w.output) w.output = w.token_embd;
    w.layers.resize(static_cast<size_t>(hp.n_layer));
}

void load_attention(TensorLoader& l, const HParams& hp, int il, LayerWeights& L) {
    const int64_t E = hp.n_embd, q = int64_t{hp.n_head} * hp.head_dim, kv = int64_t{hp.n_head_kv} * hp.head_dim;
    L.attn_norm = l.vector(layer_tensor(il, "attn_norm"), E);
    L.wq = l.matrix(layer_tensor(il, "attn_q"), {E, q});
    L.wk = l.matrix(layer_tensor(il, "attn_k"), {E, kv});
    L.wv = l.matrix(layer_tensor(il, "attn_v"), {E, kv});
    L.wo = l.matrix(layer_tensor(il, "attn_output"), {q, E});
}

void load_ffn(TensorLoader& l, const HParams& hp, int il, LayerWeights& L) {
    const int64_t E = hp.n_embd;
    L.ffn_norm = l.vector(layer_tensor(il, "ffn_norm"), E);
    if (hp.n_expert == 0) {
        L.ffn_gate = l.matrix(layer_tensor(il, "ffn_gate"), {E, hp.n_ff});
        L.ffn_up = l.matrix(layer_tensor(il, "ffn_up"), {E, hp.n_ff});
        L.ffn_down = l.matrix(layer_tensor(il, "ffn_down"), {hp.n_ff, E});
    } else {
        L.ffn_gate_inp = l.matrix(layer_tensor(il, "ffn_gate_inp"), {E, hp.n_expert});
        L.ffn_gate_exps = l.matrix(layer_tensor(il, "ffn_gate_exps"), {E, hp.n_ff_exp, hp.n_expert});
        L.ffn_up_exps = l.matrix(layer_tensor(il, "ffn_up_exps"), {E, hp.n_ff_exp, hp.n_expert});
        L.ffn_down_exps = l.matrix(layer_tensor(il, "ffn_down_exps"), {hp.n_ff_exp, E, hp.n_expert});
    }
}

namespace {

int32_t read_i32(const GgufFile& f, const std::string& key, bool required, int64_t def, int64_t lo, int64_t hi) {
    std::optional<uint64_t> v = f.get_uint(key);
    if (!v) {
        if (required) throw Error(f.path() + ": required key '" + key + "' is missing");
        return static_cast<int32_t>(def);
    }
    if (*v < static_cast<uint64_t>(lo) || *v > static_cast<uint64_t>(hi))
        throw Error(f.path() + ": key '" + key + "' = " + std::to_string(*v) + " is out of range [" +
                    std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return static_cast<int32_t>(*v);
}

float read_f32(const GgufFile& f, const std::string& key, float def, double lo, double hi) {
    std::optional<double> v = f.get_float(key);
    if (!v) return def;
    if (!(*v >= lo && *v <= hi))
        throw Error(f.path() + ": key '" + key + "' = " + std::to_string(*v) + " is out of range");
    return static_cast<float>(*v);
}

}  // namespace

void read_common_hparams(const GgufFile& f, HParams& hp) {
    const std::string a = hp.arch + ".";
    constexpr int64_t kMaxDim = 1 << 20;
    hp.n_embd = read_i32(f, a + "embedding_length", true, 0, 1, kMaxDim);
    hp.n_layer = read_i32(f, a + "block_count", true, 0, 1, 4096);
    hp.n_head = read_i32(f, a + "attention.head_count", true, 0, 1, 4096);
    hp.n_head_kv = read_i32(f, a + "attention.head_count_kv", false, hp.n_head, 1, hp.n_head);
    if (hp.n_head % hp.n_head_kv != 0)
        throw Error(f.path() + ": head_count " + std::to_string(hp.n_head) + " is not a multiple of head_count_kv " +
                    std::to_string(hp.n_head_kv));
    hp.n_ctx_train = read_i32(f, a + "context_length", false, 2048, 1, 1 << 24);
    hp.head_dim = read_i32(f, a + "attention.key_length", false, hp.n_embd / hp.n_head, 2, 65536);
    const int32_t vdim = read_i32(f, a + "attention.value_length", false, hp.head_dim, 1, 65536);
    if (vdim != hp.head_dim || hp.head_dim % 2 != 0)
        throw Error(f.path() + ": head dimension " + std::to_string(hp.head_dim) + " (value " + std::to_string(vdim) +
                    ") is not supported");
    hp.n_expert = read_i32(f, a + "expert_count", false, 0, 0, 1024);
    hp.n_expert_used = read_i32(f, a + "expert_used_count", false, 0, 0, hp.n_expert);
    if (hp.n_expert > 0 && hp.n_expert_used == 0)
        throw Error(f.path() + ": key '" + a + "expert_used_count' is missing or 0 for a model with experts");
    hp.n_ff = read_i32(f, a + "feed_forward_length", hp.n_expert == 0, 0, 1, kMaxDim);
    hp.n_ff_exp = read_i32(f, a + "expert_feed_forward_length", false, hp.n_ff, 1, kMaxDim);
    if (hp.n_expert > 0 && hp.n_ff_exp <= 0)
        throw Error(f.path() + ": key '" + a + "expert_feed_forward_length' is missing");
    hp.rms_eps = read_f32(f, a + "attention.layer_norm_rms_epsilon", 1e-5f, 1e-12, 1.0);
    hp.rope_freq_base = read_f32(f, a + "rope.freq_base", 10000.0f, 1.0, 1e12);
    hp.n_rot = read_i32(f, a + "rope.dimension_count", false, hp.head_dim, 2, hp.head_dim);
    if (hp.n_rot % 2 != 0) throw Error(f.path() + ": rope.dimension_count must be even");
    if (auto norm = f.get_bool(a + "expert_weights_norm")) hp.expert_weights_norm = *norm;
    const int32_t gating = read_i32(f, a + "expert_gating_func", false, 1, 0, 16);
    if (gating != static_cast<int32_t>(ExpertGating::SOFTMAX) && hp.n_expert > 0)
        throw Error(f.path() + ": expert gating function " + std::to_string(gating) +
                    " is not supported (only softmax)");
}

}  // namespace tern
