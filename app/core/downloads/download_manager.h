// The queue of model downloads, as a list model for QML (the catalog page, the model list) and
// for `tern-cli pull`. Each running download is a DownloadJob on its own worker thread; at most
// maxConcurrent() (default 2) run at once, the rest wait as "queued". All methods and signals
// belong to the thread that owns the manager (the GUI thread).
//
// An entry's id is its file name in the models folder (unique there). Unfinished downloads keep
// `<file>.part` + `<file>.part.json` on disk: a new manager on the same folder lists them as
// "paused", and resume() continues each from where it stopped. Destroying the manager pauses the
// running downloads (their parts stay) and waits for the worker threads.
#pragma once

#include "downloads/download_job.h"

#include <QAbstractListModel>
#include <QString>
#include <QVariantMap>

#include <memory>
#include <vector>

namespace tern::app {

class DownloadManager : public QAbstractListModel {
    Q_OBJECT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int activeCount READ activeCount NOTIFY activeCountChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,  // "id": the file name, e.g. "model-q4_0.gguf"
        FileNameRole,               // "fileName": same as id
        UrlRole,                    // "url"
        StateRole,                  // "state": queued|downloading|paused|verifying|done|failed|cancelled
        BytesDoneRole,              // "bytesDone"
        BytesTotalRole,             // "bytesTotal": -1 while unknown
        ProgressRole,               // "progress": 0..1, -1 while the size is unknown
        SpeedRole,                  // "speed": bytes/s over the last seconds (0 when not running)
        EtaRole,                    // "eta": seconds left, -1 while unknown
        ErrorRole,                  // "error": why it failed (one line), else empty
        MessageRole,                // "message": a passing note, e.g. "...; retry 2 of 5 in 1 s"
        PathRole,                   // "path": where the model is (or will be) installed
        Sha256Role,                 // "sha256": expected hash, empty when not checked
    };

    explicit DownloadManager(const QString& modelsDir, QObject* parent = nullptr);
    ~DownloadManager() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return int(entries_.size()); }
    int activeCount() const;  // queued, downloading or verifying
    QString modelsDir() const { return dir_; }

    // Apply to downloads started afterwards.
    void setOptions(const DownloadOptions& options) { options_ = options; }
    const DownloadOptions& options() const { return options_; }
    void setMaxConcurrent(int n);
    int maxConcurrent() const { return maxConcurrent_; }

    // Queues a download into the models folder and returns its id; on a refused request returns
    // an empty string with `error` set (a non-https URL, a bad file name or sha256, a model of
    // that name already installed). fileName empty: the URL's last path segment. A paused or
    // failed download of the same file is resumed; one already running is left alone.
    QString enqueue(const QString& url, const QString& sha256 = {}, qint64 expectedSize = -1,
                    const QString& fileName = {}, QString* error = nullptr);
    // The same for QML: returns the error, empty when the download was queued.
    Q_INVOKABLE QString download(const QString& url, const QString& sha256 = QString(), qint64 expectedSize = -1,
                                 const QString& fileName = QString());

    Q_INVOKABLE void pause(const QString& id);   // keeps the part
    Q_INVOKABLE void resume(const QString& id);  // a paused or failed download, from its part
    Q_INVOKABLE void cancel(const QString& id);  // deletes the part
    Q_INVOKABLE void pauseAll();
    // Drops a done, failed or cancelled entry from the list (files are left as they are).
    Q_INVOKABLE void remove(const QString& id);
    // One entry's roles (role name → value), empty when there is no such download.
    Q_INVOKABLE QVariantMap get(const QString& id) const;

    bool contains(const QString& id) const { return find(id) >= 0; }
    DownloadState state(const QString& id) const;
    DownloadProgress progress(const QString& id) const;
    QString error(const QString& id) const;

signals:
    void countChanged();
    void activeCountChanged();
    void progressChanged(const QString& id, qint64 bytesDone, qint64 bytesTotal, double bytesPerSecond, double etaSeconds);
    void stateChanged(const QString& id, const QString& state, const QString& message);
    // A model was verified and moved into the models folder (refresh the ModelRegistry).
    void installed(const QString& id, const QString& path);
    // A download stopped: "done", "failed" (with the error), "cancelled" or "paused".
    void finished(const QString& id, const QString& state, const QString& error);

private:
    struct Entry;
    int find(const QString& id) const;
    int findJob(const DownloadJob* job) const;
    void setState(int row, DownloadState s, const QString& message = {});
    void schedule();
    void startJob(int row);
    void onJobProgress(const DownloadJob* job, const DownloadProgress& p);
    void onJobState(const DownloadJob* job, DownloadState s, const QString& note);
    void onJobFinished(const DownloadJob* job, const DownloadOutcome& outcome);
    void loadUnfinished();
    void rowChanged(int row);

    QString dir_;
    DownloadOptions options_;
    int maxConcurrent_ = 2;
    int lastActive_ = 0;
    std::vector<std::unique_ptr<Entry>> entries_;
};

}  // namespace tern::app
