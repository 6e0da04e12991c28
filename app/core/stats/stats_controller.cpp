#include "stats/stats_controller.h"

#include "chat/chat_controller.h"
#include "models/model_registry.h"
#include "settings/settings_controller.h"
#include "stats/stats_csv.h"
#include "store/chat_store.h"

#include <QSaveFile>
#include <QUrl>
#include <QVariantMap>

#include <algorithm>
#include <map>

namespace tern::app {

namespace {

QVariant orNone(const std::optional<double>& v) { return v ? *v : -1.0; }

QString writeFile(const QString& fileOrUrl, const QString& text) {
    const QUrl url(fileOrUrl);
    const QString path = url.isLocalFile() ? url.toLocalFile() : fileOrUrl;
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return QObject::tr("Cannot write %1").arg(path);
    f.write(text.toUtf8());
    if (!f.commit()) return QObject::tr("Cannot write %1 (is the disk full?)").arg(path);
    return {};
}

}  // namespace

StatsController::StatsController(ChatStore& store, ModelRegistry& models, SettingsController& settings,
                                 ChatController& chat, QObject* parent)
    : QObject(parent), store_(store), models_(models), chat_(chat), appSettings_(settings) {
    connect(&chat, &ChatController::generationRecorded, this, &StatsController::reload);
    connect(&models_, &ModelRegistry::countChanged, this, &StatsController::costChanged);
    connect(&runner_, &BenchmarkRunner::result, this, &StatsController::onResult);
    connect(&runner_, &BenchmarkRunner::progress, this, [this](double f, const QString& label) {
        progress_ = f;
        if (!label.isEmpty()) benchmarkStatus_ = tr("Running %1…").arg(label);
        emit benchmarkChanged();
    });
    connect(&runner_, &BenchmarkRunner::skipped, this,
            [this](const QString& label, const QString& reason) { skipped_ << tr("%1 skipped: %2").arg(label, reason); });
    connect(&runner_, &BenchmarkRunner::finished, this, [this](bool cancelled) {
        QString s = cancelled ? tr("Benchmark cancelled after %n run(s).", nullptr, results_)
                              : tr("Benchmark finished: %n run(s).", nullptr, results_);
        if (!skipped_.isEmpty()) s += QLatin1Char(' ') + skipped_.join(QLatin1Char(' '));
        benchmarkStatus_ = s;
        if (!cancelled) progress_ = 1.0;
        emit benchmarkChanged();
        emit benchmarkFinished(cancelled);
    });
    reload();
}

StatsController::~StatsController() = default;

void StatsController::reload() {
    try {
        records_ = store_.generations();
    } catch (const StoreError& e) {
        emit errorOccurred(QString::fromUtf8(e.what()));
    }
    emit recordsChanged();
    emit costChanged();
}

void StatsController::onResult(const GenerationRecord& r) {
    ++results_;
    try {
        store_.addGeneration(r);
    } catch (const StoreError& e) {
        emit errorOccurred(QString::fromUtf8(e.what()));
    }
    reload();
}

QList<ComparisonRow> StatsController::comparisonRows() const {
    QList<ComparisonRow> rows = compareRecords(records_);
    sortComparison(rows, sortColumn_, sortAscending_);
    return rows;
}

QVariantList StatsController::comparison() const {
    QVariantList out;
    for (const ComparisonRow& r : comparisonRows()) {
        QVariantMap m;
        m[QStringLiteral("modelId")] = r.modelId;
        m[QStringLiteral("backend")] = r.backend;
        m[QStringLiteral("device")] = r.device;
        m[QStringLiteral("modelType")] = r.modelType;
        m[QStringLiteral("runs")] = r.runs;
        m[QStringLiteral("medianDecodeTps")] = orNone(r.medianDecodeTps);
        m[QStringLiteral("bestDecodeTps")] = orNone(r.bestDecodeTps);
        m[QStringLiteral("medianPrefillTps")] = orNone(r.medianPrefillTps);
        m[QStringLiteral("bestPrefillTps")] = orNone(r.bestPrefillTps);
        m[QStringLiteral("medianTtftMs")] = orNone(r.medianTtftMs);
        m[QStringLiteral("peakRssBytes")] = double(r.peakRssBytes);
        m[QStringLiteral("weightBytes")] = double(r.weightBytes);
        m[QStringLiteral("decodeTpsPerGB")] = orNone(r.decodeTpsPerGB);
        out << m;
    }
    return out;
}

void StatsController::sortBy(const QString& column) {
    if (column == sortColumn_) {
        sortAscending_ = !sortAscending_;
    } else {
        sortColumn_ = column;
        // Names read A→Z; speeds best first; times and memory smallest first.
        sortAscending_ = column == QLatin1String("model") || column == QLatin1String("backend") ||
                         column == QLatin1String("ttft") || column == QLatin1String("peakMemory");
    }
    emit recordsChanged();
}

QVariantList StatsController::chartSeries() const {
    std::vector<std::pair<QString, QString>> order;
    std::map<std::pair<QString, QString>, std::pair<QVariantList, QVariantList>> points;
    for (const GenerationRecord& r : records_) {
        const auto key = std::make_pair(r.modelId, r.backend);
        if (!points.count(key)) order.push_back(key);
        auto& p = points[key];
        const double t = double(r.timestamp.toMSecsSinceEpoch());
        if (r.decodeTps) p.first << QVariantMap{{QStringLiteral("t"), t}, {QStringLiteral("v"), *r.decodeTps}};
        if (r.prefillTps) p.second << QVariantMap{{QStringLiteral("t"), t}, {QStringLiteral("v"), *r.prefillTps}};
    }
    QVariantList out;
    for (const auto& key : order) {
        const auto& p = points[key];
        out << QVariantMap{{QStringLiteral("label"), QStringLiteral("%1 · %2").arg(key.first, key.second)},
                           {QStringLiteral("modelId"), key.first},
                           {QStringLiteral("backend"), key.second},
                           {QStringLiteral("decode"), p.first},
                           {QStringLiteral("prefill"), p.second}};
    }
    return out;
}

double StatsController::chartStartMs() const {
    return records_.isEmpty() ? 0.0 : double(records_.front().timestamp.toMSecsSinceEpoch());
}

double StatsController::chartEndMs() const {
    return records_.isEmpty() ? 0.0 : double(records_.back().timestamp.toMSecsSinceEpoch());
}

double StatsController::chartMaxTps() const {
    double m = 0;
    for (const GenerationRecord& r : records_) {
        if (r.decodeTps) m = std::max(m, *r.decodeTps);
        if (r.prefillTps) m = std::max(m, *r.prefillTps);
    }
    return m;
}

QVariantList StatsController::costModels() const {
    std::map<QString, qint64> peak;
    for (const GenerationRecord& r : records_) peak[r.modelId] = std::max(peak[r.modelId], r.peakRssBytes);
    QVariantList out;
    for (const ModelInfo& m : models_.models()) {
        const auto it = peak.find(m.id);
        out << QVariantMap{{QStringLiteral("modelId"), m.id},
                           {QStringLiteral("name"), m.name},
                           {QStringLiteral("tensorType"), m.type},
                           {QStringLiteral("paramsTotal"), double(m.paramsTotal)},
                           {QStringLiteral("paramsActive"), double(m.paramsActive)},
                           {QStringLiteral("bitsPerWeight"), m.bitsPerWeight},
                           {QStringLiteral("bitsPerWeightByType"), m.bitsPerWeightByType},
                           {QStringLiteral("weightBytes"), double(m.weightBytes)},
                           {QStringLiteral("weightBytesPerToken"), double(m.weightBytesPerToken)},
                           {QStringLiteral("memoryBytes"), m.weightBytes > 0 ? double(m.weightBytes) : -1.0},
                           {QStringLiteral("measuredPeakRssBytes"),
                            it != peak.end() && it->second > 0 ? double(it->second) : -1.0}};
    }
    return out;
}

QVariantList StatsController::costPoints() const {
    QVariantList out;
    for (const ComparisonRow& r : compareRecords(records_)) {
        const ModelInfo* m = models_.find(r.modelId);
        if (!m || !r.medianDecodeTps) continue;
        out << QVariantMap{{QStringLiteral("label"), QStringLiteral("%1 · %2").arg(r.modelId, r.backend)},
                           {QStringLiteral("decodeTps"), *r.medianDecodeTps},
                           {QStringLiteral("weightBytesPerToken"), double(m->weightBytesPerToken)},
                           {QStringLiteral("paramsTotal"), double(m->paramsTotal)}};
    }
    return out;
}

void StatsController::setBenchmarkTokens(int n) {
    n = std::clamp(n, 2, 4096);
    if (n == settings_.tokens) return;
    settings_.tokens = n;
    emit benchmarkChanged();
}

bool StatsController::runBenchmark(const QStringList& modelIds, bool cpu, bool vulkan) {
    if (runner_.running()) return false;
    if (chat_.generating()) {
        benchmarkStatus_ = tr("An answer is being written: run the benchmark when it is finished.");
        emit benchmarkChanged();
        return false;
    }
    QList<BenchmarkJob> jobs;
    for (const QString& id : modelIds) {
        const ModelInfo* m = models_.find(id);
        if (!m) continue;
        if (cpu) jobs << BenchmarkJob{*m, tern::BackendKind::CPU};
        if (vulkan) jobs << BenchmarkJob{*m, tern::BackendKind::VULKAN};
    }
    if (jobs.isEmpty()) {
        benchmarkStatus_ = tr("Choose at least one installed model and one backend.");
        emit benchmarkChanged();
        return false;
    }
    settings_.threads = appSettings_.threads();
    skipped_.clear();
    results_ = 0;
    progress_ = 0;
    benchmarkStatus_ = tr("Starting…");
    const bool ok = runner_.start(jobs, settings_);
    emit benchmarkChanged();
    return ok;
}

void StatsController::cancelBenchmark() {
    if (!runner_.running()) return;
    runner_.cancel();
    benchmarkStatus_ = tr("Cancelling…");
    emit benchmarkChanged();
}

QString StatsController::exportComparisonCsv(const QString& fileOrUrl) const {
    return writeFile(fileOrUrl, comparisonToCsv(comparisonRows()));
}

QString StatsController::exportRecordsCsv(const QString& fileOrUrl) const {
    return writeFile(fileOrUrl, recordsToCsv(records_));
}

void StatsController::clearRecords() {
    try {
        store_.clearGenerations();
    } catch (const StoreError& e) {
        emit errorOccurred(QString::fromUtf8(e.what()));
    }
    reload();
}

}  // namespace tern::app
