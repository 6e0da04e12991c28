// The Stats page's benchmark: the same fixed prompt and answer length on each chosen model ×
// backend, run on a worker thread (like GenerationWorker: queued calls in, queued signals out;
// cancel is an atomic flag the engine checks before every token). Each run becomes a
// GenerationRecord of kind "benchmark". A backend that cannot run here (no Vulkan device, no
// Vulkan in this build: the engine throws tern::Error when the session is created) is skipped
// and reported, never an error of the whole benchmark.
#pragma once

#include "models/model_registry.h"
#include "stats/generation_record.h"
#include "tern/session.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>

namespace tern::app {

struct BenchmarkJob {
    ModelInfo model;
    tern::BackendKind backend = tern::BackendKind::CPU;
};

struct BenchmarkSettings {
    // A fixed prompt, so runs on different days and models compare like with like.
    QString prompt = QStringLiteral(
        "Write a short story about a tern that crosses the ocean, and describe what it sees on the way.");
    int tokens = 64;       // answer length: greedy decoding, an end-of-text token does not end a run
    int threads = 0;       // CPU threads (0: all)
    int contextSize = 512; // context positions of the benchmark session, at least the prompt + tokens
};

// Lives in the runner's thread.
class BenchmarkWorker : public QObject {
    Q_OBJECT
public:
    explicit BenchmarkWorker(std::atomic<bool>& cancel) : cancel_(cancel) {}
public slots:
    void run(const QList<tern::app::BenchmarkJob>& jobs, const tern::app::BenchmarkSettings& settings);
signals:
    // fraction: 0..1 of the whole benchmark (jobs done plus tokens of the running one).
    void progress(double fraction, const QString& label);
    void result(const tern::app::GenerationRecord& record);
    void skipped(const QString& label, const QString& reason);
    void finished(bool cancelled);

private:
    std::atomic<bool>& cancel_;
};

class BenchmarkRunner : public QObject {
    Q_OBJECT
public:
    explicit BenchmarkRunner(QObject* parent = nullptr);
    ~BenchmarkRunner() override;  // cancels and waits for the running job

    // Starts the jobs in order; false (nothing started) when a benchmark is running or jobs is empty.
    bool start(const QList<BenchmarkJob>& jobs, const BenchmarkSettings& settings);
    // Thread-safe; takes effect within one decoded token. finished(true) follows.
    void cancel() { cancel_.store(true); }
    bool running() const { return running_; }

    static QString label(const BenchmarkJob& job);  // "model · backend"

signals:
    void progress(double fraction, const QString& label);
    void result(const tern::app::GenerationRecord& record);
    void skipped(const QString& label, const QString& reason);
    void finished(bool cancelled);

private:
    QThread thread_;
    BenchmarkWorker* worker_ = nullptr;
    std::atomic<bool> cancel_{false};
    bool running_ = false;
};

}  // namespace tern::app

Q_DECLARE_METATYPE(tern::app::BenchmarkJob)
Q_DECLARE_METATYPE(tern::app::BenchmarkSettings)
Q_DECLARE_METATYPE(tern::app::GenerationRecord)
