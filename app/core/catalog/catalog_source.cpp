#include "catalog/catalog_source.h"
#include "downloads/verify.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QUrl>

#include <curl/curl.h>

#include <mutex>

namespace tern::app {

namespace {

struct Transfer {
    QByteArray body;
    qint64 maxBytes = 0;
    bool tooLarge = false;
    const std::atomic<bool>* cancelled = nullptr;
};

size_t onData(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    if (t->body.size() + qint64(n) > t->maxBytes) {
        t->tooLarge = true;
        return 0;  // makes curl stop with CURLE_WRITE_ERROR
    }
    t->body.append(data, qsizetype(n));
    return n;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    const auto* t = static_cast<const Transfer*>(user);
    return t->cancelled->load() ? 1 : 0;
}

}  // namespace

FetchResult httpsGet(const QString& url, const std::atomic<bool>& cancelled, qint64 maxBytes) {
    const QUrl u(url);
    const bool loopback = u.scheme() == QLatin1String("http") && isLoopbackHost(u.host());
    if ((u.scheme() != QLatin1String("https") && !loopback) || u.host().isEmpty())
        return {{}, QStringLiteral("not an https URL")};

    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    CURL* curl = curl_easy_init();
    if (!curl) return {{}, QStringLiteral("cannot start a transfer (curl_easy_init failed)")};

    Transfer t;
    t.maxBytes = maxBytes;
    t.cancelled = &cancelled;
    char errbuf[CURL_ERROR_SIZE] = {};
    const QByteArray urlBytes = u.toEncoded();
    const QByteArray agent = QByteArrayLiteral("Tern/") + TERN_VERSION;

    curl_easy_setopt(curl, CURLOPT_URL, urlBytes.constData());
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85: the string forms; the bitmask forms are deprecated
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, loopback ? "http" : "https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, loopback ? "http" : "https");
    if (loopback) curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
#else
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS, long(CURLPROTO_HTTPS));
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS, long(CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 30L);
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(curl, CURLOPT_USERAGENT, agent.constData());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onData);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);

    const CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(curl);

    if (rc == CURLE_OK) return {std::move(t.body), {}};
    if (t.tooLarge) return {{}, QStringLiteral("the document is larger than %1 bytes").arg(maxBytes)};
    if (rc == CURLE_ABORTED_BY_CALLBACK) return {{}, QStringLiteral("cancelled")};
    if (rc == CURLE_HTTP_RETURNED_ERROR) return {{}, QStringLiteral("the server answered HTTP %1").arg(status)};
    const QString detail = errbuf[0] ? QString::fromUtf8(errbuf) : QString::fromUtf8(curl_easy_strerror(rc));
    return {{}, detail.trimmed()};
}

CatalogSource::CatalogSource(const QString& resourcesDir, const QString& dataDir)
    : bundledPath_(Catalog::bundledPath(resourcesDir)),
      cachePath_(dataDir + QStringLiteral("/catalog-cache.json")),
      fetch_([](const QString& url, const std::atomic<bool>& cancelled) { return httpsGet(url, cancelled); }) {}

CatalogSource::Local CatalogSource::loadLocal() const {
    Local out;
    std::optional<Catalog> bundled;
    QString bundledError;
    try {
        bundled = Catalog::loadFile(bundledPath_);
    } catch (const CatalogError& e) {
        bundledError = QString::fromStdString(e.what());
    }
    std::optional<Catalog> cached;
    if (QFileInfo::exists(cachePath_)) {
        try {
            cached = Catalog::loadFile(cachePath_);
        } catch (const CatalogError& e) {
            out.warning = QStringLiteral("the cached catalog was not used: ") + QString::fromStdString(e.what());
        }
    }
    // A newer Tern ships a newer bundled catalog; an equally old cache adds nothing to it.
    if (cached && (!bundled || cached->updated() > bundled->updated())) {
        out.catalog = std::move(*cached);
        out.origin = QStringLiteral("cached");
        return out;
    }
    if (!bundled) throw CatalogError(bundledError.toStdString());
    out.catalog = std::move(*bundled);
    out.origin = QStringLiteral("bundled");
    return out;
}

CatalogSource::Remote CatalogSource::fetchRemote(const QString& url, const FetchFunction& fetch,
                                                 const std::atomic<bool>& cancelled) {
    if (!fetch) throw CatalogError("no way to fetch a catalog");
    FetchResult r = fetch(url, cancelled);
    if (!r.error.isEmpty()) throw CatalogError((url + QStringLiteral(": ") + r.error).toStdString());
    try {
        Remote out{Catalog::parse(r.body), std::move(r.body)};
        return out;
    } catch (const CatalogError& e) {
        throw CatalogError((url + QStringLiteral(": ") + QString::fromStdString(e.what())).toStdString());
    }
}

QString CatalogSource::storeCache(const QByteArray& document) const {
    QDir().mkpath(QFileInfo(cachePath_).absolutePath());
    QSaveFile f(cachePath_);
    if (!f.open(QIODevice::WriteOnly) || f.write(document) != document.size() || !f.commit())
        return cachePath_ + QStringLiteral(": cannot save: ") + f.errorString();
    return {};
}

}  // namespace tern::app
