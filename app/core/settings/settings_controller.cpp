#include "settings/settings_controller.h"

#include "models/model_registry.h"
#include "store/chat_store.h"

#include <QRandomGenerator>

#include <algorithm>

namespace tern::app {

namespace {
constexpr double kTemperature = 0.8, kTopP = 0.95, kMinP = 0.05, kRepeat = 1.0;
constexpr int kTopK = 40, kMaxTokens = 512;
}  // namespace

SettingsController::SettingsController(ChatStore& store, QObject* parent) : QObject(parent), store_(store) {}

QString SettingsController::get(const char* key, const QString& def) const {
    const QString v = store_.setting(QString::fromLatin1(key), QStringLiteral("global"), def);
    return v.isEmpty() ? def : v;  // an empty value means "not set" (resetToDefaults)
}

void SettingsController::put(const char* key, const QString& value, bool engine) {
    if (get(key, QString()) == value) return;
    store_.setSetting(QString::fromLatin1(key), value, QStringLiteral("global"));
    emit changed();
    if (engine) emit engineSettingsChanged();
}

QString SettingsController::systemPrompt() const { return get("systemPrompt", {}); }
double SettingsController::temperature() const { return get("temperature", QString::number(kTemperature)).toDouble(); }
int SettingsController::topK() const { return get("topK", QString::number(kTopK)).toInt(); }
double SettingsController::topP() const { return get("topP", QString::number(kTopP)).toDouble(); }
double SettingsController::minP() const { return get("minP", QString::number(kMinP)).toDouble(); }
double SettingsController::repeatPenalty() const { return get("repeatPenalty", QString::number(kRepeat)).toDouble(); }
int SettingsController::seed() const { return get("seed", "-1").toInt(); }
int SettingsController::contextSize() const { return get("contextSize", "0").toInt(); }
int SettingsController::threads() const { return get("threads", "0").toInt(); }
int SettingsController::maxTokens() const { return get("maxTokens", QString::number(kMaxTokens)).toInt(); }
QString SettingsController::backend() const {
    const QString v = get("backend", "cpu");
    tern::BackendKind k;
    return tern::parse_backend_kind(v.toStdString(), k) ? v : QStringLiteral("cpu");
}
int SettingsController::device() const { return get("device", "-1").toInt(); }
QString SettingsController::kvCacheType() const {
    const QString v = get("kvCacheType", "f32");
    tern::Type t;
    return tern::parse_kv_cache_type(v.toStdString(), t) ? v : QStringLiteral("f32");
}

void SettingsController::setSystemPrompt(const QString& v) { put("systemPrompt", v); }
void SettingsController::setTemperature(double v) { put("temperature", QString::number(std::clamp(v, 0.0, 5.0))); }
void SettingsController::setTopK(int v) { put("topK", QString::number(std::max(0, v))); }
void SettingsController::setTopP(double v) { put("topP", QString::number(std::clamp(v, 0.0, 1.0))); }
void SettingsController::setMinP(double v) { put("minP", QString::number(std::clamp(v, 0.0, 1.0))); }
void SettingsController::setRepeatPenalty(double v) { put("repeatPenalty", QString::number(std::clamp(v, 0.5, 3.0))); }
void SettingsController::setSeed(int v) { put("seed", QString::number(std::max(-1, v))); }
void SettingsController::setContextSize(int v) { put("contextSize", QString::number(std::clamp(v, 0, 1 << 20)), true); }
void SettingsController::setThreads(int v) { put("threads", QString::number(std::clamp(v, 0, 1024)), true); }
void SettingsController::setMaxTokens(int v) { put("maxTokens", QString::number(std::clamp(v, 1, 1 << 20))); }
void SettingsController::setBackend(const QString& v) {
    tern::BackendKind k;
    if (tern::parse_backend_kind(v.toStdString(), k)) put("backend", v, true);
}
void SettingsController::setDevice(int v) { put("device", QString::number(std::clamp(v, -1, 64)), true); }
void SettingsController::setKvCacheType(const QString& v) {
    tern::Type t;
    if (tern::parse_kv_cache_type(v.toStdString(), t)) put("kvCacheType", v, true);
}

void SettingsController::resetToDefaults() {
    for (const char* k : {"systemPrompt", "temperature", "topK", "topP", "minP", "repeatPenalty", "seed",
                          "contextSize", "threads", "maxTokens", "backend", "device", "kvCacheType"})
        store_.setSetting(QString::fromLatin1(k), QString(), QStringLiteral("global"));
    emit changed();
    emit engineSettingsChanged();
}

void SettingsController::setModel(const ModelInfo* model) {
    const int ctx = model && model->contextLength > 0 ? std::min(model->contextLength, 4096) : 2048;
    const QString id = model ? model->id : QString();
    const QString detected = model ? QString::fromLatin1(tern::chat_family_name(model->chatFamily).data(),
                                                         qsizetype(tern::chat_family_name(model->chatFamily).size()))
                                   : QString();
    if (ctx != modelContext_ || id != modelId_ || detected != detectedFamily_) {
        modelContext_ = ctx;
        modelId_ = id;
        detectedFamily_ = detected;
        emit changed();
    }
}

// Per-model values live in the settings table under the scope "model:<file name>".
QString SettingsController::modelOverride(const QString& modelId) const {
    if (modelId.isEmpty()) return {};
    const QString v = store_.setting(QStringLiteral("chatTemplate"), QStringLiteral("model:") + modelId, QString());
    return tern::chat_family_from_name(v.toStdString()) ? v : QString();  // a stale or foreign value: auto
}

QString SettingsController::chatTemplate() const { return modelOverride(modelId_); }

QStringList SettingsController::chatTemplateNames() {
    QStringList names;
    for (tern::ChatFamily f : {tern::ChatFamily::COMPLETION, tern::ChatFamily::LLAMA3, tern::ChatFamily::BITNET,
                               tern::ChatFamily::CHATML, tern::ChatFamily::MISTRAL, tern::ChatFamily::FALCON3,
                               tern::ChatFamily::GEMMA, tern::ChatFamily::PHI3}) {
        const std::string_view n = tern::chat_family_name(f);
        names << QString::fromLatin1(n.data(), qsizetype(n.size()));
    }
    return names;
}

void SettingsController::setChatTemplate(const QString& family) {
    if (modelId_.isEmpty()) return;
    if (!family.isEmpty() && !tern::chat_family_from_name(family.toStdString())) return;
    if (chatTemplate() == family) return;
    store_.setSetting(QStringLiteral("chatTemplate"), family, QStringLiteral("model:") + modelId_);
    emit changed();
}

tern::ChatFamily SettingsController::chatFamily(const ModelInfo& model) const {
    const QString o = modelOverride(model.id);
    if (o.isEmpty()) return model.chatFamily;
    return *tern::chat_family_from_name(o.toStdString());
}

bool SettingsController::chatFamilyOverridden(const ModelInfo& model) const { return !modelOverride(model.id).isEmpty(); }

int SettingsController::effectiveContextSize() const {
    const int c = contextSize();
    return c > 0 ? c : modelContext_;
}

tern::GenerateParams SettingsController::generateParams() const {
    tern::GenerateParams p;
    p.max_tokens = maxTokens();
    p.sampling.temperature = float(temperature());
    p.sampling.top_k = topK();
    p.sampling.top_p = float(topP());
    p.sampling.min_p = float(minP());
    p.sampling.repeat_penalty = float(repeatPenalty());
    const int s = seed();
    p.sampling.seed = s >= 0 ? quint64(s) : QRandomGenerator::global()->generate64();
    return p;
}

}  // namespace tern::app
