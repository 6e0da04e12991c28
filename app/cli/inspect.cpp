// tern-cli tokenize / logits / info: look inside a model.
#include "command.h"

#include "tern/error.h"
#include "tern/gguf.h"
#include "tern/model.h"
#include "tern/session.h"
#include "tern/tokenizer.h"

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace tern::cli {

int cmd_tokenize(const QStringList& args) {
    QCommandLineParser p;
    p.addOption({{"m", "model"}, "GGUF model (or vocab-only) file.", "FILE"});
    p.addOption({{"p", "prompt"}, "Text to tokenize.", "TEXT"});
    p.addOption({"no-bos", "Do not add BOS (or other special tokens)."});
    if (!parse_or_throw(p, args, "Print the token ids of a text, comma-separated.")) return 0;
    if (!p.isSet("prompt")) throw Error("missing -p TEXT");
    auto file = GgufFile::open(model_path(p));
    auto tok = Tokenizer::from_gguf(*file);
    const std::vector<int32_t> ids = tok->encode(p.value("prompt").toStdString(), !p.isSet("no-bos"));
    std::string out;
    for (size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
    std::printf("%s\n", out.c_str());
    return 0;
}

namespace {

std::vector<int32_t> parse_ids(const QString& s) {
    std::vector<int32_t> ids;
    for (const QString& part : s.split(',', Qt::SkipEmptyParts)) {
        bool ok = false;
        const int v = part.trimmed().toInt(&ok);
        if (!ok || v < 0) throw Error("--tokens: '" + part.toStdString() + "' is not a token id");
        ids.push_back(v);
    }
    if (ids.empty()) throw Error("--tokens: no token ids given");
    return ids;
}

}  // namespace

int cmd_logits(const QStringList& args) {
    QCommandLineParser p;
    add_model_options(p);
    p.addOption({"tokens", "Comma-separated token ids.", "IDS"});
    p.addOption({{"o", "output"}, "Output file: little-endian float32 [n_tokens x n_vocab].", "FILE"});
    p.addOption({"exact", "F32 math on dequantized weights (reference mode)."});
    if (!parse_or_throw(p, args, "Evaluate token ids in one batch and write the logits of every position.")) return 0;
    if (!p.isSet("tokens")) throw Error("missing --tokens IDS");
    if (!p.isSet("output")) throw Error("missing -o FILE");
    const std::vector<int32_t> ids = parse_ids(p.value("tokens"));
    auto model = Model::load(model_path(p), load_options(p));
    SessionOptions so = session_options(p);
    so.exact_f32 = p.isSet("exact");
    so.n_batch = static_cast<int32_t>(ids.size());
    Session session(*model, so);
    const std::vector<float> logits = session.eval(ids, true);
    const std::string out = p.value("output").toStdString();
    std::ofstream f(out, std::ios::binary);
    f.write(reinterpret_cast<const char*>(logits.data()), static_cast<std::streamsize>(logits.size() * sizeof(float)));
    f.close();
    if (!f) throw Error(out + ": cannot write the logits");
    std::fprintf(stderr, "wrote %zu x %d logits to %s\n", ids.size(), model->hparams().n_vocab, out.c_str());
    return 0;
}

namespace {

std::string shape(const GgufTensorInfo& t) {
    std::string s = "[";
    for (uint32_t d = 0; d < t.n_dims; ++d) s += (d ? ", " : "") + std::to_string(t.ne[d]);
    return s + "]";
}

std::string human_bytes(uint64_t b) {
    char buf[64];
    if (b >= (1u << 30)) std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(b) / (1u << 30));
    else if (b >= (1u << 20)) std::snprintf(buf, sizeof buf, "%.2f MiB", static_cast<double>(b) / (1u << 20));
    else std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(b) / 1024.0);
    return buf;
}

}  // namespace

int cmd_info(const QStringList& args) {
    QCommandLineParser p;
    p.addOption({{"m", "model"}, "GGUF model file.", "FILE"});
    if (!parse_or_throw(p, args, "Describe a model: architecture, hyperparameters, tensors, tokenizer.")) return 0;
    auto model = Model::load(model_path(p));
    const HParams& hp = model->hparams();
    const GgufFile& f = model->gguf();
    std::printf("file:            %s\n", model->path().c_str());
    std::printf("GGUF version:    %u, %zu tensors, %zu metadata keys, %s\n", f.version(), f.tensors().size(),
                f.metadata().size(), human_bytes(f.file_size()).c_str());
    if (auto name = f.get_string("general.name")) std::printf("name:            %.*s\n", int(name->size()), name->data());
    std::printf("architecture:    %s%s\n", hp.arch.c_str(), hp.n_expert ? " (mixture of experts)" : "");
    std::printf("type:            %s\n", model->main_type().c_str());
    if (model->converted_bytes() > 0)
        std::printf("converted:       %s of %s weights repacked at load (in memory, replacing their pages of the mapping)\n",
                    human_bytes(model->converted_bytes()).c_str(), converted_what(*model).c_str());
    const ChatFormat chat = model->chat_format();
    std::printf("chat format:     %s%s\n", std::string(chat_family_name(chat.family)).c_str(),
                chat.guessed ? " (template not recognised: default)" : "");
    std::printf("parameters:      %.3f M total, %.3f M active per token\n", static_cast<double>(model->n_params()) / 1e6,
                static_cast<double>(model->n_params_active()) / 1e6);
    std::printf("n_vocab:         %d\n", hp.n_vocab);
    std::printf("n_ctx_train:     %d\n", hp.n_ctx_train);
    std::printf("n_embd:          %d\n", hp.n_embd);
    std::printf("n_layer:         %d\n", hp.n_layer);
    std::printf("n_head:          %d (kv %d, head_dim %d)\n", hp.n_head, hp.n_head_kv, hp.head_dim);
    // K and V of every layer per context position: 2 · n_layer · n_head_kv · head_dim · element bytes.
    const uint64_t kv_elems = 2ull * static_cast<uint64_t>(hp.n_layer) * static_cast<uint64_t>(hp.n_head_kv * hp.head_dim);
    std::printf("KV cache:        %s per position with --cache-type f16, %s with f32\n", human_bytes(kv_elems * 2).c_str(),
                human_bytes(kv_elems * 4).c_str());
    if (hp.n_expert)
        std::printf("experts:         %d, %d used per token, n_ff per expert %d, router softmax%s\n", hp.n_expert,
                    hp.n_expert_used, hp.n_ff_exp, hp.expert_weights_norm ? " + renormalised top-k" : "");
    else
        std::printf("n_ff:            %d\n", hp.n_ff);
    std::printf("rope:            %s, n_rot %d, freq_base %g\n", hp.rope_neox ? "neox" : "normal", hp.n_rot,
                static_cast<double>(hp.rope_freq_base));
    std::printf("rms_norm_eps:    %g\n", static_cast<double>(hp.rms_eps));
    const Tokenizer& tok = model->tokenizer();
    std::printf("tokenizer:       %s, %d tokens, bos %d, eos %d, add_bos %s\n", tok.vocab().model.c_str(),
                tok.n_vocab(), tok.bos(), tok.eos(), tok.vocab().add_bos ? "yes" : "no");
    std::printf("tensors:\n");
    for (const GgufTensorInfo& t : f.tensors())
        std::printf("  %-32s %-6s %-22s %s\n", t.name.c_str(), std::string(type_name(t.type)).c_str(),
                    shape(t).c_str(), human_bytes(t.n_bytes).c_str());
    return 0;
}

}  // namespace tern::cli
