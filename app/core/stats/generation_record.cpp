#include "stats/generation_record.h"

#include "models/model_registry.h"

namespace tern::app {

namespace {
std::optional<double> rate(double v) { return v > 0 ? std::optional<double>(v) : std::nullopt; }
}  // namespace

void GenerationRecord::setCounters(const tern::GenerationStats& s) {
    promptTokens = s.n_prompt;
    promptEvaluated = s.n_prompt_evaluated;
    generatedTokens = s.n_generated;
    ttftMs = s.ttft_ms;
    prefillMs = s.prefill_ms;
    decodeMs = s.decode_ms;
    prefillTps = rate(s.prefill_tps);
    decodeTps = rate(s.decode_tps);
    peakRssBytes = qint64(s.peak_rss_bytes);
    stopReason = QString::fromLatin1(tern::stop_reason_name(s.stop));
}

void GenerationRecord::setModel(const ModelInfo& m) {
    modelId = m.id;
    modelFile = m.path;
    modelType = m.type;
    architecture = m.architecture;
    paramsTotal = m.paramsTotal;
    paramsActive = m.paramsActive;
    weightBytes = m.weightBytes;
}

}  // namespace tern::app
