// Generation settings shown on the Settings page, stored per user in the chat database.
// Look-up order for each value: the user's setting → the current model's default (context size
// from the model's context_length, at most 4096) → the app default.
#pragma once

#include "tern/chat.h"
#include "tern/session.h"

#include <QObject>
#include <QString>
#include <QStringList>

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
    Q_PROPERTY(QString backend READ backend WRITE setBackend NOTIFY changed)      // "cpu", "vulkan" or "auto"
    Q_PROPERTY(int device READ device WRITE setDevice NOTIFY changed)             // Vulkan device index; -1: the best
    Q_PROPERTY(QString kvCacheType READ kvCacheType WRITE setKvCacheType NOTIFY changed)  // "f32" or "f16"
    Q_PROPERTY(int modelContextDefault READ modelContextDefault NOTIFY changed)
    // The current model's chat template family, chosen by the user ("" = as detected from the
    // file), stored per model; one of chatTemplateNames or "".
    Q_PROPERTY(QString chatTemplate READ chatTemplate WRITE setChatTemplate NOTIFY changed)
    Q_PROPERTY(QString detectedChatTemplate READ detectedChatTemplate NOTIFY changed)  // "" without a model
    Q_PROPERTY(QStringList chatTemplateNames READ chatTemplateNames CONSTANT)
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
    int device() const;
    QString kvCacheType() const;
    int modelContextDefault() const { return modelContext_; }
    QString chatTemplate() const;
    QString detectedChatTemplate() const { return detectedFamily_; }
    static QStringList chatTemplateNames();

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
    void setBackend(const QString& v);  // an unknown name is ignored
    void setDevice(int v);
    void setKvCacheType(const QString& v);  // "f32" or "f16"; anything else is ignored
    void setChatTemplate(const QString& family);  // ignored without a model or for an unknown name

    Q_INVOKABLE void resetToDefaults();
    // The model whose defaults (context size) and chat template override apply.
    void setModel(const ModelInfo* model);
    // How a model's conversations become a prompt: the user's override for that model, else the
    // family detected from its file.
    tern::ChatFamily chatFamily(const ModelInfo& model) const;
    bool chatFamilyOverridden(const ModelInfo& model) const;
    // Context size actually used: the setting, else the model's default.
    int effectiveContextSize() const;
    // Sampling parameters for one answer (a fixed seed, or a fresh random one when seed is -1).
    tern::GenerateParams generateParams() const;

signals:
    void changed();
    void engineSettingsChanged();  // context size, threads, backend, KV cache type: the model must be reloaded

private:
    QString get(const char* key, const QString& def) const;
    void put(const char* key, const QString& value, bool engine = false);
    QString modelOverride(const QString& modelId) const;
    ChatStore& store_;
    int modelContext_ = 2048;
    QString modelId_;         // the current model
    QString detectedFamily_;  // its detected chat family's name
};

}  // namespace tern::app
