#include "command.h"

#include "tern/error.h"
#include "tern/gguf.h"

#include <cstdio>
#include <random>
#include <string>

namespace tern::cli {

bool parse_or_throw(QCommandLineParser& p, const QStringList& args, const char* usage, bool positional) {
    p.setApplicationDescription(usage);
    const QCommandLineOption help({"h", "help"}, "Show this help.");
    p.addOption(help);
    if (!p.parse(args)) {
        // Qt's message ("Unknown option 'x'.") plus where to look.
        QString msg = p.errorText();
        if (msg.endsWith('.')) msg.chop(1);
        msg[0] = msg[0].toLower();
        throw Error(msg.toStdString() + " (see '" + args.first().toStdString() + " --help')");
    }
    if (p.isSet(help)) {
        // Qt names the binary's path in the usage line; name the command instead.
        QString text = p.helpText();
        const qsizetype eol = text.indexOf('[');
        if (text.startsWith("Usage: ") && eol > 0) text = "Usage: " + args.first() + " " + text.mid(eol);
        std::fputs(qPrintable(text), stdout);
        return false;
    }
    if (!positional && !p.positionalArguments().isEmpty())
        throw Error("unexpected argument '" + p.positionalArguments().first().toStdString() + "'");
    return true;
}

void add_model_options(QCommandLineParser& p) {
    p.addOption({{"m", "model"}, "GGUF model file.", "FILE"});
    p.addOption({"ctx", "Context size in tokens (default: the model's, at most 4096).", "N", "0"});
    p.addOption({"threads", "CPU threads (default: all).", "N", "0"});
    p.addOption({"cpu-features", "CPU kernel set: scalar, avx2, avx512 (x86-64) or neon (aarch64) (default: the best this CPU runs).", "SET"});
    p.addOption({"backend", "cpu, vulkan or auto: the best Vulkan GPU when there is one, else the CPU "
                            "(default auto).", "NAME", "auto"});
    p.addOption({"device", "Vulkan device index from 'tern-cli devices'; -1: the best device (default -1; auto "
                           "never takes a CPU-type device such as lavapipe, --backend vulkan does).", "N", "-1"});
    add_cache_type_option(p);
    add_repack_option(p);
}

void add_repack_option(QCommandLineParser& p) {
    p.addOption({"repack", "Repack TQ1_0 weights to TQ2_0 at load time: faster on the CPU, the same results, "
                           "22 % more memory for those weights (default: read them in place)."});
}

std::string converted_what(const Model& m) {
    bool i2s = false, tq1 = false;
    for (const GgufTensorInfo& t : m.gguf().tensors()) {
        i2s = i2s || t.type == Type::I2_S;
        tq1 = tq1 || t.type == Type::TQ1_0;
    }
    if (m.converted_bytes() == 0) return "nothing";
    if (i2s && tq1) return "I2_S and TQ1_0 → TQ2_0";
    return i2s ? "I2_S" : "TQ1_0 → TQ2_0";
}

LoadOptions load_options(const QCommandLineParser& p) {
    LoadOptions o;
    o.repack_tq1_0 = p.isSet("repack");
    return o;
}

void add_cache_type_option(QCommandLineParser& p) {
    p.addOption({"cache-type", "KV cache type: f32, or f16 (half the memory; llama.cpp's -ctk/-ctv f16) "
                               "(default f32).", "TYPE", "f32"});
}

Type cache_type_option(const QCommandLineParser& p) {
    Type t = Type::F32;
    if (!parse_kv_cache_type(p.value("cache-type").toStdString(), t))
        throw Error("--cache-type must be f32 or f16, got '" + p.value("cache-type").toStdString() + "'");
    return t;
}

void add_sampling_options(QCommandLineParser& p) {
    p.addOption({{"n", "n-predict"}, "Tokens to generate, -1: until the end of the text (default 128).", "N", "128"});
    p.addOption({"temp", "Temperature; 0 = greedy (default 0.8).", "T", "0.8"});
    p.addOption({"seed", "Random seed; -1 = a new one each run (default -1).", "S", "-1"});
    p.addOption({"top-k", "Top-k, 0 = off (default 40).", "K", "40"});
    p.addOption({"top-p", "Top-p, 1 = off (default 0.95).", "P", "0.95"});
    p.addOption({"min-p", "Min-p, 0 = off (default 0.05).", "P", "0.05"});
    p.addOption({"repeat-penalty", "Repetition penalty, 1 = off (default 1).", "R", "1.0"});
}

namespace {

// "-n/--n-predict" for an option with a short name, else "--temp".
std::string option_label(const QString& name) {
    if (name == "n-predict") return "-n/--n-predict";
    return "--" + name.toStdString();
}

std::string number(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", v);
    return b;
}

}  // namespace

int int_option(const QCommandLineParser& p, const QString& name, int lo, int hi) {
    bool ok = false;
    const long long v = p.value(name).toLongLong(&ok);
    if (!ok || v < lo || v > hi)
        throw Error(option_label(name) + " must be a whole number from " + number(lo) + " to " + number(hi) + ", got '" +
                    p.value(name).toStdString() + "'");
    return static_cast<int>(v);
}

double float_option(const QCommandLineParser& p, const QString& name, double lo, double hi) {
    bool ok = false;
    const double v = p.value(name).toDouble(&ok);
    if (!ok || !(v >= lo && v <= hi))
        throw Error(option_label(name) + " must be a number from " + number(lo) + " to " + number(hi) + ", got '" +
                    p.value(name).toStdString() + "'");
    return v;
}

std::string model_path(const QCommandLineParser& p) {
    if (!p.isSet("model")) throw Error("missing -m MODEL");
    return p.value("model").toStdString();
}

SessionOptions session_options(const QCommandLineParser& p) {
    SessionOptions o;
    o.n_ctx = int_option(p, "ctx", 0, 1 << 20);
    o.n_threads = int_option(p, "threads", 0, 1024);
    o.cpu_features = p.value("cpu-features").toStdString();  // checked by the Session (tern::Error)
    if (!parse_backend_kind(p.value("backend").toStdString(), o.backend))
        throw Error("--backend must be cpu, vulkan or auto, got '" + p.value("backend").toStdString() + "'");
    o.device = int_option(p, "device", -1, 1024);
    o.kv_cache_type = cache_type_option(p);
    if (o.device >= 0 && o.backend == BackendKind::CPU)
        throw Error("--device chooses a Vulkan device: use it with --backend vulkan or auto");
    return o;
}

GenerateParams generate_params(const QCommandLineParser& p) {
    GenerateParams g;
    g.max_tokens = int_option(p, "n-predict", -1, 1 << 20);
    g.sampling.temperature = static_cast<float>(float_option(p, "temp", 0.0, 100.0));
    g.sampling.top_k = int_option(p, "top-k", 0, 1 << 24);
    g.sampling.top_p = static_cast<float>(float_option(p, "top-p", 0.0, 1.0));
    g.sampling.min_p = static_cast<float>(float_option(p, "min-p", 0.0, 1.0));
    g.sampling.repeat_penalty = static_cast<float>(float_option(p, "repeat-penalty", 0.0, 100.0));
    bool ok = false;
    const long long seed = p.value("seed").toLongLong(&ok);
    if (!ok || seed < -1) throw Error("--seed must be -1 or a whole number >= 0, got '" + p.value("seed").toStdString() + "'");
    g.sampling.seed = seed >= 0 ? static_cast<uint64_t>(seed) : std::random_device{}();
    return g;
}

}  // namespace tern::cli
