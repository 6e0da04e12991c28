// The chat screen's logic, shared by the window and `tern --self-test`: conversations, sending,
// streaming answers into the conversation that asked, stop, regenerate, edit-and-resend, model
// selection. It owns the generation thread. Every finished message and every rename is written
// to the store when it happens.
//
// Context is never stale: each answer's prompt is rendered from the conversation's stored
// messages, and the engine session reuses its KV cache only for an identical token prefix.
#pragma once

#include "chat/conversation_list.h"
#include "chat/message_list.h"
#include "generation/generation_worker.h"

#include <QHash>
#include <QObject>
#include <QThread>

#include <optional>

namespace tern::app {

class ChatStore;
class ModelRegistry;
class SettingsController;

class ChatController : public QObject {
    Q_OBJECT
    Q_PROPERTY(qint64 currentConversationId READ currentConversationId NOTIFY currentConversationChanged)
    Q_PROPERTY(QString currentTitle READ currentTitle NOTIFY currentConversationChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    // The conversation whose answer is being generated (0 when none): the composer of another
    // conversation waits instead of offering Stop.
    Q_PROPERTY(qint64 generatingConversationId READ generatingConversationId NOTIFY generatingChanged)
    Q_PROPERTY(QString modelId READ modelId NOTIFY modelChanged)
    Q_PROPERTY(QString modelName READ modelName NOTIFY modelChanged)
    Q_PROPERTY(bool modelReady READ modelReady NOTIFY modelChanged)
    Q_PROPERTY(bool modelLoading READ modelLoading NOTIFY modelChanged)
    Q_PROPERTY(bool completionMode READ completionMode NOTIFY modelChanged)
    // What runs the current model, e.g. "CPU (avx512, 2 threads)" or "Vulkan (…)"; "" while loading.
    Q_PROPERTY(QString backendDescription READ backendDescription NOTIFY modelChanged)
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(double liveTokensPerSecond READ liveTokensPerSecond NOTIFY liveStatsChanged)
    Q_PROPERTY(QString searchQuery READ searchQuery WRITE setSearchQuery NOTIFY searchQueryChanged)
    Q_PROPERTY(tern::app::ConversationList* conversations READ conversations CONSTANT)
    Q_PROPERTY(tern::app::MessageList* messages READ messages CONSTANT)
public:
    ChatController(ChatStore& store, ModelRegistry& models, SettingsController& settings, QObject* parent = nullptr);
    ~ChatController() override;

    qint64 currentConversationId() const { return current_; }
    QString currentTitle() const;
    bool generating() const { return !inflight_.isEmpty(); }
    qint64 generatingConversationId() const { return inflight_.isEmpty() ? 0 : inflight_.begin()->conversationId; }
    QString modelId() const { return modelId_; }
    QString modelName() const;
    bool modelReady() const { return modelReady_; }
    bool modelLoading() const { return modelLoading_; }
    bool completionMode() const;
    QString backendDescription() const { return modelReady_ ? backend_ : QString(); }
    QString status() const { return status_; }
    double liveTokensPerSecond() const { return liveTps_; }
    QString searchQuery() const { return search_; }
    void setSearchQuery(const QString& q);
    ConversationList* conversations() { return &conversations_; }
    MessageList* messages() { return &messages_; }

    // Selects and loads a model by id (file name in the models folder). A running answer is
    // stopped first; the conversation is kept and its next answer uses the new model.
    Q_INVOKABLE void selectModel(const QString& id);
    // Deletes an installed model from disk (the UI asks first). The model in use cannot be
    // deleted: select another one first. Returns "" or the error to show.
    Q_INVOKABLE QString deleteModel(const QString& id);
    Q_INVOKABLE void newConversation();
    Q_INVOKABLE void selectConversation(qint64 id);
    Q_INVOKABLE void renameConversation(qint64 id, const QString& title);
    Q_INVOKABLE void deleteConversation(qint64 id);
    // Sends a user message in the current conversation (creating one if needed) and starts the
    // answer. Returns false (and sets status) when it cannot: no model, already generating, empty.
    Q_INVOKABLE bool send(const QString& text);
    Q_INVOKABLE void stop();
    // Forgets the last error or notice shown in `status`.
    Q_INVOKABLE void clearStatus() { setStatus(QString()); }
    // Drops the last answer of the current conversation and answers again.
    Q_INVOKABLE bool regenerate();
    // Replaces a user message's text, drops everything after it and answers again.
    Q_INVOKABLE bool editAndResend(qint64 messageId, const QString& text);
    // Writes the current conversation to a file ("md" or "json"); returns an error or "".
    Q_INVOKABLE QString exportConversation(qint64 id, const QString& fileOrUrl, const QString& format);

    // Sampling parameters used instead of the settings' (self-test, tests); nullopt: settings.
    void setParamsOverride(std::optional<tern::GenerateParams> p) { override_ = std::move(p); }

signals:
    void currentConversationChanged();
    void generatingChanged();
    void modelChanged();
    void statusChanged();
    void liveStatsChanged();
    void searchQueryChanged();
    // An answer finished (stored). conversationId it belongs to, the stored message.
    void answerFinished(qint64 conversationId, qint64 messageId, const QString& text);
    void errorOccurred(const QString& message);
    // A generation record was stored for a finished answer (the Stats page reloads).
    void generationRecorded(qint64 recordId);

private:
    struct Inflight {
        qint64 conversationId = 0;
        qint64 messageId = 0;
        QString text, modelId;
        qint64 startedMs = 0, firstTokenMs = 0;
        int tokens = 0;
    };
    void startAnswer(qint64 conversationId);
    void refreshConversations();
    void setStatus(const QString& s);
    void reloadModel();
    void onToken(quint64 id, const QString& text, int tokens);
    void onFinished(const tern::app::GenerationResult& r);
    void onFailed(quint64 id, const QString& error);
    void onModelLoaded(const QString& path, const QString& error);

    ChatStore& store_;
    ModelRegistry& models_;
    SettingsController& settings_;
    ConversationList conversations_;
    MessageList messages_;
    QThread thread_;
    GenerationWorker* worker_ = nullptr;  // lives in thread_
    QHash<quint64, Inflight> inflight_;
    quint64 nextRequest_ = 1;
    qint64 current_ = 0;
    QString modelId_, status_, search_;
    bool modelReady_ = false;
    bool modelLoading_ = false;
    double liveTps_ = 0;
    std::optional<tern::GenerateParams> override_;
    QString backend_, backendNotice_;  // from GenerationWorker::backendReady
    bool shownCompletionMode_ = true;  // completionMode() as last announced by modelChanged
};

}  // namespace tern::app
