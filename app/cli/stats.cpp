#include "command.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace tern::cli {

std::string stats_line(const GenerationStats& st) {
    // A rate that cannot be measured (one token, zero time) is shown as "-", never divided by 0.
    const auto rate = [](double v) {
        char b[32];
        if (v > 0) std::snprintf(b, sizeof b, "%.1f", v); else std::snprintf(b, sizeof b, "-");
        return std::string(b);
    };
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "prompt %d tokens (%d evaluated), prefill %s tokens/s | generated %d tokens, decode %s tokens/s | "
                  "time to first token %.1f ms | peak memory %.1f MiB | stop: %s",
                  st.n_prompt, st.n_prompt_evaluated, rate(st.prefill_tps).c_str(), st.n_generated,
                  rate(st.decode_tps).c_str(), st.ttft_ms, static_cast<double>(st.peak_rss_bytes) / (1024.0 * 1024.0),
                  stop_reason_name(st.stop));
    return buf;
}

std::string stats_json(const GenerationStats& st, const std::string& model) {
    QJsonObject o;
    o["model"] = QString::fromStdString(model);
    o["n_prompt"] = st.n_prompt;
    o["n_prompt_evaluated"] = st.n_prompt_evaluated;
    o["n_generated"] = st.n_generated;
    o["time_to_first_token_ms"] = st.ttft_ms;
    o["prefill_ms"] = st.prefill_ms;
    o["decode_ms"] = st.decode_ms;
    o["prefill_tokens_per_s"] = st.prefill_tps;
    o["decode_tokens_per_s"] = st.decode_tps;
    o["peak_rss_bytes"] = static_cast<double>(st.peak_rss_bytes);
    o["stop_reason"] = stop_reason_name(st.stop);
    return QJsonDocument(o).toJson(QJsonDocument::Indented).toStdString();
}

}  // namespace tern::cli
