// Where the catalog comes from: the copy bundled with Tern (resources/catalog.json), a cached copy
// of the last good remote document (dataDir/catalog-cache.json), and an optional HTTPS URL.
// A remote or cached document is used only when it parses and validates whole.
#pragma once

#include "catalog/catalog.h"

#include <QByteArray>
#include <QString>

#include <atomic>
#include <functional>

namespace tern::app {

struct FetchResult {
    QByteArray body;
    QString error;  // empty on success
};

// A blocking fetch of one document. It runs off the GUI thread and must return soon after
// `cancelled` becomes true. Tests inject their own to feed documents without a server.
using FetchFunction = std::function<FetchResult(const QString& url, const std::atomic<bool>& cancelled)>;

// HTTPS GET with libcurl: https only (redirects too), certificates verified, HTTP errors (>= 400)
// fail, at most maxBytes, connect timeout 15 s, and aborted when stalled for 30 s or after 120 s.
FetchResult httpsGet(const QString& url, const std::atomic<bool>& cancelled, qint64 maxBytes = 4 * 1024 * 1024);

class CatalogSource {
public:
    // resourcesDir: AppPaths::resources; dataDir: AppPaths::dataDir (for the cache).
    CatalogSource(const QString& resourcesDir, const QString& dataDir);

    QString bundledPath() const { return bundledPath_; }
    QString cachePath() const { return cachePath_; }

    // The remote catalog's URL (https); empty: no remote catalog. Stored by the caller (settings).
    void setUrl(const QString& url) { url_ = url.trimmed(); }
    QString url() const { return url_; }
    void setFetcher(FetchFunction fetch) { fetch_ = std::move(fetch); }
    const FetchFunction& fetcher() const { return fetch_; }

    struct Local {
        Catalog catalog;
        QString origin;   // "bundled" or "cached"
        QString warning;  // why a present cache was not used, else empty
    };
    // The bundled catalog, or the cached remote one when it is valid and newer (by "updated").
    // Throws CatalogError when neither is usable.
    Local loadLocal() const;

    struct Remote {
        Catalog catalog;
        QByteArray document;  // the raw bytes, for storeCache()
    };
    // Fetches and validates the document at url. Throws CatalogError with the reason (naming the URL).
    // Touches no member state, so it may run on a worker thread with copies of url and fetcher.
    static Remote fetchRemote(const QString& url, const FetchFunction& fetch, const std::atomic<bool>& cancelled);

    // Saves a validated remote document as the cache (atomically). Returns an error text, or empty.
    QString storeCache(const QByteArray& document) const;

private:
    QString bundledPath_;
    QString cachePath_;
    QString url_;
    FetchFunction fetch_;
};

}  // namespace tern::app
