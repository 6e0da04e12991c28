#include "catalog/catalog_model.h"

#include "stats/model_cost.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace tern::app {

namespace {

QString describe(const Catalog& c, const QString& origin) {
    const QString date = c.updated().isValid() ? c.updated().toString(Qt::ISODate) : QStringLiteral("undated");
    const QString from = origin == QLatin1String("bundled")  ? QStringLiteral("bundled with Tern")
                         : origin == QLatin1String("cached") ? QStringLiteral("downloaded earlier")
                                                             : QStringLiteral("downloaded now");
    const auto n = c.entries().size();
    return (n == 1 ? QStringLiteral("1 model, catalog of %2 (%3)") : QStringLiteral("%1 models, catalog of %2 (%3)").arg(n))
        .arg(date, from);
}

}  // namespace

CatalogModel::CatalogModel(const QString& resourcesDir, const QString& dataDir, const QString& modelsDir,
                           QObject* parent)
    : QAbstractListModel(parent),
      source_(resourcesDir, dataDir),
      modelsDir_(modelsDir),
      support_(EngineSupport::engine()),
      ramBytes_(totalPhysicalRamBytes()) {
    try {
        CatalogSource::Local local = source_.loadLocal();
        setCatalog(std::move(local.catalog), local.origin);
        setStatus(describe(catalog_, origin_), local.warning);
    } catch (const CatalogError& e) {
        setStatus(QStringLiteral("No catalog"), QString::fromStdString(e.what()));
    }
}

CatalogModel::~CatalogModel() {
    if (cancel_) cancel_->store(true);
    if (worker_.joinable()) worker_.join();
}

int CatalogModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(rows_.size()); }

QVariant CatalogModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() < 0 || index.row() >= rows_.size()) return {};
    const Item& item = items_.at(rows_.at(index.row()));
    if (role == Qt::DisplayRole) role = NameRole;
    return value(item, role);
}

QHash<int, QByteArray> CatalogModel::roleNames() const {
    return {{CatalogIdRole, "catalogId"},
            {NameRole, "name"},
            {PublisherRole, "publisher"},
            {RepositoryRole, "repository"},
            {FileNameRole, "fileName"},
            {LocalFileNameRole, "localFileName"},
            {UrlRole, "url"},
            {BundledRole, "bundled"},
            {QuantizationRole, "quantization"},
            {SizeBytesRole, "sizeBytes"},
            {SizeNoteRole, "sizeNote"},
            {Sha256Role, "sha256"},
            {Sha256NoteRole, "sha256Note"},
            {TypesRole, "types"},
            {ArchitectureRole, "architecture"},
            {TokenizerRole, "tokenizer"},
            {ParamsTotalRole, "paramsTotal"},
            {ParamsActiveRole, "paramsActive"},
            {ExpertsRole, "experts"},
            {ExpertsUsedRole, "expertsUsed"},
            {ContextLengthRole, "contextLength"},
            {LicenseRole, "license"},
            {RamBytesRole, "ramBytes"},
            {RamNoteRole, "ramNote"},
            {ChatTemplateRole, "chatTemplate"},
            {DescriptionRole, "description"},
            {TagsRole, "tags"},
            {NotesRole, "notes"},
            {RunnableRole, "runnable"},
            {UnsupportedReasonRole, "unsupportedReason"},
            {CostRole, "cost"},
            {InstalledRole, "installed"},
            {FitsInRamRole, "fitsInRam"}};
}

QVariant CatalogModel::value(const Item& item, int role) const {
    const CatalogEntry& e = item.entry;
    switch (role) {
    case CatalogIdRole: return e.id;
    case NameRole: return e.name;
    case PublisherRole: return e.publisher;
    case RepositoryRole: return e.repository;
    case FileNameRole: return e.fileName;
    case LocalFileNameRole: return e.localFileName;
    case UrlRole: return e.url;
    case BundledRole: return e.bundled;
    case QuantizationRole: return e.quantization;
    case SizeBytesRole: return qlonglong(e.sizeBytes);
    case SizeNoteRole: return e.sizeNote;
    case Sha256Role: return e.sha256;
    case Sha256NoteRole: return e.sha256Note;
    case TypesRole: return e.types;
    case ArchitectureRole: return e.architecture;
    case TokenizerRole: return e.tokenizer;
    case ParamsTotalRole: return qlonglong(e.paramsTotal);
    case ParamsActiveRole: return qlonglong(e.paramsActive);
    case ExpertsRole: return e.experts;
    case ExpertsUsedRole: return e.expertsUsed;
    case ContextLengthRole: return e.contextLength;
    case LicenseRole: return e.license;
    case RamBytesRole: return qlonglong(e.ramBytes);
    case RamNoteRole: return e.ramNote;
    case ChatTemplateRole: return e.chatTemplate;
    case DescriptionRole: return e.description;
    case TagsRole: return e.tags;
    case NotesRole: return e.notes;
    case RunnableRole: return item.unsupported.isEmpty();
    case UnsupportedReasonRole: return item.unsupported;
    case InstalledRole: return item.installed;
    case FitsInRamRole: return fitsInRam(e);
    case CostRole: return costOf(e).toMap();
    default: return {};
    }
}

QVariantMap CatalogModel::get(const QString& id) const {
    QVariantMap out;
    for (const Item& item : items_) {
        if (item.entry.id != id) continue;
        const QHash<int, QByteArray> names = roleNames();
        for (auto it = names.cbegin(); it != names.cend(); ++it) out.insert(QString::fromLatin1(it.value()), value(item, it.key()));
        break;
    }
    return out;
}

QString CatalogModel::updated() const {
    return catalog_.updated().isValid() ? catalog_.updated().toString(Qt::ISODate) : QString();
}

bool CatalogModel::fitsInRam(const CatalogEntry& e) const {
    if (ramBytes_ <= 0) return true;  // this machine's RAM is not known: do not hide anything
    return e.ramBytes >= 0 && e.ramBytes <= ramBytes_;
}

bool CatalogModel::accepts(const Item& item) const {
    const CatalogEntry& e = item.entry;
    if (ternary_ && !e.isTernary()) return false;
    if (moe_ && !e.isMoe()) return false;
    if (fitsRam_ && !fitsInRam(e)) return false;
    static const QRegularExpression space(QStringLiteral("\\s+"));
    const QStringList words = search_.split(space, Qt::SkipEmptyParts);
    if (words.isEmpty()) return true;
    const QString haystack = QStringList{e.name, e.publisher, e.description, e.tags.join(QLatin1Char(' ')),
                                         e.architecture, e.quantization, e.types.join(QLatin1Char(' '))}
                                 .join(QLatin1Char('\n'));
    for (const QString& w : words)
        if (!haystack.contains(w, Qt::CaseInsensitive)) return false;
    return true;
}

void CatalogModel::applyFilters() {
    const int before = int(rows_.size());
    beginResetModel();
    rows_.clear();
    for (int i = 0; i < items_.size(); ++i)
        if (accepts(items_.at(i))) rows_.append(i);
    endResetModel();
    if (int(rows_.size()) != before) emit countChanged();
}

void CatalogModel::rebuildItems() {
    items_.clear();
    for (const CatalogEntry& e : catalog_.entries()) {
        Item item{e, unsupportedReason(e, support_), false};
        item.installed = QFileInfo::exists(modelsDir_ + QLatin1Char('/') + e.localFileName);
        items_.append(std::move(item));
    }
}

void CatalogModel::setCatalog(Catalog catalog, const QString& origin) {
    catalog_ = std::move(catalog);
    origin_ = origin;
    rebuildItems();
    applyFilters();
    emit catalogChanged();
}

void CatalogModel::recheckInstalled() {
    for (int i = 0; i < items_.size(); ++i) {
        Item& item = items_[i];
        const bool now = QFileInfo::exists(modelsDir_ + QLatin1Char('/') + item.entry.localFileName);
        if (now == item.installed) continue;
        item.installed = now;
        const int row = int(rows_.indexOf(i));
        if (row >= 0) emit dataChanged(index(row), index(row), {InstalledRole});
    }
}

void CatalogModel::setSearchText(const QString& text) {
    if (text == search_) return;
    search_ = text;
    applyFilters();
    emit filtersChanged();
}

void CatalogModel::setFilterTernary(bool on) {
    if (on == ternary_) return;
    ternary_ = on;
    applyFilters();
    emit filtersChanged();
}

void CatalogModel::setFilterMoe(bool on) {
    if (on == moe_) return;
    moe_ = on;
    applyFilters();
    emit filtersChanged();
}

void CatalogModel::setFilterFitsRam(bool on) {
    if (on == fitsRam_) return;
    fitsRam_ = on;
    applyFilters();
    emit filtersChanged();
}

void CatalogModel::setUrl(const QString& url) {
    if (url.trimmed() == source_.url()) return;
    source_.setUrl(url);
    emit urlChanged();
}

void CatalogModel::setEngineSupport(EngineSupport support) {
    support_ = std::move(support);
    rebuildItems();
    applyFilters();
}

void CatalogModel::setTotalRamBytes(qint64 bytes) {
    ramBytes_ = bytes;
    applyFilters();
    emit catalogChanged();
}

void CatalogModel::setStatus(const QString& status, const QString& error) {
    if (status == status_ && error == error_) return;
    status_ = status;
    error_ = error;
    emit statusChanged();
}

void CatalogModel::refresh() {
    if (busy_) return;
    QString problem;
    try {
        CatalogSource::Local local = source_.loadLocal();
        problem = local.warning;
        // A remote catalog fetched in this session stays when its cache could not be saved.
        if (catalog_.isEmpty() || local.catalog.updated() >= catalog_.updated())
            setCatalog(std::move(local.catalog), local.origin);
        else
            recheckInstalled();
    } catch (const CatalogError& e) {
        problem = QString::fromStdString(e.what());
        recheckInstalled();
    }

    const QString url = source_.url();
    if (url.isEmpty()) {
        setStatus(catalog_.isEmpty() ? QStringLiteral("No catalog") : describe(catalog_, origin_), problem);
        emit refreshFinished(problem.isEmpty() || !catalog_.isEmpty());
        return;
    }

    if (worker_.joinable()) worker_.join();
    busy_ = true;
    emit busyChanged();
    setStatus(QStringLiteral("Checking %1 for a newer catalog…").arg(url), problem);
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    worker_ = std::thread([this, url, fetch = source_.fetcher(), cancel = cancel_] {
        bool ok = false;
        QString message;
        CatalogSource::Remote remote;
        try {
            remote = CatalogSource::fetchRemote(url, fetch, *cancel);
            ok = true;
        } catch (const std::exception& e) {
            message = QString::fromStdString(e.what());
        } catch (...) {
            message = url + QStringLiteral(": the fetch failed");
        }
        // The destructor sets the flag before it waits for this thread; past this check the posted
        // call is either delivered or discarded with the destroyed object.
        if (cancel->load()) return;
        QMetaObject::invokeMethod(
            this, [this, ok, message, remote] { finishFetch(ok, message, remote.document, remote.catalog); },
            Qt::QueuedConnection);
    });
}

void CatalogModel::finishFetch(bool ok, const QString& message, const QByteArray& document, const Catalog& remote) {
    if (worker_.joinable()) worker_.join();
    busy_ = false;
    if (!ok) {
        setStatus(catalog_.isEmpty() ? QStringLiteral("No catalog")
                                     : QStringLiteral("Kept the current catalog: %1").arg(describe(catalog_, origin_)),
                  message);
    } else if (!catalog_.isEmpty() && remote.updated() < catalog_.updated()) {
        setStatus(QStringLiteral("The catalog is up to date: %1").arg(describe(catalog_, origin_)), {});
    } else {
        setCatalog(remote, QStringLiteral("remote"));
        setStatus(describe(catalog_, origin_), source_.storeCache(document));
    }
    emit busyChanged();
    emit refreshFinished(ok);
}

}  // namespace tern::app
