#include "downloads/http_transfer.h"

#include "downloads/verify.h"

#include <QByteArray>
#include <QUrl>

#include <curl/curl.h>

#include <algorithm>

namespace tern::app {

namespace {

constexpr int kMaxRedirects = 10;

// What the headers of the current response said. Reset at each status line.
struct Response {
    long status = 0;
    QString reason;
    qint64 contentLength = -1;
    bool hasContentRange = false;
    qint64 rangeStart = -1;  // -1 for "bytes */T"
    qint64 rangeTotal = -1;  // -1 for "bytes S-E/*"
};

struct Ctx {
    const TransferParams* p = nullptr;
    Response resp;
    bool accepting = false;  // the body goes into the part (a 200 or 206 for the file)
    qint64 writePos = 0;
    qint64 skip = 0;         // leading body bytes we already have (a 206 that starts early)
    qint64 total = -1;
    bool aborted = false;
    TransferResult abort;
};

void fail(Ctx& c, TransferResult::Kind kind, const QString& error, bool discard = false) {
    c.aborted = true;
    c.abort.kind = kind;
    c.abort.error = error;
    c.abort.discardPart = discard;
}

// "bytes 100-199/1000", "bytes */1000", "bytes 100-199/*".
void parseContentRange(const QByteArray& v, Response& r) {
    QByteArray s = v.trimmed();
    if (!s.toLower().startsWith("bytes ")) return;
    s = s.mid(6).trimmed();
    const qsizetype slash = s.indexOf('/');
    if (slash < 0) return;
    const QByteArray range = s.left(slash), total = s.mid(slash + 1);
    bool ok = false;
    if (total != "*") {
        r.rangeTotal = total.toLongLong(&ok);
        if (!ok || r.rangeTotal < 0) r.rangeTotal = -1;
    }
    if (range != "*") {
        const qsizetype dash = range.indexOf('-');
        if (dash <= 0) return;
        r.rangeStart = range.left(dash).toLongLong(&ok);
        if (!ok || r.rangeStart < 0) return;
    }
    r.hasContentRange = true;
}

// Decides where the body goes once the headers of a 200/206 are in. False aborts the transfer.
bool headersDone(Ctx& c) {
    const TransferParams& p = *c.p;
    if (c.resp.status == 200) {
        // A full body: if we asked for a range the server ignored it, so start over at byte 0 —
        // appending it to the part would corrupt the file.
        if (p.offset > 0 && !p.part->resize(0)) {
            fail(c, TransferResult::Permanent, QStringLiteral("cannot truncate %1: %2").arg(p.part->fileName(), p.part->errorString()));
            return false;
        }
        c.writePos = 0;
        c.skip = 0;
        c.total = c.resp.contentLength;
    } else if (c.resp.status == 206) {
        if (!c.resp.hasContentRange || c.resp.rangeStart < 0 || c.resp.rangeStart > p.offset) {
            // A range we cannot line up with what we have (or none at all): start over.
            fail(c, TransferResult::Restart, QStringLiteral("the server answered a different range than asked"));
            return false;
        }
        c.writePos = p.offset;
        c.skip = p.offset - c.resp.rangeStart;
        c.total = c.resp.rangeTotal;
    } else {
        c.accepting = false;
        return true;
    }
    c.accepting = true;
    if (c.total >= 0) {
        if (p.onTotal) p.onTotal(c.total);
        if (p.expectedSize < 0) {
            const QString err = checkDiskSpace(p.modelsDir, c.total - c.writePos, p.options->freeSpaceOverride);
            if (!err.isEmpty()) {
                fail(c, TransferResult::Permanent, err);
                return false;
            }
        }
    }
    return true;
}

size_t onHeader(char* buf, size_t size, size_t n, void* user) {
    Ctx& c = *static_cast<Ctx*>(user);
    const size_t len = size * n;
    const QByteArray line = QByteArray(buf, qsizetype(len)).trimmed();
    if (line.startsWith("HTTP/")) {
        c.resp = Response{};
        c.accepting = false;
        const QList<QByteArray> parts = line.split(' ');
        if (parts.size() >= 2) c.resp.status = parts[1].toLong();
        const qsizetype sp = line.indexOf(' ', line.indexOf(' ') + 1);
        if (sp > 0) c.resp.reason = QString::fromLatin1(line.mid(sp + 1).trimmed());
    } else if (line.isEmpty()) {
        if (!headersDone(c)) return 0;
    } else {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0) {
            const QByteArray name = line.left(colon).trimmed().toLower(), value = line.mid(colon + 1).trimmed();
            bool ok = false;
            if (name == "content-length") {
                const qint64 v = value.toLongLong(&ok);
                c.resp.contentLength = ok && v >= 0 ? v : -1;
            } else if (name == "content-range") {
                parseContentRange(value, c.resp);
            }
        }
    }
    return len;
}

size_t onBody(char* data, size_t size, size_t n, void* user) {
    Ctx& c = *static_cast<Ctx*>(user);
    const size_t len = size * n;
    if (!c.accepting) return len;  // a redirect's or an error page's body
    const TransferParams& p = *c.p;
    qint64 remaining = qint64(len);
    if (c.skip > 0) {
        const qint64 k = std::min(c.skip, remaining);
        c.skip -= k;
        data += k;
        remaining -= k;
    }
    if (remaining == 0) return len;
    if (p.expectedSize >= 0 && c.writePos + remaining > p.expectedSize) {
        fail(c, TransferResult::Permanent,
             QStringLiteral("the server sent more than the expected %1 bytes for %2").arg(p.expectedSize).arg(p.url), true);
        return 0;
    }
    if (!p.part->seek(c.writePos) || p.part->write(data, remaining) != remaining) {
        fail(c, TransferResult::Permanent, QStringLiteral("cannot write %1: %2").arg(p.part->fileName(), p.part->errorString()));
        return 0;
    }
    c.writePos += remaining;
    return len;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    Ctx& c = *static_cast<Ctx*>(user);
    if (c.p->stop->load()) return 1;  // aborts with CURLE_ABORTED_BY_CALLBACK
    if (c.p->onBytes && c.accepting) c.p->onBytes(c.writePos);
    return 0;
}

QString reasonFor(long status, const QString& given) {
    if (!given.isEmpty()) return given;
    switch (status) {
        case 400: return QStringLiteral("Bad Request");
        case 401: return QStringLiteral("Unauthorized");
        case 403: return QStringLiteral("Forbidden");
        case 404: return QStringLiteral("Not Found");
        case 408: return QStringLiteral("Request Timeout");
        case 410: return QStringLiteral("Gone");
        case 429: return QStringLiteral("Too Many Requests");
        case 500: return QStringLiteral("Internal Server Error");
        case 502: return QStringLiteral("Bad Gateway");
        case 503: return QStringLiteral("Service Unavailable");
        case 504: return QStringLiteral("Gateway Timeout");
        default: return {};
    }
}

bool transientCurlError(CURLcode rc) {
    switch (rc) {
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
        case CURLE_PARTIAL_FILE:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_HTTP2:
        case CURLE_HTTP2_STREAM:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_HTTP3:
        case CURLE_QUIC_CONNECT_ERROR:
        case CURLE_AGAIN: return true;
        default: return false;
    }
}

}  // namespace

TransferResult runTransfer(void* handle, const TransferParams& p) {
    CURL* curl = static_cast<CURL*>(handle);
    const QUrl original(p.url);
    QUrl current = original;
    char errbuf[CURL_ERROR_SIZE];
    const QByteArray range = QByteArray::number(p.offset) + '-';
    for (int hop = 0; hop <= kMaxRedirects; ++hop) {
        const QString urlError = checkDownloadUrl(current, hop == 0 ? QUrl() : original);
        if (!urlError.isEmpty()) return {TransferResult::Permanent, urlError, false};
        const QString shown = current.toDisplayString();

        Ctx c;
        c.p = &p;
        c.writePos = p.offset;
        c.total = p.knownTotal;
        errbuf[0] = 0;
        const QByteArray url = current.toEncoded();
        curl_easy_setopt(curl, CURLOPT_URL, url.constData());
        curl_easy_setopt(curl, CURLOPT_RANGE, p.offset > 0 ? range.constData() : nullptr);
        // "*": no proxy for this request. nullptr: libcurl's default, the environment.
        curl_easy_setopt(curl, CURLOPT_NOPROXY, isLoopbackHost(current.host()) ? "*" : nullptr);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &onHeader);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, &c);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &onBody);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &c);
        curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &onProgress);
        curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &c);
        const CURLcode rc = curl_easy_perform(curl);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);

        if (rc == CURLE_ABORTED_BY_CALLBACK || p.stop->load()) return {TransferResult::Stopped, {}, false};
        if (c.aborted) return c.abort;
        const long status = c.resp.status;
        if (rc == CURLE_OK && (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)) {
            char* location = nullptr;
            curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location);
            if (!location || !*location)
                return {TransferResult::Permanent, QStringLiteral("HTTP %1 without a Location for %2").arg(status).arg(shown), false};
            current = QUrl::fromEncoded(QByteArray(location));
            continue;
        }
        if (rc != CURLE_OK) {
            QString what;
            if (rc == CURLE_OPERATION_TIMEDOUT && c.accepting)
                what = QStringLiteral("the download stalled (below %1/s for %2 s)")
                           .arg(formatBytes(p.options->lowSpeedBytesPerSecond))
                           .arg(p.options->lowSpeedSeconds);
            else if (rc == CURLE_PARTIAL_FILE && c.accepting && c.total >= 0)
                what = QStringLiteral("the connection closed after %1 of %2 bytes").arg(c.writePos).arg(c.total);
            else
                what = QString::fromUtf8(*errbuf ? errbuf : curl_easy_strerror(rc));
            return {transientCurlError(rc) ? TransferResult::Transient : TransferResult::Permanent,
                    QStringLiteral("%1 (%2)").arg(what, shown), false};
        }
        if (status == 416) {
            // Asked for bytes past the end: if the server's size is exactly what we have, the
            // part is complete (an earlier response announced more than it sent).
            if (p.offset > 0 && c.resp.rangeTotal == p.offset) return {TransferResult::Complete, {}, false};
            return {TransferResult::Restart, QStringLiteral("the server refused the range %1").arg(QString::fromLatin1(range)), false};
        }
        if (status == 200 || status == 206) {
            const qint64 want = p.expectedSize >= 0 ? p.expectedSize : c.total;
            if (want >= 0 && c.writePos < want)
                return {TransferResult::Transient,
                        QStringLiteral("the connection closed after %1 of %2 bytes (%3)").arg(c.writePos).arg(want).arg(shown), false};
            return {TransferResult::Complete, {}, false};
        }
        QString msg = QStringLiteral("HTTP %1").arg(status);
        const QString reason = reasonFor(status, c.resp.reason);
        if (!reason.isEmpty()) msg += QLatin1Char(' ') + reason;
        msg += QStringLiteral(" for ") + shown;
        const bool transient = status == 408 || status == 425 || status == 429 || status >= 500 || status == 0;
        return {transient ? TransferResult::Transient : TransferResult::Permanent, msg, false};
    }
    return {TransferResult::Permanent, QStringLiteral("too many redirects (more than %1) for %2").arg(kMaxRedirects).arg(p.url), false};
}

}  // namespace tern::app
