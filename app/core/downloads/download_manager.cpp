#include "downloads/download_manager.h"

#include "downloads/verify.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>

#include <thread>

namespace tern::app {

struct DownloadManager::Entry {
    QString id;
    DownloadRequest req;
    DownloadState state = DownloadState::Queued;
    DownloadProgress progress;
    QString error, message;
    std::shared_ptr<DownloadJob> job;  // while running
    std::thread thread;
};

DownloadManager::DownloadManager(const QString& modelsDir, QObject* parent)
    : QAbstractListModel(parent), dir_(QDir(modelsDir).absolutePath()) {
    ensureCurlInitialised();  // here, on the main thread, before any worker uses libcurl
    QDir().mkpath(dir_);
    loadUnfinished();
}

DownloadManager::~DownloadManager() {
    // The parts stay on disk for the next start; the workers stop within a fraction of a second.
    for (auto& e : entries_)
        if (e->job) e->job->pause();
    for (auto& e : entries_)
        if (e->thread.joinable()) e->thread.join();
}

void DownloadManager::loadUnfinished() {
    const QStringList metas = QDir(dir_).entryList({"*.part.json"}, QDir::Files, QDir::Name);
    for (const QString& m : metas) {
        const QString name = m.chopped(int(QStringLiteral(".part.json").size()));
        const QString finalPath = dir_ + QLatin1Char('/') + name;
        PartMeta meta;
        if (!checkFileName(name).isEmpty() || !readPartMeta(finalPath, &meta)) continue;
        if (QFileInfo::exists(finalPath)) {  // installed meanwhile: the leftovers are stale
            removePartFiles(finalPath);
            continue;
        }
        auto e = std::make_unique<Entry>();
        e->id = name;
        e->req = DownloadRequest{meta.url, finalPath, meta.expectedSize, meta.sha256};
        e->state = DownloadState::Paused;
        e->progress.bytesDone = QFileInfo(partPath(finalPath)).size();
        e->progress.bytesTotal = meta.expectedSize >= 0 ? meta.expectedSize : meta.total;
        entries_.push_back(std::move(e));
    }
}

int DownloadManager::find(const QString& id) const {
    for (size_t i = 0; i < entries_.size(); ++i)
        if (entries_[i]->id == id) return int(i);
    return -1;
}

int DownloadManager::findJob(const DownloadJob* job) const {
    for (size_t i = 0; i < entries_.size(); ++i)
        if (entries_[i]->job.get() == job) return int(i);
    return -1;
}

int DownloadManager::activeCount() const {
    int n = 0;
    for (const auto& e : entries_)
        if (e->state == DownloadState::Queued || e->state == DownloadState::Downloading || e->state == DownloadState::Verifying) ++n;
    return n;
}

void DownloadManager::setMaxConcurrent(int n) {
    maxConcurrent_ = n < 1 ? 1 : n;
    schedule();
}

QString DownloadManager::download(const QString& url, const QString& sha256, qint64 expectedSize, const QString& fileName) {
    QString error;
    enqueue(url, sha256, expectedSize, fileName, &error);
    return error;
}

QString DownloadManager::enqueue(const QString& url, const QString& sha256, qint64 expectedSize, const QString& fileName,
                                 QString* error) {
    auto refuse = [&](const QString& why) {
        if (error) *error = why;
        return QString();
    };
    const QUrl u(url);
    if (const QString err = checkDownloadUrl(u); !err.isEmpty()) return refuse(err);
    QString name = fileName;
    if (name.isEmpty()) {
        QString err;
        name = fileNameFromUrl(u, &err);
        if (!err.isEmpty()) return refuse(err);
    } else if (const QString err = checkFileName(name); !err.isEmpty()) {
        return refuse(err);
    }
    if (!sha256.isEmpty() && !isSha256Hex(sha256)) return refuse(QStringLiteral("'%1' is not a sha256 (64 hex digits)").arg(sha256));
    const QString finalPath = dir_ + QLatin1Char('/') + name;
    if (QFileInfo::exists(finalPath)) return refuse(QStringLiteral("%1 is already installed").arg(name));
    if (error) error->clear();

    const DownloadRequest req{url, finalPath, expectedSize < 0 ? -1 : expectedSize, sha256.toLower()};
    const int row = find(name);
    if (row >= 0) {
        Entry& e = *entries_[size_t(row)];
        const bool active = e.state == DownloadState::Queued || e.state == DownloadState::Downloading ||
                            e.state == DownloadState::Verifying;
        if (active) {
            if (e.req.url != url) return refuse(QStringLiteral("%1 is already being downloaded from %2").arg(name, e.req.url));
            return name;
        }
        // Paused, failed, done or cancelled: take the new details (a paused download of the same
        // URL keeps its part; a different URL or size makes the job start over).
        e.req = req;
        if (expectedSize < 0 && sha256.isEmpty()) {
            PartMeta meta;
            if (readPartMeta(finalPath, &meta) && meta.url == url) {
                e.req.expectedSize = meta.expectedSize;
                e.req.sha256 = meta.sha256;
            }
        }
        e.error.clear();
        setState(row, DownloadState::Queued);
        schedule();
        return name;
    }
    beginInsertRows({}, int(entries_.size()), int(entries_.size()));
    auto e = std::make_unique<Entry>();
    e->id = name;
    e->req = req;
    e->progress.bytesTotal = req.expectedSize;
    entries_.push_back(std::move(e));
    endInsertRows();
    emit countChanged();
    emit stateChanged(name, downloadStateName(DownloadState::Queued), {});
    schedule();
    return name;
}

void DownloadManager::pause(const QString& id) {
    const int row = find(id);
    if (row < 0) return;
    Entry& e = *entries_[size_t(row)];
    if (e.job) {
        e.job->pause();  // the state follows when the worker stops
    } else if (e.state == DownloadState::Queued) {
        setState(row, DownloadState::Paused);
        emit finished(id, downloadStateName(DownloadState::Paused), {});
    }
}

void DownloadManager::pauseAll() {
    for (const auto& e : entries_) pause(e->id);
}

void DownloadManager::resume(const QString& id) {
    const int row = find(id);
    if (row < 0) return;
    Entry& e = *entries_[size_t(row)];
    if (e.job || (e.state != DownloadState::Paused && e.state != DownloadState::Failed)) return;
    e.error.clear();
    setState(row, DownloadState::Queued);
    schedule();
}

void DownloadManager::cancel(const QString& id) {
    const int row = find(id);
    if (row < 0) return;
    Entry& e = *entries_[size_t(row)];
    if (e.job) {
        e.job->cancel();
        return;
    }
    if (e.state == DownloadState::Done || e.state == DownloadState::Cancelled) return;
    removePartFiles(e.req.finalPath);
    e.progress = DownloadProgress{};
    setState(row, DownloadState::Cancelled);
    emit finished(id, downloadStateName(DownloadState::Cancelled), {});
}

void DownloadManager::remove(const QString& id) {
    const int row = find(id);
    if (row < 0) return;
    const DownloadState s = entries_[size_t(row)]->state;
    if (s != DownloadState::Done && s != DownloadState::Failed && s != DownloadState::Cancelled) return;
    beginRemoveRows({}, row, row);
    entries_.erase(entries_.begin() + row);
    endRemoveRows();
    emit countChanged();
}

void DownloadManager::setState(int row, DownloadState s, const QString& message) {
    Entry& e = *entries_[size_t(row)];
    const bool changed = e.state != s || e.message != message;
    e.state = s;
    e.message = message;
    if (s != DownloadState::Downloading) {
        e.progress.bytesPerSecond = 0;
        e.progress.etaSeconds = -1;
    }
    rowChanged(row);
    if (changed) emit stateChanged(e.id, downloadStateName(s), message);
    const int active = activeCount();
    if (active != lastActive_) {
        lastActive_ = active;
        emit activeCountChanged();
    }
}

void DownloadManager::rowChanged(int row) {
    const QModelIndex i = index(row);
    emit dataChanged(i, i);
}

void DownloadManager::schedule() {
    int running = 0;
    for (const auto& e : entries_)
        if (e->job) ++running;
    for (size_t i = 0; i < entries_.size() && running < maxConcurrent_; ++i) {
        if (entries_[i]->state != DownloadState::Queued || entries_[i]->job) continue;
        startJob(int(i));
        ++running;
    }
}

void DownloadManager::startJob(int row) {
    Entry& e = *entries_[size_t(row)];
    auto job = std::make_shared<DownloadJob>(e.req, options_);
    e.job = job;
    setState(row, DownloadState::Downloading);
    const DownloadJob* key = job.get();
    // The worker reaches the manager only through queued calls (dropped if the manager is gone;
    // the destructor joins the workers before that can happen).
    e.thread = std::thread([this, job, key] {
        DownloadJob::Callbacks cb;
        cb.progress = [this, key](const DownloadProgress& p) {
            QMetaObject::invokeMethod(this, [this, key, p] { onJobProgress(key, p); }, Qt::QueuedConnection);
        };
        cb.state = [this, key](DownloadState s, const QString& note) {
            QMetaObject::invokeMethod(this, [this, key, s, note] { onJobState(key, s, note); }, Qt::QueuedConnection);
        };
        const DownloadOutcome outcome = job->run(cb);
        QMetaObject::invokeMethod(this, [this, key, outcome] { onJobFinished(key, outcome); }, Qt::QueuedConnection);
    });
}

void DownloadManager::onJobProgress(const DownloadJob* job, const DownloadProgress& p) {
    const int row = findJob(job);
    if (row < 0) return;
    Entry& e = *entries_[size_t(row)];
    e.progress = p;
    rowChanged(row);
    emit progressChanged(e.id, p.bytesDone, p.bytesTotal, p.bytesPerSecond, p.etaSeconds);
}

void DownloadManager::onJobState(const DownloadJob* job, DownloadState s, const QString& note) {
    const int row = findJob(job);
    if (row >= 0) setState(row, s, note);
}

void DownloadManager::onJobFinished(const DownloadJob* job, const DownloadOutcome& outcome) {
    const int row = findJob(job);
    if (row < 0) return;
    Entry& e = *entries_[size_t(row)];
    if (e.thread.joinable()) e.thread.join();  // it has posted its last call: ends at once
    e.job.reset();
    e.error = outcome.error;
    if (outcome.state == DownloadState::Done) {
        e.progress.bytesDone = QFileInfo(e.req.finalPath).size();
        e.progress.bytesTotal = e.progress.bytesDone;
    } else if (outcome.state == DownloadState::Cancelled) {
        e.progress = DownloadProgress{};
    } else {
        e.progress.bytesDone = QFileInfo(partPath(e.req.finalPath)).size();
    }
    const QString id = e.id, path = e.req.finalPath;
    setState(row, outcome.state);
    if (outcome.state == DownloadState::Done) emit installed(id, path);
    emit finished(id, downloadStateName(outcome.state), outcome.error);
    schedule();
}

DownloadState DownloadManager::state(const QString& id) const {
    const int row = find(id);
    return row < 0 ? DownloadState::Cancelled : entries_[size_t(row)]->state;
}

DownloadProgress DownloadManager::progress(const QString& id) const {
    const int row = find(id);
    return row < 0 ? DownloadProgress{} : entries_[size_t(row)]->progress;
}

QString DownloadManager::error(const QString& id) const {
    const int row = find(id);
    return row < 0 ? QString() : entries_[size_t(row)]->error;
}

int DownloadManager::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(entries_.size()); }

QVariant DownloadManager::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() < 0 || size_t(index.row()) >= entries_.size()) return {};
    const Entry& e = *entries_[size_t(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case IdRole:
        case FileNameRole: return e.id;
        case UrlRole: return e.req.url;
        case StateRole: return downloadStateName(e.state);
        case BytesDoneRole: return e.progress.bytesDone;
        case BytesTotalRole: return e.progress.bytesTotal;
        case ProgressRole:
            return e.progress.bytesTotal > 0 ? double(e.progress.bytesDone) / double(e.progress.bytesTotal)
                                             : (e.state == DownloadState::Done ? 1.0 : -1.0);
        case SpeedRole: return e.progress.bytesPerSecond;
        case EtaRole: return e.progress.etaSeconds;
        case ErrorRole: return e.error;
        case MessageRole: return e.message;
        case PathRole: return e.req.finalPath;
        case Sha256Role: return e.req.sha256;
        default: return {};
    }
}

QHash<int, QByteArray> DownloadManager::roleNames() const {
    return {{IdRole, "id"},       {FileNameRole, "fileName"}, {UrlRole, "url"},         {StateRole, "state"},
            {BytesDoneRole, "bytesDone"}, {BytesTotalRole, "bytesTotal"}, {ProgressRole, "progress"}, {SpeedRole, "speed"},
            {EtaRole, "eta"},     {ErrorRole, "error"},       {MessageRole, "message"}, {PathRole, "path"},
            {Sha256Role, "sha256"}};
}

QVariantMap DownloadManager::get(const QString& id) const {
    QVariantMap map;
    const int row = find(id);
    if (row < 0) return map;
    const QHash<int, QByteArray> roles = roleNames();
    for (auto it = roles.begin(); it != roles.end(); ++it) map.insert(QString::fromLatin1(it.value()), data(index(row), it.key()));
    return map;
}

}  // namespace tern::app
