// tern-cli bench: prefill and decode speed like llama-bench, with the decode memory-bandwidth
// bound; `bench --memory` measures the machine's memory read bandwidth.
//
// Tests (as llama-bench's): ppN evaluates N prompt tokens in one batch from an empty KV cache;
// tgN evaluates N tokens one at a time from an empty KV cache. Each runs once to warm up (tg: one
// token), then -r times; t/s is the mean ± sample standard deviation of the runs' tokens/s.
// For tg, the effective bandwidth is Model::weight_bytes_per_token() × t/s and the bound ratio
// is that over the measured (or given) memory read bandwidth.
#include "command.h"
#include "membw.h"

#include "tern/error.h"
#include "tern/gguf.h"
#include "tern/model.h"
#include "tern/session.h"
#include "tern/tokenizer.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

namespace tern::cli {

namespace {

using Clock = std::chrono::steady_clock;

// The text both tests evaluate (tokenized, repeated as needed): fixed, so runs compare.
const char* kBenchText =
    "Once upon a time, in a small village at the edge of a great forest, there lived an old clockmaker "
    "who repaired every clock in the valley. Each morning he opened his shop, wound the tall clock by the "
    "door and listened to the ticking of a hundred gears, each one a little different from the others.";

struct Result {
    std::string test;   // "pp64", "tg32"
    int n_prompt = 0;
    int n_gen = 0;
    std::string time;   // ISO 8601 UTC of the first timed run
    std::vector<int64_t> samples_ns;
    std::vector<double> samples_ts;
    double avg_ns = 0, stddev_ns = 0, avg_ts = 0, stddev_ts = 0;
};

double mean(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return v.empty() ? 0 : s / static_cast<double>(v.size());
}

// Sample standard deviation (n − 1), 0 for fewer than two values: llama-bench's.
double stddev(const std::vector<double>& v) {
    if (v.size() < 2) return 0;
    const double m = mean(v);
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return std::sqrt(s / static_cast<double>(v.size() - 1));
}

void summarize(Result& r) {
    const int n_tokens = r.n_prompt + r.n_gen;
    std::vector<double> ns;
    for (int64_t x : r.samples_ns) {
        ns.push_back(static_cast<double>(x));
        r.samples_ts.push_back(x > 0 ? 1e9 * n_tokens / static_cast<double>(x) : 0.0);
    }
    r.avg_ns = mean(ns);
    r.stddev_ns = stddev(ns);
    r.avg_ts = mean(r.samples_ts);
    r.stddev_ts = stddev(r.samples_ts);
}

std::string cpu_model_name() {
    QFile f("/proc/cpuinfo");
    if (!f.open(QIODevice::ReadOnly)) return {};
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("model name")) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0) return line.mid(colon + 1).trimmed().toStdString();
        }
    return {};
}

int resolve_threads(int n) {
    return n > 0 ? n : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// v with `decimals` decimals, then `unit` ("12.34 MiB").
std::string fixed(double v, int decimals, const char* unit = "") {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f%s", decimals, v, unit);
    return b;
}

// llama-bench's size and params columns.
std::string size_label(uint64_t bytes) {
    const double b = static_cast<double>(bytes);
    return b < 1024.0 * 1024 * 1024 ? fixed(b / (1024.0 * 1024), 2, " MiB") : fixed(b / (1024.0 * 1024 * 1024), 2, " GiB");
}
std::string params_label(uint64_t n) {
    const double v = static_cast<double>(n);
    return v < 1e9 ? fixed(v / 1e6, 2, " M") : fixed(v / 1e9, 2, " B");
}

// The file's type as llama-bench names it: general.file_type (llama.cpp's llama_ftype) when it
// is one of ours — a "mostly TQ2_0" file whose Q8_0 embeddings outweigh its ternary matrices is
// still TQ2_0 — else the type holding the most matrix bytes.
std::string file_type_name(const Model& m) {
    if (auto ft = m.gguf().get_uint("general.file_type")) {
        switch (*ft) {
        case 0: return "F32";
        case 1: return "F16";
        case 2: return "Q4_0";
        case 7: return "Q8_0";
        case 32: return "BF16";
        case 36: return "TQ1_0";
        case 37: return "TQ2_0";
        case 40: return "I2_S";  // bitnet.cpp's MOSTLY_I2_S
        default: break;
        }
    }
    return m.main_type();
}

// "llama 1.1B MoE TQ2_0": architecture, size, MoE or not, file type.
std::string model_type(const Model& m) {
    const double n = static_cast<double>(m.n_params());
    const std::string size = n >= 1e9 ? fixed(n / 1e9, 1, "B") : n >= 1e6 ? fixed(n / 1e6, 0, "M") : fixed(n / 1e3, 0, "K");
    return m.hparams().arch + " " + size + (m.hparams().n_expert > 0 ? " MoE " : " ") + file_type_name(m);
}

std::vector<int32_t> bench_tokens(const Model& model, int n) {
    const Tokenizer& tok = model.tokenizer();
    std::vector<int32_t> ids = tok.encode(kBenchText, true);
    const std::vector<int32_t> more = tok.encode(kBenchText, false);
    while (static_cast<int>(ids.size()) < n && !more.empty()) ids.insert(ids.end(), more.begin(), more.end());
    if (ids.empty()) ids.push_back(0);
    while (static_cast<int>(ids.size()) < n) ids.push_back(ids.back());
    ids.resize(static_cast<size_t>(std::max(n, 1)));
    return ids;
}

// Columns in characters, not bytes ("±" is two bytes of UTF-8).
size_t display_width(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

void print_markdown(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right) {
    std::vector<size_t> w(rows[0].size(), 3);
    for (const auto& r : rows)
        for (size_t c = 0; c < r.size(); ++c) w[c] = std::max(w[c], display_width(r[c]));
    const auto line = [&](const std::vector<std::string>& r) {
        std::string s = "|";
        for (size_t c = 0; c < r.size(); ++c) {
            const std::string pad(w[c] - display_width(r[c]), ' ');
            s += " " + (right[c] ? pad + r[c] : r[c] + pad) + " |";
        }
        std::printf("%s\n", s.c_str());
    };
    line(rows[0]);
    std::string sep = "|";
    for (size_t c = 0; c < w.size(); ++c) sep += " " + std::string(w[c] - 1, '-') + (right[c] ? ":" : "-") + " |";
    std::printf("%s\n", sep.c_str());
    for (size_t i = 1; i < rows.size(); ++i) line(rows[i]);
}

int bench_memory(const QCommandLineParser& p, int threads, bool json) {
    const uint64_t mib = static_cast<uint64_t>(int_option(p, "buffer-mib", 16, 1 << 20));
    const MemoryBandwidth bw = measure_read_bandwidth(threads, mib << 20);
    if (json) {
        QJsonObject o;
        o["cpu_info"] = QString::fromStdString(cpu_model_name());
        o["n_threads"] = bw.n_threads;
        o["buffer_bytes"] = static_cast<qint64>(bw.buffer_bytes);
        o["runs"] = bw.runs;
        o["mem_bw_gbs"] = bw.gb_per_s;
        std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
    } else {
        std::printf("memory read bandwidth: %.2f GB/s (%d %s, %llu MiB buffer, best of %d runs)\n", bw.gb_per_s,
                    bw.n_threads, bw.n_threads == 1 ? "thread" : "threads",
                    static_cast<unsigned long long>(bw.buffer_bytes >> 20), bw.runs);
    }
    return 0;
}

// Everything the output needs.
struct Report {
    const Model& model;
    const Session& session;
    std::string path;
    int threads = 0;
    int n_batch = 0;
    std::string cpu_features;
    std::vector<Result> results;
    uint64_t peak_rss = 0;
    double mem_bw = 0;          // GB/s; 0: no comparison
    bool mem_bw_measured = false;

    std::string backend() const { return session.backend_kind() == BackendKind::VULKAN ? "Vulkan" : "CPU"; }
    // Decode's effective bandwidth in GB/s (weights read per token × t/s); prefill has none.
    double effective_bw(const Result& r) const {
        return static_cast<double>(model.weight_bytes_per_token()) * r.avg_ts / 1e9;
    }
};

void print_json(const Report& rep) {
    const Model& m = rep.model;
    QJsonArray arr;
    const QString cpu = QString::fromStdString(cpu_model_name());
    for (const Result& r : rep.results) {
        const bool tg = r.n_gen > 0;
        QJsonObject o;
        // llama-bench's fields
        o["build_commit"] = "";
        o["build_number"] = 0;
        o["cpu_info"] = cpu;
        o["gpu_info"] = "";
        o["backends"] = QString::fromStdString(rep.backend());
        o["model_filename"] = QString::fromStdString(rep.path);
        o["model_type"] = QString::fromStdString(model_type(m));
        o["model_size"] = static_cast<qint64>(m.weight_bytes());
        o["model_n_params"] = static_cast<qint64>(m.n_params());
        o["n_batch"] = rep.n_batch;
        o["n_ubatch"] = rep.n_batch;
        o["n_threads"] = rep.threads;
        o["type_k"] = kv_cache_type_name(rep.session.kv_cache_type());  // --cache-type (llama-bench's -ctk/-ctv)
        o["type_v"] = kv_cache_type_name(rep.session.kv_cache_type());
        o["n_prompt"] = r.n_prompt;
        o["n_gen"] = r.n_gen;
        o["n_depth"] = 0;
        o["test_time"] = QString::fromStdString(r.time);
        o["avg_ns"] = static_cast<qint64>(std::llround(r.avg_ns));
        o["stddev_ns"] = static_cast<qint64>(std::llround(r.stddev_ns));
        o["avg_ts"] = r.avg_ts;
        o["stddev_ts"] = r.stddev_ts;
        QJsonArray ns, ts;
        for (int64_t x : r.samples_ns) ns.append(static_cast<qint64>(x));
        for (double x : r.samples_ts) ts.append(x);
        o["samples_ns"] = ns;
        o["samples_ts"] = ts;
        // ours
        o["tern_version"] = TERN_VERSION;
        o["cpu_features"] = QString::fromStdString(rep.cpu_features);
        o["backend_description"] = QString::fromStdString(rep.session.backend_description());
        o["weight_bytes_per_token"] = static_cast<qint64>(m.weight_bytes_per_token());
        o["effective_bw_gbs"] = tg ? QJsonValue(rep.effective_bw(r)) : QJsonValue();
        o["mem_bw_gbs"] = rep.mem_bw > 0 ? QJsonValue(rep.mem_bw) : QJsonValue();
        o["mem_bw_bound_ratio"] = tg && rep.mem_bw > 0 ? QJsonValue(rep.effective_bw(r) / rep.mem_bw) : QJsonValue();
        o["kv_cache_bytes"] = static_cast<qint64>(rep.session.kv_cache_bytes());
        o["converted_bytes"] = static_cast<qint64>(m.converted_bytes());  // TQ1_0 repacked, I2_S converted
        o["peak_rss_bytes"] = static_cast<qint64>(rep.peak_rss);
        arr.append(o);
    }
    std::fputs(QJsonDocument(arr).toJson(QJsonDocument::Indented).constData(), stdout);
}

void print_table(const Report& rep) {
    const Model& m = rep.model;
    std::vector<std::vector<std::string>> rows{
        {"model", "size", "params", "backend", "threads", "test", "t/s", "GB/s", "% of bound"}};
    for (const Result& r : rep.results) {
        const bool tg = r.n_gen > 0;
        rows.push_back({model_type(m), size_label(m.weight_bytes()), params_label(m.n_params()), rep.backend(),
                        std::to_string(rep.threads), r.test, fixed(r.avg_ts, 2) + " ± " + fixed(r.stddev_ts, 2),
                        tg ? fixed(rep.effective_bw(r), 2) : "",
                        tg && rep.mem_bw > 0 ? fixed(100 * rep.effective_bw(r) / rep.mem_bw, 1, " %") : ""});
    }
    print_markdown(rows, {false, true, true, false, true, true, true, true, true});
    std::string bw = "not compared";
    if (rep.mem_bw > 0)
        bw = fixed(rep.mem_bw, 2, " GB/s") +
             (rep.mem_bw_measured ? " (measured with " + std::to_string(rep.threads) + (rep.threads == 1 ? " thread)" : " threads)") : " (given)");
    const uint64_t kv = rep.session.kv_cache_bytes();
    const std::string kv_size = kv < (1u << 20) ? fixed(static_cast<double>(kv) / 1024.0, 1, " KiB") : size_label(kv);
    std::string converted;
    if (m.converted_bytes() > 0)
        converted = " | converted at load: " + size_label(m.converted_bytes()) +
                    " (" + converted_what(m) + ")";
    std::printf("\nbackend: %s | weights read per decoded token: %.1f MB | memory read bandwidth: %s | KV cache: %s, "
                "%s | peak RSS: %.1f MiB%s\n",
                rep.session.backend_description().c_str(), static_cast<double>(m.weight_bytes_per_token()) / 1e6,
                bw.c_str(), kv_cache_type_name(rep.session.kv_cache_type()), kv_size.c_str(),
                static_cast<double>(rep.peak_rss) / (1024.0 * 1024.0), converted.c_str());
}

}  // namespace

int cmd_bench(const QStringList& args) {
    QCommandLineParser p;
    p.addOption({{"m", "model"}, "GGUF model file.", "FILE"});
    p.addOption({{"p", "n-prompt"}, "Prompt tokens of the prefill test ppN; 0 = no prefill test (default 64).", "N", "64"});
    p.addOption({{"n", "n-gen"}, "Tokens of the decode test tgN; 0 = no decode test (default 32).", "N", "32"});
    p.addOption({{"r", "repetitions"}, "Timed runs of each test, after one warm-up (default 3).", "N", "3"});
    p.addOption({{"t", "threads"}, "CPU threads (default: all).", "N", "0"});
    p.addOption({"backend", "cpu, vulkan or auto (default auto).", "NAME", "auto"});
    p.addOption({"device", "Vulkan device index; -1 = the best (default -1).", "N", "-1"});
    p.addOption({"cpu-features", "CPU kernel set: scalar, avx2, avx512 (x86-64) or neon (aarch64) (default: the best the CPU has).", "SET"});
    add_cache_type_option(p);
    add_repack_option(p);
    p.addOption({"mem-bw",
                 "Memory read bandwidth in GB/s to compare decode with, instead of measuring it after the tests; "
                 "0 = no comparison.",
                 "GBS"});
    p.addOption({"memory", "Only measure the memory read bandwidth (streaming read, best of 5 runs)."});
    p.addOption({"buffer-mib", "Buffer size of --memory and of the bandwidth measurement in MiB (default 512).", "N",
                 "512"});
    p.addOption({"json", "Print a JSON array of results (llama-bench's field names) instead of a table."});
    if (!parse_or_throw(p, args,
                        "Measure prefill (pp) and decode (tg) tokens/s like llama-bench, and decode's share of the "
                        "memory bandwidth bound."))
        return 0;
    const int threads = resolve_threads(int_option(p, "threads", 0, 1024));
    const bool json = p.isSet("json");
    if (p.isSet("memory")) {
        if (p.isSet("model")) throw Error("--memory measures the machine, not a model: leave out -m");
        return bench_memory(p, threads, json);
    }

    const int n_prompt = int_option(p, "n-prompt", 0, 1 << 16);
    const int n_gen = int_option(p, "n-gen", 0, 1 << 16);
    const int reps = int_option(p, "repetitions", 1, 1000);
    if (n_prompt == 0 && n_gen == 0) throw Error("nothing to measure: -p and -n are both 0");
    double given_bw = -1;  // < 0: measure
    if (p.isSet("mem-bw")) given_bw = float_option(p, "mem-bw", 0.0, 1e6);
    SessionOptions so;
    so.n_threads = threads;
    if (!parse_backend_kind(p.value("backend").toStdString(), so.backend))
        throw Error("--backend must be cpu, vulkan or auto, got '" + p.value("backend").toStdString() + "'");
    so.device = int_option(p, "device", -1, 1024);
    so.cpu_features = p.value("cpu-features").toStdString();
    so.kv_cache_type = cache_type_option(p);
    so.n_batch = std::max(n_prompt, 1);  // the prompt in one batch
    so.n_ctx = std::max({n_prompt, n_gen, 1});

    const std::string path = model_path(p);
    auto model = Model::load(path, load_options(p));
    Session session(*model, so);
    const std::vector<int32_t> prompt = bench_tokens(*model, std::max(n_prompt, n_gen));

    const auto time_pp = [&] {
        session.truncate(0);
        const auto t0 = Clock::now();
        session.eval(std::span<const int32_t>(prompt.data(), static_cast<size_t>(n_prompt)));
        return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
    };
    const auto time_tg = [&](int n) {
        session.truncate(0);
        const auto t0 = Clock::now();
        for (int i = 0; i < n; ++i) session.eval(std::span<const int32_t>(&prompt[static_cast<size_t>(i)], 1));
        return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
    };
    std::vector<Result> results;
    const auto run = [&](const std::string& name, int np, int ng, auto&& timed, auto&& warm) {
        Result r;
        r.test = name;
        r.n_prompt = np;
        r.n_gen = ng;
        warm();
        r.time = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toStdString();
        for (int i = 0; i < reps; ++i) {
            r.samples_ns.push_back(timed());
            std::fprintf(stderr, "%s run %d/%d: %.2f t/s\n", name.c_str(), i + 1, reps,
                         1e9 * (np + ng) / static_cast<double>(std::max<int64_t>(r.samples_ns.back(), 1)));
        }
        summarize(r);
        results.push_back(std::move(r));
    };
    if (n_prompt > 0) run("pp" + std::to_string(n_prompt), n_prompt, 0, time_pp, time_pp);
    if (n_gen > 0) run("tg" + std::to_string(n_gen), 0, n_gen, [&] { return time_tg(n_gen); }, [&] { return time_tg(1); });
    // The CPU kernel set in use (as asked, or the best this CPU runs); none for a GPU backend.
    const std::string kernel_set = session.backend_kind() == BackendKind::CPU ? cpu_kernel_set(so.cpu_features) : so.cpu_features;
    Report rep{*model, session, path, threads, so.n_batch, kernel_set, std::move(results)};
    rep.peak_rss = peak_rss_bytes();  // before the bandwidth buffer exists
    rep.mem_bw = given_bw >= 0 ? given_bw
                               : measure_read_bandwidth(threads, static_cast<uint64_t>(int_option(p, "buffer-mib", 16, 1 << 20)) << 20)
                                     .gb_per_s;
    rep.mem_bw_measured = given_bw < 0;
    if (json) print_json(rep);
    else print_table(rep);
    return 0;
}

}  // namespace tern::cli
