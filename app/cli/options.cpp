#include "command.h"

#include "tern/error.h"

#include <cstdio>
#include <string>

namespace tern::cli {

bool parse_or_throw(QCommandLineParser& p, const QStringList& args, const char* usage) {
    p.setApplicationDescription(usage);
    const QCommandLineOption help({"h", "help"}, "Show this help.");
    p.addOption(help);
    if (!p.parse(args)) throw Error(p.errorText().toStdString());
    if (p.isSet(help)) {
        std::fputs(qPrintable(p.helpText()), stdout);
        return false;
    }
    if (!p.positionalArguments().isEmpty())
        throw Error("unexpected argument '" + p.positionalArguments().first().toStdString() + "'");
    return true;
}

void add_model_options(QCommandLineParser& p) {
    p.addOption({{"m", "model"}, "GGUF model file.", "FILE"});
    p.addOption({"ctx", "Context size in tokens (default: the model's, at most 4096).", "N", "0"});
    p.addOption({"threads", "CPU threads (default: all).", "N", "0"});
}

void add_sampling_options(QCommandLineParser& p) {
    p.addOption({{"n", "n-predict"}, "Tokens to generate (-1: until end of text).", "N", "128"});
    p.addOption({"temp", "Temperature; 0 = greedy.", "T", "0.8"});
    p.addOption({"seed", "Random seed.", "S", "12648430"});
    p.addOption({"top-k", "Top-k (0 = off).", "K", "40"});
    p.addOption({"top-p", "Top-p (1 = off).", "P", "0.95"});
    p.addOption({"min-p", "Min-p (0 = off).", "P", "0.05"});
    p.addOption({"repeat-penalty", "Repetition penalty (1 = off).", "R", "1.0"});
}

int int_option(const QCommandLineParser& p, const QString& name, int lo, int hi) {
    bool ok = false;
    const long long v = p.value(name).toLongLong(&ok);
    if (!ok || v < lo || v > hi)
        throw Error("--" + name.toStdString() + " must be an integer in [" + std::to_string(lo) + ", " +
                    std::to_string(hi) + "], got '" + p.value(name).toStdString() + "'");
    return static_cast<int>(v);
}

double float_option(const QCommandLineParser& p, const QString& name, double lo, double hi) {
    bool ok = false;
    const double v = p.value(name).toDouble(&ok);
    if (!ok || !(v >= lo && v <= hi))
        throw Error("--" + name.toStdString() + " must be a number in [" + std::to_string(lo) + ", " +
                    std::to_string(hi) + "], got '" + p.value(name).toStdString() + "'");
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
    g.sampling.seed = p.value("seed").toULongLong(&ok);
    if (!ok) throw Error("--seed must be a non-negative integer");
    return g;
}

}  // namespace tern::cli
