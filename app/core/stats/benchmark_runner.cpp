#include "stats/benchmark_runner.h"

#include "tern/model.h"

#include <QDateTime>
#include <QElapsedTimer>

#include <algorithm>
#include <exception>
#include <memory>

namespace tern::app {

void BenchmarkWorker::run(const QList<BenchmarkJob>& jobs, const BenchmarkSettings& settings) {
    const int total = int(jobs.size());
    std::unique_ptr<tern::Model> model;
    QString loadedPath;
    for (int j = 0; j < total && !cancel_.load(); ++j) {
        const BenchmarkJob& job = jobs[j];
        const QString label = BenchmarkRunner::label(job);
        emit progress(double(j) / total, label);
        try {
            if (!model || loadedPath != job.model.path) {
                model.reset();
                model = tern::Model::load(job.model.path.toStdString());
                loadedPath = job.model.path;
            }
        } catch (const std::exception& e) {
            emit skipped(label, QString::fromUtf8(e.what()));
            continue;
        }
        tern::SessionOptions o;
        o.backend = job.backend;
        o.n_threads = settings.threads;
        o.n_ctx = std::max(settings.contextSize, settings.tokens + 256);  // the fixed prompt is far shorter than 256
        std::unique_ptr<tern::Session> session;
        try {
            session = std::make_unique<tern::Session>(*model, o);
        } catch (const std::exception& e) {  // tern::Error: e.g. no usable Vulkan device
            emit skipped(label, QString::fromUtf8(e.what()));
            continue;
        }
        tern::GenerateParams params;
        params.max_tokens = settings.tokens;
        params.ignore_eos = true;  // every run decodes the same number of tokens
        params.sampling.temperature = 0.0f;  // greedy: the same tokens every run
        int done = 0;
        QElapsedTimer sinceEmit;
        sinceEmit.start();
        try {
            const tern::GenerationStats st = session->generate(
                settings.prompt.toStdString(), params,
                [&](int32_t, std::string_view) {
                    ++done;
                    if (sinceEmit.elapsed() >= 50 && settings.tokens > 0) {
                        emit progress((j + double(done) / settings.tokens) / total, label);
                        sinceEmit.restart();
                    }
                },
                &cancel_);
            if (st.stop == tern::StopReason::CANCELLED) break;
            GenerationRecord r;
            r.timestamp = QDateTime::currentDateTimeUtc();
            r.kind = QStringLiteral("benchmark");
            r.setModel(job.model);
            r.backend = QString::fromLatin1(tern::backend_kind_name(session->backend_kind()));
            r.device = QString::fromStdString(session->backend_description());
            r.threads = settings.threads;
            r.contextSize = session->n_ctx();
            r.setCounters(st);
            emit result(r);
        } catch (const std::exception& e) {
            emit skipped(label, QString::fromUtf8(e.what()));
        }
    }
    const bool cancelled = cancel_.load();
    if (!cancelled) emit progress(1.0, QString());
    emit finished(cancelled);
}

BenchmarkRunner::BenchmarkRunner(QObject* parent) : QObject(parent) {
    qRegisterMetaType<BenchmarkJob>();
    qRegisterMetaType<BenchmarkSettings>();
    qRegisterMetaType<GenerationRecord>();
    worker_ = new BenchmarkWorker(cancel_);
    worker_->moveToThread(&thread_);
    connect(worker_, &BenchmarkWorker::progress, this, &BenchmarkRunner::progress);
    connect(worker_, &BenchmarkWorker::result, this, &BenchmarkRunner::result);
    connect(worker_, &BenchmarkWorker::skipped, this, &BenchmarkRunner::skipped);
    connect(worker_, &BenchmarkWorker::finished, this, [this](bool cancelled) {
        running_ = false;
        emit finished(cancelled);
    });
    thread_.setObjectName(QStringLiteral("tern-benchmark"));
    thread_.start();
}

BenchmarkRunner::~BenchmarkRunner() {
    cancel_.store(true);
    thread_.quit();
    thread_.wait();
    delete worker_;
}

bool BenchmarkRunner::start(const QList<BenchmarkJob>& jobs, const BenchmarkSettings& settings) {
    if (running_ || jobs.isEmpty()) return false;
    running_ = true;
    cancel_.store(false);
    BenchmarkWorker* w = worker_;
    QMetaObject::invokeMethod(w, [w, jobs, settings] { w->run(jobs, settings); }, Qt::QueuedConnection);
    return true;
}

QString BenchmarkRunner::label(const BenchmarkJob& job) {
    return QStringLiteral("%1 · %2").arg(job.model.name, QString::fromLatin1(tern::backend_kind_name(job.backend)));
}

}  // namespace tern::app
