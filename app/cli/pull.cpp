// tern-cli pull: download a model into the models folder with the app's DownloadManager, a
// progress bar on stderr, resuming an earlier unfinished download of the same URL.
#include "command.h"

#include "app_paths.h"
#include "catalog/catalog_source.h"
#include "downloads/download_manager.h"
#include "downloads/verify.h"
#include "models/model_registry.h"

#include "tern/error.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>

namespace tern::cli {

namespace {

const char* kPullUsage =
    "Download a model into the models folder: a catalog id, or an https URL whose last path segment\n"
    "is the file name. Re-running the command resumes an unfinished download. Exits 0 only when the\n"
    "model is installed and verified (size and sha256 when known, and that it parses as GGUF).";

std::atomic<bool> g_interrupted{false};

extern "C" {
static void pull_on_sigint(int) { g_interrupted.store(true); }
}

// The models folder of the desktop app (the same AppPaths resolution, under its names).
tern::app::AppPaths app_paths(const QString& dataDir) {
    const QString org = QCoreApplication::organizationName(), name = QCoreApplication::applicationName();
    QCoreApplication::setOrganizationName(QStringLiteral("Tern"));
    QCoreApplication::setApplicationName(QStringLiteral("tern"));
    const tern::app::AppPaths paths = tern::app::AppPaths::resolve(dataDir);
    QCoreApplication::setOrganizationName(org);
    QCoreApplication::setApplicationName(name);
    return paths;
}

QString duration(double seconds) {
    if (seconds < 0) return QStringLiteral("--:--");
    const qint64 s = qint64(seconds + 0.5);
    if (s >= 3600) return QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

// "\r 42% [########............]  0.6 MB / 1.3 MB  1.2 MB/s  ETA 0:01"
QString progress_line(qint64 done, qint64 total, double speed, double eta) {
    QString line;
    if (total > 0) {
        const double f = std::min(1.0, double(done) / double(total));
        constexpr int kWidth = 24;
        const int filled = int(f * kWidth);
        line = QStringLiteral("%1% [%2%3]  %4 / %5")
                   .arg(int(f * 100), 3)
                   .arg(QString(filled, QLatin1Char('#')), QString(kWidth - filled, QLatin1Char('.')))
                   .arg(app::formatBytes(done), app::formatBytes(total));
    } else {
        line = app::formatBytes(done);
    }
    line += QStringLiteral("  %1/s  ETA %2").arg(app::formatBytes(qint64(speed)), duration(eta));
    return line;
}

struct Target {
    QString url, sha256, fileName;
    qint64 size = -1;
    QString bundledSource;  // a catalog entry that ships with Tern: copied, not downloaded
};

Target resolve_target(const QString& arg, const QString& sha, const app::AppPaths& paths) {
    Target t;
    if (arg.contains(QLatin1String("://"))) {
        t.url = arg;
        t.sha256 = sha;
        return t;
    }
    app::Catalog catalog;
    try {
        catalog = app::CatalogSource(paths.resources, paths.dataDir).loadLocal().catalog;
    } catch (const std::exception& e) {
        throw Error(std::string("cannot read the model catalog: ") + e.what());
    }
    const auto entry = catalog.find(arg);
    if (!entry) {
        QStringList ids;
        for (const auto& e : catalog.entries()) ids << e.id;
        throw Error("'" + arg.toStdString() + "' is not a URL or a model id in the catalog (ids: " +
                    ids.join(QStringLiteral(", ")).toStdString() + ")");
    }
    t.url = entry->url;
    t.sha256 = sha.isEmpty() ? entry->sha256 : sha;
    t.size = entry->sizeBytes;
    t.fileName = entry->localFileName.isEmpty() ? entry->fileName : entry->localFileName;
    if (entry->bundled) t.bundledSource = paths.resources + QStringLiteral("/models/") + entry->fileName;
    if (t.url.isEmpty() && t.bundledSource.isEmpty()) throw Error("the catalog has no download URL for '" + arg.toStdString() + "'");
    return t;
}

// An installed file counts only if it passes the same checks as a fresh download.
int report_installed(const QString& path, const Target& t) {
    const QString err = app::verifyDownload(path, QFileInfo(path).fileName(), t.size, t.sha256);
    if (!err.isEmpty()) throw Error((err + QStringLiteral(" (installed file: %1)").arg(path)).toStdString());
    std::printf("%s is installed: %s\n", qPrintable(QFileInfo(path).fileName()), qPrintable(QDir::toNativeSeparators(path)));
    return 0;
}

}  // namespace

int cmd_pull(const QStringList& args) {
    QCommandLineParser p;
    p.addOption({"sha256", "Expected sha256 of the file (64 hex digits); checked before it is installed.", "HEX"});
    p.addOption({"models-dir", "Models folder (default: the desktop app's, under --data-dir).", "DIR"});
    p.addOption({"data-dir", "The app's data folder (default: $TERN_DATA_DIR, else the per-user one).", "DIR"});
    p.addOption({"retries", "Retries in a row without progress before giving up (default 5).", "N", "5"});
    p.addPositionalArgument("ID|URL", "A catalog model id, or an https URL of a .gguf file.");
    if (!parse_or_throw(p, args, kPullUsage, true)) return 0;
    const QStringList pos = p.positionalArguments();
    if (pos.isEmpty()) throw Error("missing ID or URL (see '" + args.first().toStdString() + " --help')");
    if (pos.size() > 1) throw Error("unexpected argument '" + pos[1].toStdString() + "'");
    const QString sha = p.value("sha256");
    if (!sha.isEmpty() && !app::isSha256Hex(sha)) throw Error("--sha256 must be 64 hex digits, got '" + sha.toStdString() + "'");
    const int retries = int_option(p, "retries", 0, 1000);

    // The app's folders are needed for a catalog id or the default models folder only (resolving
    // them creates them).
    const bool isUrl = pos[0].contains(QLatin1String("://"));
    const app::AppPaths paths = isUrl && p.isSet("models-dir") ? app::AppPaths{} : app_paths(p.value("data-dir"));
    const QString modelsDir = QDir(p.isSet("models-dir") ? p.value("models-dir") : paths.modelsDir).absolutePath();
    if (!QDir().mkpath(modelsDir)) throw Error("cannot create the models folder " + modelsDir.toStdString());
    const Target t = resolve_target(pos[0], sha.toLower(), paths);

    if (!t.bundledSource.isEmpty()) {
        const QString dst = modelsDir + QLatin1Char('/') + t.fileName;
        if (!QFileInfo::exists(dst)) {
            const QString err = app::verifyDownload(t.bundledSource, t.fileName, t.size, t.sha256);
            if (!err.isEmpty()) throw Error(err.toStdString());
            if (QFile::exists(app::partPath(dst))) QFile::remove(app::partPath(dst));
            if (!QFile::copy(t.bundledSource, app::partPath(dst))) throw Error("cannot copy " + t.bundledSource.toStdString());
            const QString installErr = app::installPart(app::partPath(dst), dst);
            if (!installErr.isEmpty()) throw Error(installErr.toStdString());
        }
        return report_installed(dst, t);
    }

    QString name = t.fileName;
    if (name.isEmpty()) {
        QString err;
        name = app::fileNameFromUrl(QUrl(t.url), &err);
        if (!err.isEmpty()) throw Error(err.toStdString());
    }
    const QString finalPath = modelsDir + QLatin1Char('/') + name;
    if (QFileInfo::exists(finalPath)) return report_installed(finalPath, t);

    app::DownloadManager manager(modelsDir);
    app::DownloadOptions options;
    options.maxRetries = retries;
    manager.setOptions(options);
    const qint64 resumedFrom = QFileInfo(app::partPath(finalPath)).size();
    QString err;
    const QString id = manager.enqueue(t.url, t.sha256, t.size, t.fileName, &err);
    if (id.isEmpty()) throw Error(err.toStdString());
    std::fprintf(stderr, "pulling %s\n  from %s\n", qPrintable(name), qPrintable(t.url));
    if (resumedFrom > 0 && manager.state(id) != app::DownloadState::Failed)
        std::fprintf(stderr, "  resuming an unfinished download (%s already here)\n", qPrintable(app::formatBytes(resumedFrom)));

    int lastLen = 0;
    auto show = [&](const QString& line) {
        const QByteArray b = line.toLocal8Bit();
        std::fprintf(stderr, "\r%s%*s", b.constData(), std::max(0, lastLen - int(b.size())), "");
        std::fflush(stderr);
        lastLen = int(b.size());
    };
    auto endLine = [&] {
        if (lastLen > 0) std::fputc('\n', stderr);
        lastLen = 0;
    };
    QObject::connect(&manager, &app::DownloadManager::progressChanged, &manager,
                     [&](const QString& which, qint64 done, qint64 total, double speed, double eta) {
                         if (which == id) show(progress_line(done, total, speed, eta));
                     });
    QObject::connect(&manager, &app::DownloadManager::stateChanged, &manager,
                     [&](const QString& which, const QString& state, const QString& note) {
                         if (which != id) return;
                         if (!note.isEmpty()) {
                             endLine();
                             std::fprintf(stderr, "  %s\n", qPrintable(note));
                         } else if (state == QLatin1String("verifying")) {
                             endLine();
                             std::fprintf(stderr, "  verifying%s\n", t.sha256.isEmpty() ? "" : " sha256");
                         }
                     });

    QEventLoop loop;
    QString finalState, finalError;
    QObject::connect(&manager, &app::DownloadManager::finished, &loop,
                     [&](const QString& which, const QString& state, const QString& error) {
                         if (which != id) return;
                         finalState = state;
                         finalError = error;
                         loop.quit();
                     });
    // Ctrl-C pauses: the part stays for the next run.
    g_interrupted.store(false);
    auto* previous = std::signal(SIGINT, pull_on_sigint);
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &manager, [&] {
        if (g_interrupted.exchange(false)) manager.pause(id);
    });
    poll.start(100);
    loop.exec();  // the manager reports the end through a queued signal, so none is missed
    poll.stop();
    std::signal(SIGINT, previous);
    endLine();

    if (finalState == QLatin1String("done")) {
        std::printf("%s is installed: %s (%s)\n", qPrintable(name), qPrintable(QDir::toNativeSeparators(finalPath)),
                    qPrintable(app::formatBytes(QFileInfo(finalPath).size())));
        return 0;
    }
    if (finalState == QLatin1String("paused")) {
        std::fprintf(stderr, "tern-cli: paused with %s downloaded; run the same command again to resume\n",
                     qPrintable(app::formatBytes(QFileInfo(app::partPath(finalPath)).size())));
        return 130;
    }
    if (QFileInfo(app::partPath(finalPath)).size() > 0)
        finalError += QStringLiteral(" (%1 kept; run the same command again to resume)").arg(app::formatBytes(QFileInfo(app::partPath(finalPath)).size()));
    throw Error(finalError.isEmpty() ? "the download stopped (" + finalState.toStdString() + ")" : finalError.toStdString());
}

}  // namespace tern::cli
