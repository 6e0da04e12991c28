// The checks around a model download: which URLs may be fetched, where the file goes, whether
// there is room for it, and the verification (size, sha256, GGUF) that must pass before the
// `<file>.part` is renamed into the models folder. Only that rename makes a model "installed":
// ModelRegistry lists `*.gguf` only, so a `.gguf.part` is never taken for a model.
//
// Every function here reports a problem as a one-line message (empty = fine) instead of throwing,
// because the callers (a worker thread, QML) turn it into a state, not an exception.
#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

#include <atomic>

namespace tern::app {

// 127.0.0.0/8, ::1 and "localhost": the only hosts reachable over plain http (the tests' server).
bool isLoopbackHost(const QString& host);

// A download URL must be https://, or http:// to a loopback host. `from`, when given, is the URL
// that redirected here: http is then allowed only if `from` was loopback too, so a public https
// host can never send us to plain http. Returns the reason a URL is refused, empty when allowed.
QString checkDownloadUrl(const QUrl& url, const QUrl& from = {});

// The file name a URL names (its last path segment, percent-decoded), checked to be a plain
// `*.gguf` name (no path separators, not hidden). Empty with `error` set when unusable.
QString fileNameFromUrl(const QUrl& url, QString* error = nullptr);
// The same check for a name given by the caller (e.g. from the catalog).
QString checkFileName(const QString& name);

// Paths of an unfinished download of `finalPath`: the data and its metadata (JSON).
inline QString partPath(const QString& finalPath) { return finalPath + QStringLiteral(".part"); }
inline QString partMetaPath(const QString& finalPath) { return finalPath + QStringLiteral(".part.json"); }
// Deletes both; missing files are fine.
void removePartFiles(const QString& finalPath);

// Head room kept free beyond the file itself (the file system needs some for its own records).
constexpr qint64 kDiskMarginBytes = 16 * 1024 * 1024;

// Free bytes where `dir` lives; `overrideBytes` >= 0 replaces the real figure (for tests).
qint64 freeDiskBytes(const QString& dir, qint64 overrideBytes = -1);
// "not enough disk space in DIR: needs 1.2 GB, 800 MB free" when `needBytes` + the margin does not
// fit; empty otherwise.
QString checkDiskSpace(const QString& dir, qint64 needBytes, qint64 overrideBytes = -1);

// "1.2 MB", "830 kB", "12 B" (decimal units, as disk sizes are sold).
QString formatBytes(qint64 bytes);

// Lower-case hex sha256 of a file. Stops early (returning empty) when `stop` becomes non-zero;
// empty with `error` set when the file cannot be read.
QByteArray sha256OfFile(const QString& path, const std::atomic<int>* stop = nullptr, QString* error = nullptr);
// True for 64 hex digits (either case).
bool isSha256Hex(const QString& hex);

// Size (when expectedSize >= 0), sha256 (when expectedSha256 is not empty) and that the engine
// parses the file as GGUF. Returns the first failure ("sha256 mismatch for NAME: expected ..., got
// ..."), empty when the file passes. `stopped` is set (and the result empty) when `stop` ended it.
QString verifyDownload(const QString& path, const QString& displayName, qint64 expectedSize,
                       const QString& expectedSha256, const std::atomic<int>* stop = nullptr, bool* stopped = nullptr);

// Flushes `part` to disk and renames it to `finalPath` in one step. Never replaces an existing
// file: if `finalPath` exists this fails. Returns the error, empty on success.
QString installPart(const QString& part, const QString& finalPath);

}  // namespace tern::app
