#include "chat/chat_controller.h"

#include "models/model_registry.h"
#include "settings/settings_controller.h"
#include "store/chat_store.h"
#include "tern/chat.h"

#include <QDateTime>
#include <QSaveFile>
#include <QUrl>

#include <limits>

namespace tern::app {

namespace {

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

QString titleFrom(const QString& text) {
    QString t = text.simplified();
    if (t.size() > 40) t = t.left(40).trimmed() + QStringLiteral("…");
    return t.isEmpty() ? QObject::tr("New chat") : t;
}

}  // namespace

ChatController::ChatController(ChatStore& store, ModelRegistry& models, SettingsController& settings, QObject* parent)
    : QObject(parent), store_(store), models_(models), settings_(settings), conversations_(this), messages_(this) {
    worker_ = new GenerationWorker;
    worker_->moveToThread(&thread_);
    connect(worker_, &GenerationWorker::token, this, &ChatController::onToken);
    connect(worker_, &GenerationWorker::finished, this, &ChatController::onFinished);
    connect(worker_, &GenerationWorker::failed, this, &ChatController::onFailed);
    connect(worker_, &GenerationWorker::backendReady, this, [this](const QString& description, const QString& notice) {
        backend_ = description;
        backendNotice_ = notice;
    });
    connect(worker_, &GenerationWorker::modelLoaded, this, &ChatController::onModelLoaded);
    connect(&settings_, &SettingsController::engineSettingsChanged, this, &ChatController::reloadModel);
    // A chat template override can switch the current model between chat and completion mode.
    connect(&settings_, &SettingsController::changed, this, [this] {
        if (completionMode() != shownCompletionMode_) emit modelChanged();
    });
    connect(this, &ChatController::modelChanged, this, [this] { shownCompletionMode_ = completionMode(); });
    thread_.setObjectName(QStringLiteral("tern-generation"));
    thread_.start();
    refreshConversations();
}

ChatController::~ChatController() {
    worker_->stop(std::numeric_limits<quint64>::max());
    thread_.quit();
    thread_.wait();
    delete worker_;
    // Answers cut short by quitting keep the text that had arrived, marked as interrupted.
    for (const Inflight& f : std::as_const(inflight_)) {
        try {
            if (store_.message(f.messageId)) store_.finishMessage(f.messageId, f.text, QStringLiteral("interrupted"), {});
        } catch (const StoreError&) {
        }
    }
}

QString ChatController::currentTitle() const {
    if (current_ == 0) return tr("New chat");
    const auto c = store_.conversation(current_);
    return c ? c->title : QString();
}

QString ChatController::modelName() const {
    const ModelInfo* m = models_.find(modelId_);
    return m ? m->name : QString();
}

bool ChatController::completionMode() const {
    const ModelInfo* m = models_.find(modelId_);
    return !m || settings_.chatFamily(*m) == tern::ChatFamily::COMPLETION;
}

void ChatController::setStatus(const QString& s) {
    if (s == status_) return;
    status_ = s;
    emit statusChanged();
}

void ChatController::selectModel(const QString& id) {
    const ModelInfo* m = models_.find(id);
    if (!m) {
        setStatus(tr("Model %1 is not installed.").arg(id));
        return;
    }
    if (generating()) stop();
    modelId_ = id;
    modelReady_ = false;
    modelLoading_ = true;
    settings_.setModel(m);
    store_.setSetting(QStringLiteral("selectedModel"), id);
    emit modelChanged();
    setStatus(tr("Loading %1…").arg(m->name));
    const QString path = m->path;
    const int ctx = settings_.effectiveContextSize(), threads = settings_.threads(), device = settings_.device();
    const QString backend = settings_.backend(), kvCacheType = settings_.kvCacheType();
    GenerationWorker* w = worker_;
    QMetaObject::invokeMethod(
        w, [w, path, ctx, threads, backend, device, kvCacheType] { w->loadModel(path, ctx, threads, backend, device, kvCacheType); },
        Qt::QueuedConnection);
}

QString ChatController::deleteModel(const QString& id) {
    if (id == modelId_) return tr("%1 is in use: choose another model first.").arg(id);
    return models_.deleteModel(id);
}

void ChatController::reloadModel() {
    if (!modelId_.isEmpty()) selectModel(modelId_);
}

void ChatController::onModelLoaded(const QString& path, const QString& error) {
    const ModelInfo* m = models_.find(modelId_);
    if (!m || m->path != path) return;  // a newer selection is on its way
    modelReady_ = error.isEmpty();
    modelLoading_ = false;
    setStatus(error);
    if (error.isEmpty()) {
        QStringList notes;
        if (!backendNotice_.isEmpty()) notes << backendNotice_;
        if (m->chatFamilyGuessed && !settings_.chatFamilyOverridden(*m))
            notes << tr("%1 has a chat template Tern does not recognise; its conversations use the %2 format.")
                         .arg(m->name, QString::fromLatin1(tern::chat_family_name(m->chatFamily).data()));
        if (!notes.isEmpty()) setStatus(notes.join(QLatin1Char(' ')));
    }
    emit modelChanged();
    if (!error.isEmpty()) emit errorOccurred(error);
}

void ChatController::refreshConversations() {
    QList<ConversationList::Row> rows;
    if (search_.trimmed().isEmpty()) {
        for (const Conversation& c : store_.conversations()) rows.append({c.id, c.title, c.updated, {}});
    } else {
        for (const SearchHit& h : store_.search(search_)) {
            bool seen = false;
            for (const auto& r : rows) seen = seen || r.id == h.conversationId;
            if (!seen) rows.append({h.conversationId, h.conversationTitle, {}, h.snippet});
        }
    }
    conversations_.reset(std::move(rows));
}

void ChatController::setSearchQuery(const QString& q) {
    if (q == search_) return;
    search_ = q;
    emit searchQueryChanged();
    refreshConversations();
}

void ChatController::newConversation() {
    current_ = 0;
    messages_.reset({});
    emit currentConversationChanged();
}

void ChatController::selectConversation(qint64 id) {
    if (!store_.conversation(id)) return;
    current_ = id;
    QList<Message> list = store_.messages(id);
    for (Message& m : list)  // show the partial text of an answer still streaming
        for (const Inflight& f : inflight_)
            if (f.messageId == m.id) m.text = f.text;
    messages_.reset(list);
    emit currentConversationChanged();
}

void ChatController::renameConversation(qint64 id, const QString& title) {
    const QString t = title.simplified();
    if (t.isEmpty()) return;
    try {
        store_.renameConversation(id, t);
    } catch (const StoreError& e) {
        emit errorOccurred(QString::fromUtf8(e.what()));
    }
    refreshConversations();
    if (id == current_) emit currentConversationChanged();
}

void ChatController::deleteConversation(qint64 id) {
    for (auto it = inflight_.begin(); it != inflight_.end(); ++it)
        if (it->conversationId == id) worker_->stop(it.key());
    try {
        store_.deleteConversation(id);
    } catch (const StoreError& e) {
        emit errorOccurred(QString::fromUtf8(e.what()));
    }
    if (id == current_) newConversation();
    refreshConversations();
}

bool ChatController::send(const QString& text) {
    if (text.trimmed().isEmpty()) return false;
    if (!modelReady_) {
        setStatus(tr("No model is loaded yet."));
        return false;
    }
    if (generating()) return false;
    try {
        if (current_ == 0) {
            current_ = store_.createConversation(titleFrom(text));
            messages_.reset({});
            emit currentConversationChanged();
        }
        const qint64 id = store_.addMessage(current_, QStringLiteral("user"), text);
        if (auto m = store_.message(id)) messages_.append(*m);
        startAnswer(current_);
    } catch (const StoreError& e) {
        setStatus(QString::fromUtf8(e.what()));
        emit errorOccurred(status_);
        return false;
    }
    refreshConversations();
    return true;
}

void ChatController::startAnswer(qint64 conversationId) {
    std::vector<tern::ChatMessage> history;
    const QString system = settings_.systemPrompt();
    if (!system.isEmpty()) history.push_back({"system", system.toStdString()});
    for (const Message& m : store_.messages(conversationId))
        if (!m.malformed && m.status != QLatin1String("generating")) history.push_back({m.role.toStdString(), m.text.toStdString()});

    GenerationRequest req;
    req.id = nextRequest_++;
    req.messages = std::move(history);
    const ModelInfo* model = models_.find(modelId_);
    req.family = model ? settings_.chatFamily(*model) : tern::ChatFamily::COMPLETION;
    req.params = override_ ? *override_ : settings_.generateParams();

    Inflight f;
    f.conversationId = conversationId;
    f.messageId = store_.addMessage(conversationId, QStringLiteral("assistant"), QString(), modelId_, QStringLiteral("generating"));
    f.startedMs = nowMs();
    f.modelId = modelId_;
    if (conversationId == current_)
        if (auto m = store_.message(f.messageId)) messages_.append(*m);
    inflight_.insert(req.id, f);
    liveTps_ = 0;
    emit liveStatsChanged();
    emit generatingChanged();
    GenerationWorker* w = worker_;
    QMetaObject::invokeMethod(w, [w, req] { w->generate(req); }, Qt::QueuedConnection);
}

void ChatController::stop() {
    if (nextRequest_ > 1) worker_->stop(nextRequest_ - 1);
}

bool ChatController::regenerate() {
    if (generating() || current_ == 0 || !modelReady_) return false;
    const QList<Message> list = store_.messages(current_);
    if (list.isEmpty() || list.last().role != QLatin1String("assistant")) return false;
    try {
        store_.deleteMessage(list.last().id);
        messages_.removeFrom(messages_.rowOf(list.last().id));
        startAnswer(current_);
    } catch (const StoreError& e) {
        emit errorOccurred(QString::fromUtf8(e.what()));
        return false;
    }
    return true;
}

bool ChatController::editAndResend(qint64 messageId, const QString& text) {
    if (generating() || current_ == 0 || !modelReady_ || text.trimmed().isEmpty()) return false;
    const auto m = store_.message(messageId);
    if (!m || m->conversationId != current_ || m->role != QLatin1String("user")) return false;
    try {
        store_.setMessageText(messageId, text);
        store_.deleteMessagesAfter(current_, messageId);
        messages_.reset(store_.messages(current_));
        startAnswer(current_);
    } catch (const StoreError& e) {
        emit errorOccurred(QString::fromUtf8(e.what()));
        return false;
    }
    return true;
}

void ChatController::onToken(quint64 id, const QString& text, int tokens) {
    auto it = inflight_.find(id);
    if (it == inflight_.end()) return;
    const qint64 now = nowMs();
    if (it->tokens == 0) it->firstTokenMs = now;
    it->tokens += tokens;
    it->text += text;
    if (it->tokens > 1 && now > it->firstTokenMs) {
        liveTps_ = double(it->tokens - 1) * 1000.0 / double(now - it->firstTokenMs);
        emit liveStatsChanged();
    }
    if (it->conversationId == current_) messages_.appendText(it->messageId, text);
}

void ChatController::onFinished(const GenerationResult& r) {
    auto it = inflight_.find(r.id);
    if (it == inflight_.end()) return;
    const Inflight f = *it;
    inflight_.erase(it);
    MessageStats s;
    s.promptTokens = r.stats.n_prompt;
    s.generatedTokens = r.stats.n_generated;
    s.ttftMs = r.stats.ttft_ms;
    s.prefillTps = r.stats.prefill_tps;
    s.decodeTps = r.stats.decode_tps;
    s.peakRssBytes = qint64(r.stats.peak_rss_bytes);
    s.backend = r.backend;
    try {
        if (store_.message(f.messageId)) {  // gone when its conversation was deleted meanwhile
            store_.finishMessage(f.messageId, r.text, r.stopped ? QStringLiteral("stopped") : QStringLiteral("done"), s);
            if (r.stats.n_generated > 0 || r.stats.n_prompt_evaluated > 0) {
                GenerationRecord rec;
                rec.kind = QStringLiteral("chat");
                if (const ModelInfo* m = models_.find(f.modelId)) rec.setModel(*m);
                else rec.modelId = f.modelId;
                rec.backend = r.backend;
                rec.device = r.device;
                rec.threads = r.threads;
                rec.contextSize = r.contextSize;
                rec.setCounters(r.stats);
                emit generationRecorded(store_.addGeneration(rec, f.messageId));
            }
            if (f.conversationId == current_)
                if (auto m = store_.message(f.messageId)) messages_.update(*m);
            emit answerFinished(f.conversationId, f.messageId, r.text);
        }
    } catch (const StoreError& e) {
        emit errorOccurred(QString::fromUtf8(e.what()));
    }
    emit generatingChanged();
}

void ChatController::onFailed(quint64 id, const QString& error) {
    auto it = inflight_.find(id);
    if (it == inflight_.end()) return;
    const Inflight f = *it;
    inflight_.erase(it);
    try {
        if (store_.message(f.messageId)) {
            store_.finishMessage(f.messageId, f.text, QStringLiteral("error"), {});
            if (f.conversationId == current_)
                if (auto m = store_.message(f.messageId)) messages_.update(*m);
        }
    } catch (const StoreError&) {
    }
    setStatus(error);
    emit errorOccurred(error);
    emit generatingChanged();
}

QString ChatController::exportConversation(qint64 id, const QString& fileOrUrl, const QString& format) {
    const QUrl url(fileOrUrl);
    const QString path = url.isLocalFile() ? url.toLocalFile() : fileOrUrl;
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return tr("Cannot write %1").arg(path);
    f.write(format == QLatin1String("json") ? store_.exportJson(id) : store_.exportMarkdown(id).toUtf8());
    if (!f.commit()) return tr("Cannot write %1 (is the disk full?)").arg(path);
    return {};
}

}  // namespace tern::app
