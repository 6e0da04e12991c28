#include "tern/model.h"

#include "model/architecture.h"
#include "tern/error.h"
#include "tern/gguf.h"
#include "tern/tokenizer.h"

#include <sys/mman.h>
#include <unistd.h>

#include <map>

namespace tern {

Model::Model() = default;
Model::~Model() = default;

const std::string& Model::path() const { return file_->path(); }

namespace {

// The embedding table is read a row per token, in no order: tell the kernel not to read ahead
// or map neighbouring pages around each row (MADV_RANDOM), so only the rows used become resident.
// Not when it is also the LM head (tied embeddings), which reads it whole every token.
void advise_random_rows(const ModelWeights& w) {
    const GgufTensorInfo* t = w.token_embd;
    if (!t || t == w.output || !t->data) return;
    const long page_size = ::sysconf(_SC_PAGESIZE);
    if (page_size <= 0) return;
    const auto page = static_cast<uintptr_t>(page_size);
    const auto begin = reinterpret_cast<uintptr_t>(t->data) / page * page;
    const auto end = reinterpret_cast<uintptr_t>(t->data) + t->n_bytes;
    ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_RANDOM);  // advisory only
}

}  // namespace

std::unique_ptr<Model> Model::load(const std::string& path, const LoadOptions& opts) {
    std::unique_ptr<Model> m(new Model());
    m->file_ = GgufFile::open(path);
    const GgufFile& f = *m->file_;

    const auto arch = f.get_string("general.architecture");
    if (!arch) throw Error(path + ": required key 'general.architecture' is missing");
    m->arch_ = find_architecture(*arch);
    if (!m->arch_)
        throw Error(path + ": unknown architecture '" + std::string(*arch) + "' (supported: " +
                    std::string(supported_architectures()) + ")");
    m->hp_.arch = std::string(*arch);
    m->arch_->load_hparams(f, m->hp_);

    const GgufTensorInfo* embd = f.find_tensor("token_embd.weight");
    if (!embd) throw Error(path + ": required tensor 'token_embd.weight' is missing");
    if (embd->ne[1] <= 0 || embd->ne[1] > (int64_t{1} << 24))
        throw Error(path + ": tensor 'token_embd.weight' has an invalid vocabulary size");
    m->hp_.n_vocab = static_cast<int32_t>(embd->ne[1]);

    m->weights_ = std::make_unique<ModelWeights>();
    TensorLoader loader(f, *m->weights_, opts.convert_weights, opts.repack_tq1_0);
    m->arch_->load_tensors(loader, m->hp_, *m->weights_);
    advise_random_rows(*m->weights_);

    if (opts.load_tokenizer) {
        m->tokenizer_ = Tokenizer::from_gguf(f);
        if (m->tokenizer_->n_vocab() > m->hp_.n_vocab)
            throw Error(path + ": the tokenizer has " + std::to_string(m->tokenizer_->n_vocab()) +
                        " tokens but the embedding table only " + std::to_string(m->hp_.n_vocab));
    }
    return m;
}

uint64_t Model::n_params() const {
    uint64_t n = 0;
    for (const auto& t : file_->tensors()) n += static_cast<uint64_t>(t.n_elements());
    return n;
}

uint64_t Model::n_params_active() const {
    uint64_t n = n_params();
    if (hp_.n_expert == 0) return n;
    for (const auto& L : weights_->layers)
        for (const GgufTensorInfo* t : {L.ffn_gate_exps, L.ffn_up_exps, L.ffn_down_exps})
            if (t) n -= static_cast<uint64_t>(t->n_elements() / hp_.n_expert * (hp_.n_expert - hp_.n_expert_used));
    return n;
}

uint64_t Model::weight_bytes() const {
    uint64_t n = 0;
    for (const auto& t : file_->tensors()) n += t.n_bytes;
    return n;
}

uint64_t Model::weight_bytes_per_token() const {
    const ModelWeights& w = *weights_;
    uint64_t n = 0;
    auto add = [&](const GgufTensorInfo* t) { if (t) n += t->n_bytes; };
    // One row of the embedding table; the whole table when it is also the LM head.
    if (w.token_embd && w.token_embd->ne[1] > 0) n += w.token_embd->n_bytes / static_cast<uint64_t>(w.token_embd->ne[1]);
    add(w.output_norm);
    add(w.output);
    for (const LayerWeights& L : w.layers) {
        for (const GgufTensorInfo* t : {L.attn_norm, L.wq, L.wk, L.wv, L.wo, L.attn_q_norm, L.attn_k_norm,
                                        L.attn_sub_norm, L.ffn_norm, L.ffn_gate, L.ffn_up, L.ffn_down,
                                        L.ffn_sub_norm, L.ffn_gate_inp})
            add(t);
        for (const GgufTensorInfo* t : {L.ffn_gate_exps, L.ffn_up_exps, L.ffn_down_exps})
            if (t && hp_.n_expert > 0) n += t->n_bytes / static_cast<uint64_t>(hp_.n_expert) * static_cast<uint64_t>(hp_.n_expert_used);
    }
    return n;
}

uint64_t Model::converted_bytes() const { return weights_->converted_bytes(); }

ChatFormat Model::chat_format() const {
    const auto tpl = file_->get_string("tokenizer.chat_template");
    return detect_chat_format(tpl ? *tpl : std::string_view(), hp_.arch);
}

std::string Model::main_type() const {
    // Counted in weights, not bytes: a ternary model's 8-bit embedding table and head can take
    // more bytes than all its ternary matrices while holding far fewer weights.
    std::map<std::string_view, uint64_t> elements;
    for (const auto& t : file_->tensors())
        if (t.n_dims >= 2) elements[type_name(t.type)] += static_cast<uint64_t>(t.n_elements());
    std::string_view best = "F32";
    uint64_t most = 0;
    for (const auto& [name, n] : elements)
        if (n > most) most = n, best = name;
    return std::string(best);
}

}  // namespace tern
