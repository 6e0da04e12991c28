// tern-cli synth: write a random-weight llama GGUF (tern/synth.h) for benchmarks.
#include "command.h"

#include "tern/error.h"
#include "tern/gguf.h"
#include "tern/model.h"
#include "tern/synth.h"

#include <QFile>
#include <QFileInfo>

#include <chrono>
#include <cstdio>
#include <string>

namespace tern::cli {

namespace {

Type type_option(const QCommandLineParser& p, const QString& name) {
    const std::string v = p.value(name).toStdString();
    if (auto t = synth_type_from_name(v)) return *t;
    throw Error("--" + name.toStdString() + " must be one of " + std::string(synth_type_names()) + ", got '" + v + "'");
}

}  // namespace

int cmd_synth(const QStringList& args) {
    const SynthParams d;  // the defaults: the anchor MoE of ../shared/fixtures/README.md §4
    QCommandLineParser p;
    const auto num = [&](const char* name, const char* help, int32_t def) {
        p.addOption({name, QString("%1 (default %2).").arg(help).arg(def), "N", QString::number(def)});
    };
    p.addOption({{"o", "output"}, "GGUF file to write (refused if it exists, unless --force).", "FILE"});
    p.addOption({"arch", "Architecture: llama (default llama).", "NAME", "llama"});
    num("n-embd", "Embedding width", d.n_embd);
    num("n-ff", "FFN width (of one expert in a MoE model)", d.n_ff);
    num("n-expert", "Experts per layer, 0 = dense", d.n_expert);
    p.addOption({"n-expert-used", "Experts used per token (default 2; 0 for a dense model).", "N"});
    num("n-layer", "Layers", d.n_layer);
    num("n-head", "Attention heads", d.n_head);
    num("n-head-kv", "Key/value heads", d.n_head_kv);
    num("vocab", "Vocabulary size, at least 259", d.n_vocab);
    num("ctx", "Context length written to the file", d.n_ctx);
    p.addOption({"type", QString("Type of the matrices: %1 (default TQ2_0).").arg(synth_type_names().data()), "TYPE",
                 "TQ2_0"});
    p.addOption({"embd-type", "Type of token_embd and output (default Q8_0).", "TYPE", "Q8_0"});
    p.addOption({"name", "general.name (default tern-synth).", "NAME", ""});
    p.addOption({"seed", "Random seed (default 1).", "S", "1"});
    p.addOption({"threads", "Threads generating the weights (default: all).", "N", "0"});
    p.addOption({"force", "Overwrite FILE if it exists."});
    if (!parse_or_throw(p, args,
                        "Write a random-weight llama GGUF (dense or MoE) for benchmarks; llama.cpp loads it too."))
        return 0;
    if (!p.isSet("output")) throw Error("missing -o FILE");
    const std::string out = p.value("output").toStdString();

    SynthParams s;
    s.arch = p.value("arch").toStdString();
    s.name = p.value("name").toStdString();
    constexpr int kBig = 1 << 24;
    s.n_embd = int_option(p, "n-embd", 1, kBig);
    s.n_ff = int_option(p, "n-ff", 1, kBig);
    s.n_expert = int_option(p, "n-expert", 0, kBig);
    s.n_expert_used = p.isSet("n-expert-used") ? int_option(p, "n-expert-used", 0, kBig) : (s.n_expert > 0 ? 2 : 0);
    s.n_layer = int_option(p, "n-layer", 1, kBig);
    s.n_head = int_option(p, "n-head", 1, kBig);
    s.n_head_kv = int_option(p, "n-head-kv", 1, kBig);
    s.n_vocab = int_option(p, "vocab", 1, kBig);
    s.n_ctx = int_option(p, "ctx", 1, kBig);
    s.type = type_option(p, "type");
    s.embd_type = type_option(p, "embd-type");
    s.n_threads = int_option(p, "threads", 0, 1024);
    bool ok = false;
    s.seed = p.value("seed").toULongLong(&ok);
    if (!ok) throw Error("--seed must be a whole number >= 0, got '" + p.value("seed").toStdString() + "'");
    validate_synth_params(s);  // before touching any file

    if (QFileInfo::exists(QString::fromStdString(out)) && !p.isSet("force"))
        throw Error(out + ": exists (use --force to overwrite it)");
    // Written beside the target and renamed when complete, so FILE is never half written.
    const std::string part = out + ".part";
    const auto t0 = std::chrono::steady_clock::now();
    write_synthetic_model(part, s);
    QFile::remove(QString::fromStdString(out));
    if (std::rename(part.c_str(), out.c_str()) != 0) {
        QFile::remove(QString::fromStdString(part));
        throw Error(out + ": cannot rename the finished file into place");
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    // Check it loads, and describe it.
    auto model = Model::load(out);
    const HParams& hp = model->hparams();
    const auto count = [](uint64_t n) {
        char b[32];
        if (n >= 1000000000) std::snprintf(b, sizeof b, "%.3f B", static_cast<double>(n) / 1e9);
        else std::snprintf(b, sizeof b, "%.3f M", static_cast<double>(n) / 1e6);
        return std::string(b);
    };
    const std::string ffn = hp.n_expert > 0 ? std::to_string(hp.n_expert) + " experts (" + std::to_string(hp.n_expert_used) +
                                                  " used) of n_ff " + std::to_string(hp.n_ff_exp)
                                            : "dense, n_ff " + std::to_string(hp.n_ff);
    std::printf("wrote %s in %.1f s: %s, %d layers, n_embd %d, %s; matrices %s, token_embd/output %s; %s parameters "
                "(%s active per token), %.2f MiB\n",
                out.c_str(), secs, hp.arch.c_str(), hp.n_layer, hp.n_embd, ffn.c_str(), type_name(s.type).data(),
                type_name(s.embd_type).data(), count(model->n_params()).c_str(), count(model->n_params_active()).c_str(),
                static_cast<double>(model->gguf().file_size()) / (1024.0 * 1024.0));
    return 0;
}

}  // namespace tern::cli
