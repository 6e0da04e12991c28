// One model download with libcurl: `<file>.part` grows until it is complete, then it is verified
// (size, sha256, GGUF) and renamed to `<file>` in the models folder (see verify.h).
//
// run() blocks: call it on a worker thread. pause() and cancel() may be called from any thread;
// they take effect within a fraction of a second (libcurl's progress callback checks them).
//
// What a transfer survives (each attempt resumes with `Range: bytes=N-`, N = the part's size):
//  - pause, a lost connection, a restart of the app: the part and `<file>.part.json` (URL, size,
//    sha256) stay on disk; a new job for the same URL continues from them;
//  - a server that ignores Range (200 with the whole body): the part is truncated and rewritten
//    from byte 0, never appended to;
//  - a 206 whose Content-Range starts before N (the overlap is skipped) or after N (restart);
//  - redirects (followed here, at most 10, each target checked by checkDownloadUrl());
//  - 408/429/5xx, connection errors, a body shorter than announced, a stalled connection (below
//    lowSpeedBytesPerSecond for lowSpeedSeconds): retried with exponential backoff, at most
//    maxRetries times in a row without progress;
//  - other 4xx: fail at once ("HTTP 404 Not Found for URL").
// A hash or GGUF failure deletes the part. Proxies come from the usual environment variables
// (http_proxy, https_proxy, no_proxy), which libcurl reads; loopback URLs never use a proxy.
#pragma once

#include <QString>

#include <atomic>
#include <functional>

namespace tern::app {

enum class DownloadState { Queued, Downloading, Paused, Verifying, Done, Failed, Cancelled };
// "queued", "downloading", "paused", "verifying", "done", "failed", "cancelled" (for QML).
QString downloadStateName(DownloadState s);

struct DownloadRequest {
    QString url;
    QString finalPath;          // where the verified file goes: <models dir>/<name>.gguf
    qint64 expectedSize = -1;   // bytes; -1 = unknown (learned from the server, not checked)
    QString sha256;             // hex; empty = not checked
};

struct DownloadOptions {
    int maxRetries = 5;                  // transient failures in a row without progress
    int backoffMs = 500;                 // wait before the first retry; doubles each time
    int maxBackoffMs = 30000;
    int lowSpeedBytesPerSecond = 1000;   // below this for lowSpeedSeconds = stalled
    int lowSpeedSeconds = 30;
    int connectTimeoutSeconds = 30;
    qint64 freeSpaceOverride = -1;       // >= 0: pretend this many bytes are free (tests)
    int progressIntervalMs = 100;        // at most one progress report per interval
};

struct DownloadProgress {
    qint64 bytesDone = 0;
    qint64 bytesTotal = -1;      // -1 while unknown
    double bytesPerSecond = 0;   // over the last few seconds
    double etaSeconds = -1;      // -1 while unknown
};

struct DownloadOutcome {
    DownloadState state = DownloadState::Failed;  // Done, Paused, Cancelled or Failed
    QString error;                                // for Failed: one line
};

// What `<file>.part.json` holds, so a restarted app can resume the download.
struct PartMeta {
    QString url;
    qint64 expectedSize = -1;
    QString sha256;
    qint64 total = -1;  // the size the server announced, when expectedSize is unknown
};
bool readPartMeta(const QString& finalPath, PartMeta* meta);
bool writePartMeta(const QString& finalPath, const PartMeta& meta);

class DownloadJob {
public:
    struct Callbacks {
        std::function<void(const DownloadProgress&)> progress;
        // Downloading (note: e.g. "HTTP 503 ...; retry 2 of 5 in 1 s", empty when all is well)
        // and Verifying; the final state is run()'s result.
        std::function<void(DownloadState, const QString& note)> state;
    };

    DownloadJob(DownloadRequest request, DownloadOptions options);
    ~DownloadJob();
    DownloadJob(const DownloadJob&) = delete;
    DownloadJob& operator=(const DownloadJob&) = delete;

    DownloadOutcome run(const Callbacks& callbacks);
    void pause() { raiseStop(kPause); }
    void cancel() { raiseStop(kCancel); }

    const DownloadRequest& request() const { return req_; }

private:
    static constexpr int kPause = 1, kCancel = 2;  // stop_: cancel wins over pause
    void raiseStop(int level);

    DownloadRequest req_;
    DownloadOptions opt_;
    std::atomic<int> stop_{0};
};

// Initialises libcurl once per process (idempotent, thread-safe).
void ensureCurlInitialised();

}  // namespace tern::app
