#include "downloads/download_job.h"

#include "downloads/http_transfer.h"
#include "downloads/verify.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QThread>

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <utility>

namespace tern::app {

QString downloadStateName(DownloadState s) {
    switch (s) {
        case DownloadState::Queued: return QStringLiteral("queued");
        case DownloadState::Downloading: return QStringLiteral("downloading");
        case DownloadState::Paused: return QStringLiteral("paused");
        case DownloadState::Verifying: return QStringLiteral("verifying");
        case DownloadState::Done: return QStringLiteral("done");
        case DownloadState::Failed: return QStringLiteral("failed");
        case DownloadState::Cancelled: return QStringLiteral("cancelled");
    }
    return {};
}

void ensureCurlInitialised() {
    static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    (void)ok;  // a failure shows up as an error of curl_easy_init
}

bool readPartMeta(const QString& finalPath, PartMeta* meta) {
    QFile f(partMetaPath(finalPath));
    if (!f.open(QIODevice::ReadOnly)) return false;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    if (o.value("url").toString().isEmpty()) return false;
    meta->url = o.value("url").toString();
    meta->expectedSize = o.value("size").toInteger(-1);
    meta->sha256 = o.value("sha256").toString();
    meta->total = o.value("total").toInteger(-1);
    return true;
}

bool writePartMeta(const QString& finalPath, const PartMeta& meta) {
    QJsonObject o;
    o["url"] = meta.url;
    o["size"] = meta.expectedSize;
    o["sha256"] = meta.sha256;
    o["total"] = meta.total;
    QSaveFile f(partMetaPath(finalPath));
    if (!f.open(QIODevice::WriteOnly)) return false;
    f.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
    return f.commit();
}

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0, Clock::time_point t1) { return std::chrono::duration<double>(t1 - t0).count(); }

// Bytes per second over the last few seconds, from samples of the byte count.
class SpeedMeter {
public:
    void reset() { samples_.clear(); }
    void add(Clock::time_point t, qint64 bytes) {
        if (!samples_.empty() && bytes < samples_.back().second) samples_.clear();  // restarted from zero
        samples_.emplace_back(t, bytes);
        while (samples_.size() > 2 && secondsSince(samples_.front().first, t) > kWindowSeconds) samples_.pop_front();
    }
    double bytesPerSecond() const {
        if (samples_.size() < 2) return 0;
        const double dt = secondsSince(samples_.front().first, samples_.back().first);
        return dt > 0 ? double(samples_.back().second - samples_.front().second) / dt : 0;
    }

private:
    static constexpr double kWindowSeconds = 5.0;
    std::deque<std::pair<Clock::time_point, qint64>> samples_;
};

}  // namespace

DownloadJob::DownloadJob(DownloadRequest request, DownloadOptions options)
    : req_(std::move(request)), opt_(std::move(options)) {}

DownloadJob::~DownloadJob() = default;

void DownloadJob::raiseStop(int level) {
    int cur = stop_.load();
    while (cur < level && !stop_.compare_exchange_weak(cur, level)) {
    }
}

DownloadOutcome DownloadJob::run(const Callbacks& cb) {
    ensureCurlInitialised();
    const QString finalPath = req_.finalPath;
    const QString part = partPath(finalPath);
    const QString name = QFileInfo(finalPath).fileName();
    const QString dir = QFileInfo(finalPath).absolutePath();
    auto setState = [&](DownloadState s, const QString& note) {
        if (cb.state) cb.state(s, note);
    };
    auto failed = [&](const QString& error) {
        // An empty part holds nothing worth resuming; keep a non-empty one for a retry.
        if (QFileInfo(part).size() == 0) removePartFiles(finalPath);
        return DownloadOutcome{DownloadState::Failed, error};
    };
    auto stopped = [&]() {
        if (stop_.load() == kCancel) {
            removePartFiles(finalPath);
            return DownloadOutcome{DownloadState::Cancelled, {}};
        }
        return DownloadOutcome{DownloadState::Paused, {}};
    };

    if (const QString err = checkDownloadUrl(QUrl(req_.url)); !err.isEmpty()) return {DownloadState::Failed, err};
    if (QFileInfo::exists(finalPath))
        return {DownloadState::Failed, QStringLiteral("%1 is already installed in %2").arg(name, QDir::toNativeSeparators(dir))};
    if (stop_.load()) return stopped();
    setState(DownloadState::Downloading, {});

    // Continue an earlier part only if it was a download of this very URL.
    PartMeta meta;
    const bool haveMeta = readPartMeta(finalPath, &meta);
    if (!haveMeta || meta.url != req_.url || (req_.expectedSize >= 0 && meta.expectedSize >= 0 && meta.expectedSize != req_.expectedSize))
        QFile::remove(part);
    qint64 knownTotal = req_.expectedSize >= 0 ? req_.expectedSize : (haveMeta && meta.url == req_.url ? meta.total : -1);
    meta = PartMeta{req_.url, req_.expectedSize, req_.sha256, knownTotal};
    if (!writePartMeta(finalPath, meta)) return failed(QStringLiteral("cannot write %1").arg(partMetaPath(finalPath)));

    QFile file(part);
    // Unbuffered: every write reaches the OS at once, so a killed process leaves a part that
    // holds exactly what was received.
    if (!file.open(QIODevice::ReadWrite | QIODevice::Unbuffered))
        return failed(QStringLiteral("cannot create %1: %2").arg(part, file.errorString()));
    if (req_.expectedSize >= 0 && file.size() > req_.expectedSize) file.resize(0);

    CURL* curl = curl_easy_init();
    if (!curl) return failed(QStringLiteral("cannot start libcurl"));
    struct CurlCleanup {
        CURL* c;
        ~CurlCleanup() { curl_easy_cleanup(c); }
    } cleanup{curl};
    const QByteArray userAgent = QByteArrayLiteral("Tern/" TERN_VERSION);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, userAgent.constData());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // followed by hand, each hop checked
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, long(opt_.connectTimeoutSeconds));
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, long(opt_.lowSpeedBytesPerSecond));
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, long(opt_.lowSpeedSeconds));
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    // A proxy's "200 Connection established" must not reach the header parser: it would pass
    // for the server's answer to our Range request.
    curl_easy_setopt(curl, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);

    SpeedMeter speed;
    Clock::time_point lastReport{};
    auto report = [&](qint64 done, bool force) {
        const Clock::time_point now = Clock::now();
        speed.add(now, done);
        if (!force && std::chrono::duration_cast<std::chrono::milliseconds>(now - lastReport).count() < opt_.progressIntervalMs) return;
        lastReport = now;
        DownloadProgress pr;
        pr.bytesDone = done;
        pr.bytesTotal = knownTotal;
        pr.bytesPerSecond = speed.bytesPerSecond();
        if (knownTotal >= 0 && pr.bytesPerSecond > 0) pr.etaSeconds = double(std::max<qint64>(0, knownTotal - done)) / pr.bytesPerSecond;
        if (cb.progress) cb.progress(pr);
    };

    int failures = 0;
    int restarts = 0;
    int backoff = opt_.backoffMs;
    for (;;) {
        if (stop_.load()) return stopped();
        const qint64 offset = file.size();
        report(offset, true);
        if (knownTotal >= 0 && offset == knownTotal) break;
        if (const QString err = checkDiskSpace(dir, knownTotal >= 0 ? knownTotal - offset : 0, opt_.freeSpaceOverride); !err.isEmpty())
            return failed(err);

        TransferParams tp;
        tp.url = req_.url;
        tp.offset = offset;
        tp.expectedSize = req_.expectedSize;
        tp.knownTotal = knownTotal;
        tp.options = &opt_;
        tp.part = &file;
        tp.modelsDir = dir;
        tp.stop = &stop_;
        tp.onBytes = [&](qint64 done) { report(done, false); };
        tp.onTotal = [&](qint64 total) {
            if (req_.expectedSize >= 0 || total == knownTotal) return;
            knownTotal = total;
            meta.total = total;
            writePartMeta(finalPath, meta);
        };
        const TransferResult r = runTransfer(curl, tp);
        report(file.size(), true);
        switch (r.kind) {
            case TransferResult::Complete: break;
            case TransferResult::Stopped: return stopped();
            case TransferResult::Restart:
                // Bounded too: a server that keeps answering unusable ranges ends the download.
                if (++restarts > opt_.maxRetries + 1) return failed(r.error);
                file.resize(0);
                speed.reset();
                continue;
            case TransferResult::Permanent:
                if (r.discardPart) {
                    file.close();
                    removePartFiles(finalPath);
                }
                return failed(r.error);
            case TransferResult::Transient: {
                if (file.size() > offset) {
                    failures = 0;  // it moved forward: only a lack of progress counts
                    backoff = opt_.backoffMs;
                }
                if (++failures > opt_.maxRetries)
                    return failed(opt_.maxRetries == 0   ? r.error
                                  : opt_.maxRetries == 1 ? QStringLiteral("%1 (gave up after 1 retry)").arg(r.error)
                                                         : QStringLiteral("%1 (gave up after %2 retries)").arg(r.error).arg(opt_.maxRetries));
                setState(DownloadState::Downloading, QStringLiteral("%1; retry %2 of %3 in %4 s")
                                                         .arg(r.error)
                                                         .arg(failures)
                                                         .arg(opt_.maxRetries)
                                                         .arg(double(backoff) / 1000.0, 0, 'g', 2));
                for (int waited = 0; waited < backoff && !stop_.load(); waited += 20) QThread::msleep(20);
                backoff = std::min(backoff * 2, opt_.maxBackoffMs);
                continue;
            }
        }
        break;  // Complete
    }

    report(file.size(), true);
    file.close();
    setState(DownloadState::Verifying, {});
    bool verifyStopped = false;
    const QString err = verifyDownload(part, name, req_.expectedSize, req_.sha256, &stop_, &verifyStopped);
    if (verifyStopped) return stopped();
    if (!err.isEmpty()) {
        removePartFiles(finalPath);
        return {DownloadState::Failed, err + QStringLiteral("; the downloaded file was deleted")};
    }
    if (stop_.load() == kCancel) return stopped();
    if (const QString installErr = installPart(part, finalPath); !installErr.isEmpty()) {
        removePartFiles(finalPath);
        return {DownloadState::Failed, installErr};
    }
    QFile::remove(partMetaPath(finalPath));
    return {DownloadState::Done, {}};
}

}  // namespace tern::app
