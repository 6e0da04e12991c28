// The Stats page's logic, exposed to QML as `stats`: the stored generation records, the
// model × backend comparison (sortable), the data of the charts, the cost view of the
// installed models, the benchmark (BenchmarkRunner) and the CSV exports. Records come from
// ChatController (one per finished answer) and from the benchmark; both go through the store.
#pragma once

#include "stats/benchmark_runner.h"
#include "stats/generation_record.h"
#include "stats/stats_aggregate.h"

#include <QObject>
#include <QStringList>
#include <QVariantList>

namespace tern::app {

class ChatController;
class ChatStore;
class ModelRegistry;
class SettingsController;

class StatsController : public QObject {
    Q_OBJECT
    Q_PROPERTY(int recordCount READ recordCount NOTIFY recordsChanged)
    // Rows of the comparison table as maps: modelId, backend, device, modelType, runs, and
    // medianDecodeTps, bestDecodeTps, medianPrefillTps, bestPrefillTps, medianTtftMs,
    // peakRssBytes, weightBytes, decodeTpsPerGB (-1 where there is no value).
    Q_PROPERTY(QVariantList comparison READ comparison NOTIFY recordsChanged)
    Q_PROPERTY(QString sortColumn READ sortColumn NOTIFY recordsChanged)
    Q_PROPERTY(bool sortAscending READ sortAscending NOTIFY recordsChanged)
    // One entry per model × backend: {label, modelId, backend, decode: [{t, v}], prefill: [{t, v}]}
    // (t: ms since the epoch, v: tokens/s), oldest first.
    Q_PROPERTY(QVariantList chartSeries READ chartSeries NOTIFY recordsChanged)
    Q_PROPERTY(double chartStartMs READ chartStartMs NOTIFY recordsChanged)
    Q_PROPERTY(double chartEndMs READ chartEndMs NOTIFY recordsChanged)
    Q_PROPERTY(double chartMaxTps READ chartMaxTps NOTIFY recordsChanged)
    // Installed models with their cost figures: {modelId, name, paramsTotal, paramsActive,
    // bitsPerWeight, bitsPerWeightByType, weightBytes, weightBytesPerToken, memoryBytes
    // (weights in memory; -1 unknown), measuredPeakRssBytes (-1: never run)}.
    Q_PROPERTY(QVariantList costModels READ costModels NOTIFY costChanged)
    // Scatter points: one per comparison row with a decode rate whose model is known:
    // {label, decodeTps, weightBytesPerToken, paramsTotal}.
    Q_PROPERTY(QVariantList costPoints READ costPoints NOTIFY costChanged)
    Q_PROPERTY(bool benchmarkRunning READ benchmarkRunning NOTIFY benchmarkChanged)
    Q_PROPERTY(double benchmarkProgress READ benchmarkProgress NOTIFY benchmarkChanged)
    Q_PROPERTY(QString benchmarkStatus READ benchmarkStatus NOTIFY benchmarkChanged)
    Q_PROPERTY(int benchmarkTokens READ benchmarkTokens WRITE setBenchmarkTokens NOTIFY benchmarkChanged)
public:
    StatsController(ChatStore& store, ModelRegistry& models, SettingsController& settings, ChatController& chat,
                    QObject* parent = nullptr);
    ~StatsController() override;

    int recordCount() const { return int(records_.size()); }
    const QList<GenerationRecord>& records() const { return records_; }
    QList<ComparisonRow> comparisonRows() const;  // sorted as the table shows them
    QVariantList comparison() const;
    QString sortColumn() const { return sortColumn_; }
    bool sortAscending() const { return sortAscending_; }
    QVariantList chartSeries() const;
    double chartStartMs() const;
    double chartEndMs() const;
    double chartMaxTps() const;
    QVariantList costModels() const;
    QVariantList costPoints() const;
    bool benchmarkRunning() const { return runner_.running(); }
    double benchmarkProgress() const { return progress_; }
    QString benchmarkStatus() const { return benchmarkStatus_; }
    int benchmarkTokens() const { return settings_.tokens; }
    void setBenchmarkTokens(int n);
    BenchmarkSettings& benchmarkSettings() { return settings_; }

    // Rereads the records from the store.
    Q_INVOKABLE void reload();
    // Sorts the table by a column (see sortComparison); the same column again flips the order.
    Q_INVOKABLE void sortBy(const QString& column);
    // Runs the benchmark on the given installed models, on the CPU and/or Vulkan. Returns false
    // (and says why in benchmarkStatus) when nothing can start: no model or backend chosen, a
    // benchmark already running, or a chat answer being generated (it would share the cores and
    // skew both).
    Q_INVOKABLE bool runBenchmark(const QStringList& modelIds, bool cpu, bool vulkan);
    Q_INVOKABLE void cancelBenchmark();
    // Writes the comparison table / the raw records as CSV; returns "" or the error to show.
    Q_INVOKABLE QString exportComparisonCsv(const QString& fileOrUrl) const;
    Q_INVOKABLE QString exportRecordsCsv(const QString& fileOrUrl) const;
    // Deletes every record (after the UI asked).
    Q_INVOKABLE void clearRecords();

signals:
    void recordsChanged();
    void costChanged();
    void benchmarkChanged();
    void benchmarkFinished(bool cancelled);
    void errorOccurred(const QString& message);

private:
    void onResult(const GenerationRecord& r);

    ChatStore& store_;
    ModelRegistry& models_;
    ChatController& chat_;
    QList<GenerationRecord> records_;
    QString sortColumn_ = QStringLiteral("medianDecode");
    bool sortAscending_ = false;
    BenchmarkRunner runner_;
    BenchmarkSettings settings_;
    SettingsController& appSettings_;
    double progress_ = 0;
    QString benchmarkStatus_;
    QStringList skipped_;
    int results_ = 0;
};

}  // namespace tern::app
