// The catalog as a list model for QML (the catalog page): every entry with what it needs to run,
// whether it is installed and whether it fits in this machine's RAM, filtered by a search text and
// the ternary / MoE / fits-in-RAM switches. refresh() reloads the local catalog and, when a URL is
// set, fetches the remote one on a worker thread; a remote document that fails to fetch, parse or
// validate is rejected whole and the current catalog stays.
#pragma once

#include "catalog/catalog.h"
#include "catalog/catalog_requirements.h"
#include "catalog/catalog_source.h"

#include <QAbstractListModel>
#include <QVariantMap>

#include <atomic>
#include <memory>
#include <thread>

namespace tern::app {

class CatalogModel : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int totalCount READ totalCount NOTIFY catalogChanged)
    Q_PROPERTY(QString searchText READ searchText WRITE setSearchText NOTIFY filtersChanged)
    Q_PROPERTY(bool filterTernary READ filterTernary WRITE setFilterTernary NOTIFY filtersChanged)
    Q_PROPERTY(bool filterMoe READ filterMoe WRITE setFilterMoe NOTIFY filtersChanged)
    Q_PROPERTY(bool filterFitsRam READ filterFitsRam WRITE setFilterFitsRam NOTIFY filtersChanged)
    Q_PROPERTY(QString url READ url WRITE setUrl NOTIFY urlChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(QString status READ status NOTIFY statusChanged)
    Q_PROPERTY(QString error READ error NOTIFY statusChanged)
    Q_PROPERTY(QString updated READ updated NOTIFY catalogChanged)
    Q_PROPERTY(QString origin READ origin NOTIFY catalogChanged)
    Q_PROPERTY(qint64 totalRamBytes READ totalRamBytes NOTIFY catalogChanged)
public:
    enum Role {
        CatalogIdRole = Qt::UserRole + 1, NameRole, PublisherRole, RepositoryRole, FileNameRole, LocalFileNameRole,
        UrlRole, BundledRole, QuantizationRole, SizeBytesRole, SizeNoteRole, Sha256Role, Sha256NoteRole, TypesRole,
        ArchitectureRole, TokenizerRole, ParamsTotalRole, ParamsActiveRole, ExpertsRole, ExpertsUsedRole,
        ContextLengthRole, LicenseRole, RamBytesRole, RamNoteRole, ChatTemplateRole, DescriptionRole, TagsRole,
        NotesRole, RunnableRole, UnsupportedReasonRole, InstalledRole, FitsInRamRole,
        CostRole  // stats/model_cost.h: the cost figures derivable from the entry (a map)
    };

    // Loads the local catalog at once (bundled, or the newer cached copy); fetches nothing.
    CatalogModel(const QString& resourcesDir, const QString& dataDir, const QString& modelsDir,
                 QObject* parent = nullptr);
    ~CatalogModel() override;  // cancels and waits for a running fetch

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return int(rows_.size()); }
    int totalCount() const { return int(catalog_.entries().size()); }
    QString searchText() const { return search_; }
    void setSearchText(const QString& text);
    bool filterTernary() const { return ternary_; }
    void setFilterTernary(bool on);
    bool filterMoe() const { return moe_; }
    void setFilterMoe(bool on);
    bool filterFitsRam() const { return fitsRam_; }
    void setFilterFitsRam(bool on);
    QString url() const { return source_.url(); }
    void setUrl(const QString& url);
    bool busy() const { return busy_; }
    QString status() const { return status_; }
    QString error() const { return error_; }
    QString updated() const;  // "YYYY-MM-DD", empty when the catalog has no date
    QString origin() const { return origin_; }  // "bundled", "cached", "remote" or "" (none loaded)
    qint64 totalRamBytes() const { return ramBytes_; }

    // One entry's roles as a map (role name → value), from the whole catalog (filters aside);
    // empty when there is no such id.
    Q_INVOKABLE QVariantMap get(const QString& id) const;
    // Reloads the local catalog, rechecks what is installed and, when a URL is set, fetches the
    // remote catalog in the background (busy until refreshFinished). Ignored while busy.
    Q_INVOKABLE void refresh();
    // Rechecks which entries have their file in the models folder (after a download or delete).
    Q_INVOKABLE void recheckInstalled();

    const Catalog& catalog() const { return catalog_; }
    std::optional<CatalogEntry> find(const QString& id) const { return catalog_.find(id); }
    CatalogSource& source() { return source_; }

    // For tests: the engine's answers and the machine's RAM.
    void setEngineSupport(EngineSupport support);
    void setTotalRamBytes(qint64 bytes);

signals:
    void countChanged();
    void filtersChanged();
    void urlChanged();
    void busyChanged();
    void statusChanged();
    void catalogChanged();
    void refreshFinished(bool ok);

private:
    struct Item {
        CatalogEntry entry;
        QString unsupported;
        bool installed = false;
    };
    void setCatalog(Catalog catalog, const QString& origin);
    void rebuildItems();
    void applyFilters();
    bool accepts(const Item& item) const;
    bool fitsInRam(const CatalogEntry& e) const;
    QVariant value(const Item& item, int role) const;
    void setStatus(const QString& status, const QString& error);
    void finishFetch(bool ok, const QString& message, const QByteArray& document, const Catalog& remote);

    CatalogSource source_;
    QString modelsDir_;
    Catalog catalog_;
    QString origin_;
    EngineSupport support_;
    qint64 ramBytes_ = 0;
    QVector<Item> items_;  // the whole catalog, in document order
    QVector<int> rows_;    // indexes into items_ that pass the filters
    QString search_;
    bool ternary_ = false, moe_ = false, fitsRam_ = false;
    bool busy_ = false;
    QString status_, error_;
    std::thread worker_;
    std::shared_ptr<std::atomic<bool>> cancel_;
};

}  // namespace tern::app
