// One attempt of a download (internal to DownloadJob): a GET with `Range: bytes=offset-` when
// offset > 0, following redirects by hand (so each target passes checkDownloadUrl()), writing the
// body into the part file at the right position. The attempt's result says what the job does
// next: verify, retry, restart from zero or give up.
#pragma once

#include "downloads/download_job.h"

#include <QFile>
#include <QString>

#include <atomic>
#include <functional>

namespace tern::app {

struct TransferResult {
    enum Kind {
        Complete,   // the part holds the whole file (as far as the server told us)
        Stopped,    // pause() or cancel()
        Restart,    // the part cannot be continued: truncate it and start again from byte 0
        Transient,  // worth retrying (network, 5xx, 429, short body, stall)
        Permanent,  // retrying will not help (4xx, bad URL, disk full, ...)
    };
    Kind kind = Permanent;
    QString error;
    bool discardPart = false;  // Permanent: the part is useless (delete it)
};

struct TransferParams {
    QString url;
    qint64 offset = 0;          // bytes already in the part
    qint64 expectedSize = -1;
    qint64 knownTotal = -1;     // from an earlier attempt when expectedSize is unknown
    const DownloadOptions* options = nullptr;
    QFile* part = nullptr;      // open for read/write
    QString modelsDir;          // for the disk space check once the size is announced
    const std::atomic<int>* stop = nullptr;
    std::function<void(qint64 bytesDone)> onBytes;    // from libcurl's progress callback
    std::function<void(qint64 total)> onTotal;        // the size the server announced
};

// `curl` is an easy handle reused between attempts (it keeps connections alive).
TransferResult runTransfer(void* curl, const TransferParams& params);

}  // namespace tern::app
