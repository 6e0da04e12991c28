#include "downloads/verify.h"

#include "tern/error.h"
#include "tern/gguf.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStorageInfo>

#include <exception>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace tern::app {

namespace {

bool isIpv4Loopback(const QString& host) {
    const QStringList parts = host.split(QLatin1Char('.'));
    if (parts.size() != 4) return false;
    for (const QString& p : parts) {
        bool ok = false;
        const uint v = p.toUInt(&ok, 10);
        if (!ok || p.isEmpty() || p.size() > 3 || v > 255) return false;
    }
    return parts[0] == QLatin1String("127");
}

}  // namespace

bool isLoopbackHost(const QString& hostIn) {
    QString host = hostIn.toLower();
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']'))) host = host.mid(1, host.size() - 2);
    if (host.endsWith(QLatin1Char('.'))) host.chop(1);
    return host == QLatin1String("localhost") || host == QLatin1String("::1") || isIpv4Loopback(host);
}

QString checkDownloadUrl(const QUrl& url, const QUrl& from) {
    const QString shown = url.toDisplayString();
    if (!url.isValid() || url.host().isEmpty()) return QStringLiteral("not a valid download URL: '%1'").arg(shown);
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("https")) return {};
    if (scheme == QLatin1String("http")) {
        if (isLoopbackHost(url.host()) && (from.isEmpty() || isLoopbackHost(from.host()))) return {};
        if (!from.isEmpty())
            return QStringLiteral("refused a redirect to plain http (%1): downloads use https only").arg(shown);
        return QStringLiteral("only https:// download URLs are allowed (plain http only for this computer): %1").arg(shown);
    }
    return QStringLiteral("unsupported URL scheme '%1' in %2: downloads use https only").arg(scheme, shown);
}

QString checkFileName(const QString& name) {
    if (name.isEmpty()) return QStringLiteral("the download has no file name");
    if (name.contains(QLatin1Char('/')) || name.contains(QLatin1Char('\\')) || name.startsWith(QLatin1Char('.')) ||
        name.size() > 255)
        return QStringLiteral("'%1' is not a usable file name").arg(name);
    for (const QChar c : name)
        if (c.unicode() < 0x20 || c.unicode() == 0x7f) return QStringLiteral("'%1' is not a usable file name").arg(name);
    if (!name.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive))
        return QStringLiteral("'%1' is not a .gguf file name").arg(name);
    return {};
}

QString fileNameFromUrl(const QUrl& url, QString* error) {
    const QString name = url.fileName(QUrl::FullyDecoded);
    QString why = name.isEmpty() ? QStringLiteral("the URL %1 does not end in a file name").arg(url.toDisplayString())
                                 : checkFileName(name);
    if (error) *error = why;
    return why.isEmpty() ? name : QString();
}

void removePartFiles(const QString& finalPath) {
    QFile::remove(partPath(finalPath));
    QFile::remove(partMetaPath(finalPath));
}

qint64 freeDiskBytes(const QString& dir, qint64 overrideBytes) {
    if (overrideBytes >= 0) return overrideBytes;
    QStorageInfo info(dir);
    info.refresh();
    return info.isValid() ? info.bytesAvailable() : -1;
}

QString checkDiskSpace(const QString& dir, qint64 needBytes, qint64 overrideBytes) {
    if (needBytes <= 0) return {};
    const qint64 avail = freeDiskBytes(dir, overrideBytes);
    if (avail < 0) return {};  // unknown (e.g. an exotic file system): the write itself will tell
    if (avail >= needBytes + kDiskMarginBytes) return {};
    return QStringLiteral("not enough disk space in %1: needs %2, %3 free")
        .arg(QDir::toNativeSeparators(dir), formatBytes(needBytes + kDiskMarginBytes), formatBytes(avail));
}

QString formatBytes(qint64 bytes) {
    if (bytes < 1000) return QStringLiteral("%1 B").arg(bytes);
    static const char* const units[] = {"kB", "MB", "GB", "TB", "PB"};
    double v = double(bytes) / 1000.0;
    int u = 0;
    while (v >= 1000.0 && u < 4) {
        v /= 1000.0;
        ++u;
    }
    return QStringLiteral("%1 %2").arg(v, 0, 'f', v < 100.0 ? 1 : 0).arg(QLatin1String(units[u]));
}

bool isSha256Hex(const QString& hex) {
    if (hex.size() != 64) return false;
    for (const QChar c : hex)
        if (!c.isDigit() && !(c.toLower() >= QLatin1Char('a') && c.toLower() <= QLatin1Char('f'))) return false;
    return true;
}

QByteArray sha256OfFile(const QString& path, const std::atomic<int>* stop, QString* error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error) *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return {};
    }
    QCryptographicHash h(QCryptographicHash::Sha256);
    QByteArray buf(1 << 20, Qt::Uninitialized);
    for (;;) {
        if (stop && stop->load()) return {};
        const qint64 n = f.read(buf.data(), buf.size());
        if (n < 0) {
            if (error) *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
            return {};
        }
        if (n == 0) break;
        h.addData(QByteArrayView(buf.constData(), n));
    }
    return h.result().toHex();
}

QString verifyDownload(const QString& path, const QString& displayName, qint64 expectedSize,
                       const QString& expectedSha256, const std::atomic<int>* stop, bool* stopped) {
    if (stopped) *stopped = false;
    const qint64 size = QFileInfo(path).size();
    if (expectedSize >= 0 && size != expectedSize)
        return QStringLiteral("size mismatch for %1: expected %2 bytes, got %3").arg(displayName).arg(expectedSize).arg(size);
    if (!expectedSha256.isEmpty()) {
        QString err;
        const QByteArray got = sha256OfFile(path, stop, &err);
        if (!err.isEmpty()) return err;
        if (got.isEmpty()) {
            if (stopped) *stopped = true;
            return {};
        }
        if (QString::fromLatin1(got) != expectedSha256.toLower())
            return QStringLiteral("sha256 mismatch for %1: expected %2, got %3")
                .arg(displayName, expectedSha256.toLower(), QString::fromLatin1(got));
    }
    try {
        GgufFile::open(path.toStdString());
    } catch (const std::exception& e) {
        // The engine names the file by its path (the .part); say which download it was.
        QString msg = QString::fromUtf8(e.what());
        const QString prefix = path + QStringLiteral(": ");
        if (msg.startsWith(prefix)) msg = msg.mid(prefix.size());
        return QStringLiteral("%1 is not a valid GGUF file: %2").arg(displayName, msg);
    }
    return {};
}

QString installPart(const QString& part, const QString& finalPath) {
    const QFileInfo target(finalPath);
    if (target.exists())
        return QStringLiteral("%1 is already installed in %2 (not replacing it)")
            .arg(target.fileName(), QDir::toNativeSeparators(target.absolutePath()));
    {
        QFile f(part);
        if (!f.open(QIODevice::ReadOnly)) return QStringLiteral("cannot open %1: %2").arg(part, f.errorString());
#ifdef Q_OS_UNIX
        // The data must be on disk before the name is: a crash after the rename must not leave
        // an installed model with missing blocks.
        if (::fsync(f.handle()) != 0) return QStringLiteral("cannot flush %1 to disk").arg(part);
#endif
    }
    // QFile::rename refuses an existing target (renameat2 RENAME_NOREPLACE on Linux), so a
    // model installed meanwhile is never overwritten.
    QFile f(part);
    if (!f.rename(finalPath))
        return QStringLiteral("cannot move %1 into place: %2").arg(target.fileName(), f.errorString());
    return {};
}

}  // namespace tern::app
