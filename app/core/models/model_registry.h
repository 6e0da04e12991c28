// The installed models: the .gguf files in the models folder, each validated by the engine.
// A list model for QML (the model selector). Files that fail to load are not listed (their
// error is kept for the UI); `.part` files of unfinished downloads never are.
#pragma once

#include "tern/chat.h"

#include <QAbstractListModel>
#include <QString>
#include <QVariantMap>
#include <QVector>

namespace tern::app {

struct ModelInfo {
    QString id;            // file name, e.g. "tern-tiny-moe-tq2_0.gguf"
    QString path;          // absolute path
    QString name;          // general.name, else the file name without .gguf
    QString architecture;  // "llama", "qwen3moe", ...
    QString type;          // main tensor type, e.g. "TQ2_0"
    qint64 sizeBytes = 0;
    qint64 paramsTotal = 0, paramsActive = 0;
    int nExpert = 0, nExpertUsed = 0;
    // Cost figures (the Stats page's cost view): bytes of tensor data in the file, weight bytes
    // one decoded token reads (tern::Model::weight_bytes_per_token: active experts only),
    // bits per weight over all tensors (8 × bytes ÷ elements, i.e. each type weighted by its
    // size) and per type ("TQ2_0 2.06 · F32 32.00", largest share first).
    qint64 weightBytes = 0, weightBytesPerToken = 0;
    double bitsPerWeight = 0;
    QString bitsPerWeightByType;
    int contextLength = 0;
    bool hasChatTemplate = false;  // tokenizer.chat_template present
    tern::ChatFamily chatFamily = tern::ChatFamily::COMPLETION;  // how conversations are rendered
    bool chatFamilyGuessed = false;  // a template Tern does not recognise: a default family is used
};

class ModelRegistry : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role { IdRole = Qt::UserRole + 1, PathRole, NameRole, ArchitectureRole, TypeRole, SizeRole, ParamsTotalRole,
                ParamsActiveRole, ExpertsRole, ExpertsUsedRole, ContextRole, CompletionRole, DescriptionRole,
                ChatFormatRole, ChatFormatGuessedRole, WeightBytesRole, WeightBytesPerTokenRole,
                BitsPerWeightRole, BitsPerWeightByTypeRole };

    explicit ModelRegistry(const QString& modelsDir, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(models_.size()); }

    // Rescans the folder.
    Q_INVOKABLE void refresh();
    // Copies the bundled model into the models folder if no file of that name is there yet.
    // Returns its id, or an empty string when the bundled file is missing.
    QString installBundled(const QString& bundledPath);
    // Validates a .gguf with the engine, then copies it into the models folder (via a temporary
    // file renamed into place). Returns an empty string on success, else the error to show.
    Q_INVOKABLE QString importFile(const QString& pathOrUrl);

    // Deletes an installed model's file. Returns "" on success, else the error to show.
    // The caller confirms first and must not delete the model in use.
    Q_INVOKABLE QString deleteModel(const QString& id);
    const ModelInfo* find(const QString& id) const;
    // One model's roles as a map (role name → value), for QML; empty when not installed.
    Q_INVOKABLE QVariantMap get(const QString& id) const;
    const QVector<ModelInfo>& models() const { return models_; }
    QString modelsDir() const { return dir_; }

    // Reads a model's description with the engine; throws tern::Error for an invalid file.
    static ModelInfo inspect(const QString& path);

signals:
    void countChanged();

private:
    QString dir_;
    QVector<ModelInfo> models_;
};

}  // namespace tern::app
