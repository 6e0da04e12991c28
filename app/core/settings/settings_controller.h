// Generation settings shown on the Settings page, stored per user in the chat database.
// Look-up order for each value: the user's setting → the current model's default (context size
// from the model's context_length, at most 4096) → the app default.
#pragma once

#include "tern/session.h"

#include <QObject>
#include <QString>

namespace tern::app {

class ChatStore;
struct ModelInfo;

class SettingsController : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY changed)
    Q_PROPERTY(double temperature READ temperature WRITE setTemperature NOTIFY changed)
    Q_PROPERTY(int topK READ topK WRITE setTopK NOTIFY changed)
    Q_PROPERTY(double topP READ topP WRITE setTopP NOTIFY changed)
    Q_PROPERTY(double minP READ minP WRITE setMinP NOTIFY changed)
    Q_PROPERTY(double repeatPenalty READ repeatPenalty WRITE setRepeatPenalty NOTIFY changed)
    Q_PROPERTY(int seed READ seed WRITE setSeed NOTIFY changed)                   // -1: a new random seed per answer
    Q_PROPERTY(int contextSize READ contextSize WRITE setContextSize NOTIFY changed)  // 0: the model's default
    Q_PROPERTY(int threads READ threads WRITE setThreads NOTIFY changed)          // 0: all cores
    Q_PROPERTY(int maxTokens READ maxTokens WRITE setMaxTokens NOTIFY changed)    // per answer
    Q_PROPERTY(QString backend READ backend WRITE setBackend NOTIFY changed)      // "cpu" (vulkan/auto later)
    Q_PROPERTY(int modelContextDefault READ modelContextDefault NOTIFY changed)
public:
    SettingsController(ChatStore& store, QObject* parent = nullptr);

    QString systemPrompt() const;
    double temperature() const;
    int topK() const;
    double topP() const;
    double minP() const;
    double repeatPenalty() const;
    int seed() const;
    int contextSize() const;
    int threads() const;
    int maxTokens() const;
    QString backend() const;
    int modelContextDefault() const { return modelContext_; }

    void setSystemPrompt(const QString& v);
    void setTemperature(double v);
    void setTopK(int v);
    void setTopP(double v);
    void setMinP(double v);
    void setRepeatPenalty(double v);
    void setSeed(int v);
    void setContextSize(int v);
    void setThreads(int v);
    void setMaxTokens(int v);
    void setBackend(const QString& v);

    Q_INVOKABLE void resetToDefaults();
    // The model whose defaults apply (context size).
    void setModel(const ModelInfo* model);
    // Context size actually used: the setting, else the model's default.
    int effectiveContextSize() const;
    // Sampling parameters for one answer (a fixed seed, or a fresh random one when seed is -1).
    tern::GenerateParams generateParams() const;

signals:
    void changed();
    void engineSettingsChanged();  // context size or threads: the model must be reloaded

private:
    QString get(const char* key, const QString& def) const;
    void put(const char* key, const QString& value, bool engine = false);
    ChatStore& store_;
    int modelContext_ = 2048;
};

}  // namespace tern::app
