#include "models/model_registry.h"

#include "tern/error.h"
#include "tern/gguf.h"
#include "tern/model.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUrl>

#include <algorithm>
#include <map>

namespace tern::app {

ModelRegistry::ModelRegistry(const QString& modelsDir, QObject* parent) : QAbstractListModel(parent), dir_(modelsDir) {
    QDir().mkpath(dir_);
    refresh();
}

ModelInfo ModelRegistry::inspect(const QString& path) {
    LoadOptions o;
    o.convert_weights = false;  // describing, not running: no I2_S repacking (hundreds of MB)
    auto m = Model::load(path.toStdString(), o);
    const HParams& hp = m->hparams();
    ModelInfo info;
    const QFileInfo fi(path);
    info.id = fi.fileName();
    info.path = fi.absoluteFilePath();
    const auto name = m->gguf().get_string("general.name");
    info.name = name && !name->empty() ? QString::fromUtf8(name->data(), qsizetype(name->size())) : fi.completeBaseName();
    info.architecture = QString::fromStdString(hp.arch);
    info.type = QString::fromStdString(m->main_type());
    info.sizeBytes = fi.size();
    info.paramsTotal = qint64(m->n_params());
    info.paramsActive = qint64(m->n_params_active());
    info.nExpert = hp.n_expert;
    info.nExpertUsed = hp.n_expert_used;
    info.contextLength = hp.n_ctx_train;
    info.weightBytes = qint64(m->weight_bytes());
    info.weightBytesPerToken = qint64(m->weight_bytes_per_token());
    // Bits per weight: 8 × bytes ÷ elements, overall and per tensor type.
    std::map<std::string, std::pair<uint64_t, uint64_t>> byType;  // type → (elements, bytes)
    uint64_t elements = 0, bytes = 0;
    for (const auto& t : m->gguf().tensors()) {
        auto& e = byType[std::string(tern::type_name(t.type))];
        e.first += uint64_t(t.n_elements());
        e.second += t.n_bytes;
        elements += uint64_t(t.n_elements());
        bytes += t.n_bytes;
    }
    info.bitsPerWeight = elements > 0 ? 8.0 * double(bytes) / double(elements) : 0.0;
    std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>> types(byType.begin(), byType.end());
    std::stable_sort(types.begin(), types.end(), [](const auto& a, const auto& b) { return a.second.second > b.second.second; });
    QStringList parts;
    for (const auto& [typeName, eb] : types)
        if (eb.first > 0)
            parts << QStringLiteral("%1 %2").arg(QString::fromStdString(typeName)).arg(8.0 * double(eb.second) / double(eb.first), 0, 'f', 2);
    info.bitsPerWeightByType = parts.join(QStringLiteral(" · "));
    info.hasChatTemplate = m->gguf().find("tokenizer.chat_template") != nullptr;
    const tern::ChatFormat format = m->chat_format();
    info.chatFamily = format.family;
    info.chatFamilyGuessed = format.guessed;
    return info;
}

void ModelRegistry::refresh() {
    beginResetModel();
    models_.clear();
    const QFileInfoList files = QDir(dir_).entryInfoList({"*.gguf"}, QDir::Files | QDir::Readable, QDir::Name);
    for (const QFileInfo& f : files) {
        try {
            models_.push_back(inspect(f.absoluteFilePath()));
        } catch (const std::exception&) {
            // An unusable file in the folder is skipped; importFile() never puts one there.
        }
    }
    endResetModel();
    emit countChanged();
}

QString ModelRegistry::installBundled(const QString& bundledPath) {
    const QFileInfo src(bundledPath);
    if (!src.exists()) return {};
    const QString dst = dir_ + "/" + src.fileName();
    if (!QFileInfo::exists(dst)) {
        const QString tmp = dst + ".import-tmp";  // not ".part": that is a download in progress
        QFile::remove(tmp);
        if (!QFile::copy(bundledPath, tmp) || !QFile::rename(tmp, dst)) {
            QFile::remove(tmp);
            return {};
        }
        refresh();
    }
    return src.fileName();
}

QString ModelRegistry::importFile(const QString& pathOrUrl) {
    const QUrl url(pathOrUrl);
    const QString path = url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
    const QFileInfo src(path);
    if (!src.isFile()) return tr("%1: not a file").arg(path);
    if (src.suffix().compare("gguf", Qt::CaseInsensitive) != 0) return tr("%1: not a .gguf file").arg(path);
    try {
        inspect(path);
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    const QString dst = dir_ + "/" + src.fileName();
    if (QFileInfo(dst).absoluteFilePath() == src.absoluteFilePath()) return {};
    if (QFileInfo::exists(dst)) return tr("A model named %1 is already installed.").arg(src.fileName());
    const QString tmp = dst + ".import-tmp";  // not ".part": that is a download in progress
    QFile::remove(tmp);
    if (!QFile::copy(path, tmp)) {
        QFile::remove(tmp);
        return tr("Could not copy %1 into %2 (is the disk full?)").arg(path, dir_);
    }
    if (!QFile::rename(tmp, dst)) {
        QFile::remove(tmp);
        return tr("Could not move the model into %1").arg(dir_);
    }
    refresh();
    return {};
}

QString ModelRegistry::deleteModel(const QString& id) {
    const ModelInfo* m = find(id);
    if (!m) return tr("%1 is not installed.").arg(id);
    if (!QFile::remove(m->path)) return tr("Could not delete %1.").arg(m->path);
    refresh();
    return {};
}

const ModelInfo* ModelRegistry::find(const QString& id) const {
    for (const ModelInfo& m : models_)
        if (m.id == id) return &m;
    return nullptr;
}

QVariantMap ModelRegistry::get(const QString& id) const {
    QVariantMap map;
    for (int r = 0; r < models_.size(); ++r) {
        if (models_[r].id != id) continue;
        const QHash<int, QByteArray> roles = roleNames();
        for (auto it = roles.begin(); it != roles.end(); ++it) map.insert(QString::fromLatin1(it.value()), data(index(r), it.key()));
    }
    return map;
}

int ModelRegistry::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(models_.size()); }

QVariant ModelRegistry::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= models_.size()) return {};
    const ModelInfo& m = models_[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case NameRole: return m.name;
    case IdRole: return m.id;
    case PathRole: return m.path;
    case ArchitectureRole: return m.architecture;
    case TypeRole: return m.type;
    case SizeRole: return m.sizeBytes;
    case ParamsTotalRole: return m.paramsTotal;
    case ParamsActiveRole: return m.paramsActive;
    case ExpertsRole: return m.nExpert;
    case ExpertsUsedRole: return m.nExpertUsed;
    case ContextRole: return m.contextLength;
    case CompletionRole: return m.chatFamily == tern::ChatFamily::COMPLETION;
    case ChatFormatRole: return QString::fromLatin1(tern::chat_family_name(m.chatFamily).data(),
                                                    qsizetype(tern::chat_family_name(m.chatFamily).size()));
    case ChatFormatGuessedRole: return m.chatFamilyGuessed;
    case WeightBytesRole: return m.weightBytes;
    case WeightBytesPerTokenRole: return m.weightBytesPerToken;
    case BitsPerWeightRole: return m.bitsPerWeight;
    case BitsPerWeightByTypeRole: return m.bitsPerWeightByType;
    case DescriptionRole: {
        QString s = QStringLiteral("%1 · %2 · %3 MB").arg(m.architecture, m.type).arg(double(m.sizeBytes) / 1e6, 0, 'f', 1);
        if (m.nExpert > 0) s += QStringLiteral(" · %1 experts (%2 active)").arg(m.nExpert).arg(m.nExpertUsed);
        return s;
    }
    default: return {};
    }
}

QHash<int, QByteArray> ModelRegistry::roleNames() const {
    return {{IdRole, "modelId"},          {PathRole, "path"},           {NameRole, "name"},
            {ArchitectureRole, "architecture"}, {TypeRole, "tensorType"}, {SizeRole, "sizeBytes"},
            {ParamsTotalRole, "paramsTotal"}, {ParamsActiveRole, "paramsActive"}, {ExpertsRole, "experts"},
            {ExpertsUsedRole, "expertsUsed"}, {ContextRole, "contextLength"}, {CompletionRole, "completionMode"},
            {DescriptionRole, "description"}, {ChatFormatRole, "chatFormat"}, {ChatFormatGuessedRole, "chatFormatGuessed"},
            {WeightBytesRole, "weightBytes"}, {WeightBytesPerTokenRole, "weightBytesPerToken"},
            {BitsPerWeightRole, "bitsPerWeight"}, {BitsPerWeightByTypeRole, "bitsPerWeightByType"}};
}

}  // namespace tern::app
