// One generation as the Stats panel records it: a chat answer or a benchmark run, with the
// model, the backend that ran it, the settings and the engine's own counters
// (tern::GenerationStats). Stored in the chat database's `generations` table (schema v3).
#pragma once

#include "tern/session.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace tern::app {

struct ModelInfo;

struct GenerationRecord {
    qint64 id = 0;               // row id (0 until stored)
    QDateTime timestamp;         // UTC, when the generation finished
    QString kind;                // "chat" | "benchmark"
    // Model
    QString modelId, modelFile;  // id (file name) and absolute path
    QString modelType;           // main tensor type, e.g. "TQ2_0"
    QString architecture;        // e.g. "qwen3moe"
    qint64 paramsTotal = 0, paramsActive = 0;
    qint64 weightBytes = 0;      // tensor data in the file (tokens/s per GB of weights)
    // Backend and settings
    QString backend;             // backend kind: "cpu", "vulkan"
    QString device;              // what the session reported (Session::backend_description())
    int threads = 0;             // CPU threads asked for (0: all hardware threads)
    int contextSize = 0;         // the session's context positions
    // The engine's counters
    int promptTokens = 0;        // prompt tokens (n_prompt)
    int promptEvaluated = 0;     // of those, evaluated now (the rest came from the KV cache)
    int generatedTokens = 0;
    double ttftMs = 0;
    double prefillMs = 0, decodeMs = 0;  // wall times of the prompt evaluation and first→last token
    // Rates: nullopt when there is none (no prompt evaluated, fewer than two tokens, zero
    // time); shown as "–" and stored as NULL.
    std::optional<double> prefillTps, decodeTps;
    qint64 peakRssBytes = 0;
    QString stopReason;          // tern::stop_reason_name()

    // Fills the counters from the engine's stats (rates of 0 become nullopt).
    void setCounters(const tern::GenerationStats& s);
    // Fills the model fields from the registry's description.
    void setModel(const ModelInfo& m);
};

}  // namespace tern::app
