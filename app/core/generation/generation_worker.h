// Runs the engine off the GUI thread. A GenerationWorker lives in its own QThread: model loads
// and generations arrive as queued calls and run there; tokens, results and errors go back as
// queued signals. Stop is the one call made from another thread: it sets an atomic flag the
// engine checks before every token, so it takes effect within one decoded token.
#pragma once

#include "tern/chat.h"
#include "tern/session.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace tern {
class Model;
}

namespace tern::app {

struct GenerationRequest {
    quint64 id = 0;              // unique per request; results carry it back
    std::vector<tern::ChatMessage> messages;   // the conversation so far, newest last
    tern::ChatFamily family = tern::ChatFamily::COMPLETION;  // how it becomes a prompt
    tern::GenerateParams params;
};

struct GenerationResult {
    quint64 id = 0;
    QString text;                // the whole answer
    tern::GenerationStats stats;
    bool stopped = false;        // ended by stop()
    // What ran it (for the generation records): the backend kind ("cpu", "vulkan"), the
    // session's own description (Session::backend_description()), the CPU threads asked for
    // (0: all) and the session's context size.
    QString backend, device;
    int threads = 0, contextSize = 0;
};

class GenerationWorker : public QObject {
    Q_OBJECT
public:
    GenerationWorker();
    ~GenerationWorker() override;

    // Thread-safe: stops the running request and any queued request with an id <= upTo.
    void stop(quint64 upTo);

public slots:
    // Loads a model (replacing the current one). nCtx/nThreads: 0 = defaults. backend: "cpu",
    // "vulkan" or "auto", device: Vulkan device index (-1: the best). When Vulkan was asked for
    // and cannot run the model, the CPU runs it and backendReady's notice says why.
    // kvCacheType: "f32" or "f16" (SessionOptions::kv_cache_type; anything else: f32).
    void loadModel(const QString& path, int nCtx, int nThreads, const QString& backend = QStringLiteral("cpu"),
                   int device = -1, const QString& kvCacheType = QStringLiteral("f32"));
    void generate(const tern::app::GenerationRequest& request);

signals:
    void modelLoaded(const QString& path, const QString& error);  // error empty on success
    // Before modelLoaded on success: what runs the model (Session::backend_description) and, when
    // it is not what was asked for, a notice such as "Vulkan unavailable: … — running on the CPU".
    void backendReady(const QString& description, const QString& notice);
    // New text of the answer: the pieces of `tokens` tokens, sent at most every ~30 ms so a fast
    // model cannot flood the GUI thread with one event per token.
    void token(quint64 requestId, const QString& text, int tokens);
    void finished(const tern::app::GenerationResult& result);
    void failed(quint64 requestId, const QString& error);

private:
    std::unique_ptr<tern::Model> model_;
    std::unique_ptr<tern::Session> session_;
    int threads_ = 0;
    std::atomic<quint64> stopUpTo_{0};
    std::atomic<bool> cancel_{false};
    std::atomic<quint64> running_{0};
};

}  // namespace tern::app

Q_DECLARE_METATYPE(tern::app::GenerationRequest)
Q_DECLARE_METATYPE(tern::app::GenerationResult)
