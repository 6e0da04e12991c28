#include "generation/generation_worker.h"

#include "tern/error.h"
#include "tern/model.h"
#include "tern/tokenizer.h"

#include <QElapsedTimer>

#include <exception>

namespace tern::app {

GenerationWorker::GenerationWorker() {
    qRegisterMetaType<GenerationRequest>();
    qRegisterMetaType<GenerationResult>();
}

GenerationWorker::~GenerationWorker() = default;

void GenerationWorker::stop(quint64 upTo) {
    quint64 cur = stopUpTo_.load();
    while (cur < upTo && !stopUpTo_.compare_exchange_weak(cur, upTo)) {
    }
    const quint64 running = running_.load();
    if (running != 0 && running <= upTo) cancel_.store(true);
}

void GenerationWorker::loadModel(const QString& path, int nCtx, int nThreads, const QString& backend, int device,
                                 const QString& kvCacheType) {
    session_.reset();
    model_.reset();
    try {
        model_ = tern::Model::load(path.toStdString());
        tern::SessionOptions o;
        o.n_ctx = nCtx;
        o.n_threads = nThreads;
        threads_ = nThreads;
        o.device = device;
        if (!tern::parse_kv_cache_type(kvCacheType.toStdString(), o.kv_cache_type)) o.kv_cache_type = tern::Type::F32;
        if (!tern::parse_backend_kind(backend.toStdString(), o.backend)) o.backend = tern::BackendKind::CPU;
        QString notice;
        try {
            session_ = std::make_unique<tern::Session>(*model_, o);
        } catch (const tern::Error& e) {
            if (o.backend == tern::BackendKind::CPU) throw;
            // No usable Vulkan device (no loader or driver, not enough memory, …): the CPU runs it.
            // The session's message already starts with "Vulkan unavailable: ".
            notice = tr("%1 — running on the CPU.").arg(QString::fromUtf8(e.what()));
            o.backend = tern::BackendKind::CPU;
            session_ = std::make_unique<tern::Session>(*model_, o);
        }
        emit backendReady(QString::fromStdString(session_->backend_description()), notice);
        emit modelLoaded(path, QString());
    } catch (const std::exception& e) {
        session_.reset();
        model_.reset();
        emit modelLoaded(path, QString::fromUtf8(e.what()));
    }
}

void GenerationWorker::generate(const GenerationRequest& request) {
    if (!session_) {
        emit failed(request.id, tr("No model is loaded."));
        return;
    }
    running_.store(request.id);
    cancel_.store(stopUpTo_.load() >= request.id);
    GenerationResult result;
    result.id = request.id;
    result.backend = QString::fromLatin1(tern::backend_kind_name(session_->backend_kind()));
    result.device = QString::fromStdString(session_->backend_description());
    result.threads = threads_;
    result.contextSize = session_->n_ctx();
    try {
        // A conversation longer than the context keeps its most recent part.
        const int32_t reserve = request.params.max_tokens > 0 ? request.params.max_tokens : session_->n_ctx() / 4;
        const std::vector<int32_t> prompt =
            tern::encode_chat_to_fit(model_->tokenizer(), request.messages, request.family, session_->n_ctx(), reserve);
        std::string text, pending;
        int pendingTokens = 0;
        QElapsedTimer sinceEmit;
        sinceEmit.start();
        const auto flush = [&] {
            if (pendingTokens == 0 && pending.empty()) return;
            emit token(request.id, QString::fromStdString(pending), pendingTokens);
            pending.clear();
            pendingTokens = 0;
            sinceEmit.restart();
        };
        result.stats = session_->generate(prompt, request.params,
                                          [&](int32_t, std::string_view piece) {
                                              text += piece;
                                              pending += piece;
                                              ++pendingTokens;
                                              if (sinceEmit.elapsed() >= 30) flush();
                                          },
                                          &cancel_);
        flush();
        result.text = QString::fromStdString(text);
        result.stopped = result.stats.stop == tern::StopReason::CANCELLED;
        running_.store(0);
        emit finished(result);
    } catch (const std::exception& e) {
        running_.store(0);
        emit failed(request.id, QString::fromUtf8(e.what()));
    }
}

}  // namespace tern::app
