// The download manager against a real HTTP server on loopback (http_fault_server.h) that serves
// the bundled GGUF and misbehaves on demand. Every case ends by checking the models folder: the
// installed file is byte-identical to the source, or nothing was installed, and no `.part` is
// ever taken for a model.
#include "test_support.h"

#include "http_fault_server.cpp"  // the test server (not built on its own)

#include "downloads/download_manager.h"
#include "downloads/verify.h"
#include "models/model_registry.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <memory>

using namespace tern::app;
using tern::test::HttpFaults;
using tern::test::HttpFaultServer;

namespace {

const char* kModel = "tern-tiny-moe-tq2_0.gguf";
const char* kModelSha = "2ef77f461cf04386971b697e7f4ce6bf39ca5935e71cdac42c69b8351512b51c";
const qint64 kModelSize = 1318144;

QString sourceDir() {
    const QString d = qEnvironmentVariable("TERN_SOURCE_DIR");
    return d.isEmpty() ? QFileInfo(QStringLiteral(__FILE__)).absolutePath() + QStringLiteral("/../..") : d;
}

// Quick retries and a 1 s stall limit keep the whole suite within seconds.
DownloadOptions fastOptions() {
    DownloadOptions o;
    o.maxRetries = 4;
    o.backoffMs = 30;
    o.maxBackoffMs = 200;
    o.lowSpeedBytesPerSecond = 1000;
    o.lowSpeedSeconds = 1;
    o.connectTimeoutSeconds = 5;
    o.progressIntervalMs = 20;
    return o;
}

HttpFaults throttled(int times = 1) {
    HttpFaults f;
    f.chunkBytes = 16384;
    f.chunkDelayMs = 10;  // ~1.6 MB/s: the 1.3 MB file takes ~0.8 s
    f.times = times;
    return f;
}

bool stoppedState(DownloadState s) {
    return s == DownloadState::Done || s == DownloadState::Failed || s == DownloadState::Cancelled || s == DownloadState::Paused;
}

}  // namespace

class TestDownloads : public QObject {
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> tmp_;
    std::unique_ptr<HttpFaultServer> server_;
    QString dir_;
    QByteArray model_;

    QString modelUrl() const { return server_->url(QStringLiteral("/models/") + kModel); }

    std::unique_ptr<DownloadManager> makeManager(const DownloadOptions& o = fastOptions()) {
        auto m = std::make_unique<DownloadManager>(dir_);
        m->setOptions(o);
        return m;
    }

    // Queues a download of the bundled model and waits until it stops; returns the id.
    QString runDownload(DownloadManager& m, const QString& sha = QString::fromLatin1(kModelSha), qint64 size = kModelSize,
                        int timeoutMs = 20000) {
        QString err;
        const QString id = m.enqueue(modelUrl(), sha, size, {}, &err);
        if (id.isEmpty()) qWarning("enqueue refused: %s", qPrintable(err));
        if (!QTest::qWaitFor([&] { return stoppedState(m.state(id)); }, timeoutMs)) qWarning("download did not stop in time");
        return id;
    }

    QStringList rangesAsked() const {
        QStringList r;
        for (const auto& q : server_->requests()) r << q.range;
        return r;
    }

    // The folder holds exactly `installed` as models (file name → bytes), each byte-identical,
    // and nothing else that looks like a model.
    void checkModelsDir(const QMap<QString, QByteArray>& installed) {
        ModelRegistry reg(dir_);
        QStringList ids;
        for (const ModelInfo& mi : reg.models()) {
            QVERIFY2(!mi.id.contains(QLatin1String(".part")), qPrintable(mi.id));
            ids << mi.id;
        }
        QCOMPARE(ids, QStringList(installed.keys()));
        QCOMPARE(QDir(dir_).entryList({"*.gguf"}, QDir::Files, QDir::Name), QStringList(installed.keys()));
        for (auto it = installed.begin(); it != installed.end(); ++it)
            QVERIFY2(tern::test::readAll(dir_ + "/" + it.key()) == it.value(), qPrintable(it.key() + " differs from the source"));
    }
    void checkInstalled() {
        checkModelsDir({{QString::fromLatin1(kModel), model_}});
        QVERIFY(!QFile::exists(partPath(dir_ + "/" + kModel)));
        QVERIFY(!QFile::exists(partMetaPath(dir_ + "/" + kModel)));
    }
    void checkNothingInstalled() { checkModelsDir({}); }

private slots:
    void initTestCase() {
        model_ = tern::test::readAll(sourceDir() + "/resources/models/" + kModel);
        QCOMPARE(model_.size(), kModelSize);
        QCOMPARE(QCryptographicHash::hash(model_, QCryptographicHash::Sha256).toHex(), QByteArray(kModelSha));
    }

    void init() {
        tmp_ = std::make_unique<QTemporaryDir>();
        QVERIFY(tmp_->isValid());
        dir_ = tmp_->path() + "/models";
        server_ = std::make_unique<HttpFaultServer>();
        QVERIFY(server_->port() != 0);
        server_->addFile(QStringLiteral("/models/") + kModel, model_);
    }

    void cleanup() {
        server_.reset();
        tmp_.reset();
    }

    void urlRules() {
        QCOMPARE(checkDownloadUrl(QUrl("https://huggingface.co/x/resolve/main/m.gguf")), QString());
        QCOMPARE(checkDownloadUrl(QUrl("http://127.0.0.1:8080/m.gguf")), QString());
        QCOMPARE(checkDownloadUrl(QUrl("http://127.4.5.6/m.gguf")), QString());
        QCOMPARE(checkDownloadUrl(QUrl("http://localhost/m.gguf")), QString());
        QCOMPARE(checkDownloadUrl(QUrl("http://[::1]:9/m.gguf")), QString());
        QVERIFY(checkDownloadUrl(QUrl("http://example.com/m.gguf")).contains("only https://"));
        QVERIFY(!checkDownloadUrl(QUrl("http://127.0.0.1.example.com/m.gguf")).isEmpty());
        QVERIFY(!checkDownloadUrl(QUrl("http://128.0.0.1/m.gguf")).isEmpty());
        QVERIFY(checkDownloadUrl(QUrl("ftp://127.0.0.1/m.gguf")).contains("unsupported URL scheme 'ftp'"));
        QVERIFY(!checkDownloadUrl(QUrl("file:///tmp/m.gguf")).isEmpty());
        // A redirect to plain http is followed only from a loopback URL.
        QVERIFY(checkDownloadUrl(QUrl("http://127.0.0.1/m.gguf"), QUrl("https://example.com/m.gguf")).contains("redirect"));
        QCOMPARE(checkDownloadUrl(QUrl("http://127.0.0.1/m.gguf"), QUrl("http://localhost/m.gguf")), QString());
        QCOMPARE(checkDownloadUrl(QUrl("https://cdn.example.com/m.gguf"), QUrl("http://localhost/m.gguf")), QString());

        QCOMPARE(fileNameFromUrl(QUrl("https://h.co/a/b/My%20Model.Q4_0.gguf?download=true")), QString("My Model.Q4_0.gguf"));
        QString err;
        QCOMPARE(fileNameFromUrl(QUrl("https://h.co/a/"), &err), QString());
        QVERIFY(err.contains("does not end in a file name"));
        QCOMPARE(fileNameFromUrl(QUrl("https://h.co/a/model.bin"), &err), QString());
        QVERIFY(err.contains("not a .gguf file name"));
        QVERIFY(!checkFileName("../x.gguf").isEmpty());
        QVERIFY(!checkFileName(".x.gguf").isEmpty());

        // Refused up front: no entry, no request (example.com is never contacted).
        auto m = makeManager();
        QVERIFY(m->download("http://example.com/m.gguf").contains("only https://"));
        QVERIFY(m->download("https://example.com/m.gguf", "abc").contains("not a sha256"));
        QVERIFY(m->download(modelUrl(), {}, -1, "evil/../x.gguf").contains("not a usable file name"));
        QCOMPARE(m->count(), 0);
        QCOMPARE(server_->requests().size(), 0);
        checkNothingInstalled();
    }

    void formatting() {
        QCOMPARE(formatBytes(999), QString("999 B"));
        QCOMPARE(formatBytes(1318144), QString("1.3 MB"));
        QCOMPARE(formatBytes(250000000), QString("250 MB"));
        QCOMPARE(formatBytes(2400000000), QString("2.4 GB"));
        QVERIFY(isSha256Hex(kModelSha));
        QVERIFY(isSha256Hex(QString(kModelSha).toUpper()));
        QVERIFY(!isSha256Hex(QString(kModelSha).left(63) + "g"));
    }

    void plainDownload() {
        auto m = makeManager();
        QSignalSpy progress(m.get(), &DownloadManager::progressChanged);
        QSignalSpy installed(m.get(), &DownloadManager::installed);
        const QString id = runDownload(*m);
        QCOMPARE(id, QString(kModel));
        QCOMPARE(m->state(id), DownloadState::Done);
        QCOMPARE(m->error(id), QString());
        QCOMPARE(installed.size(), 1);
        QCOMPARE(installed[0][1].toString(), dir_ + "/" + kModel);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last()[1].toLongLong(), kModelSize);  // bytesDone
        QCOMPARE(progress.last()[2].toLongLong(), kModelSize);  // bytesTotal
        const QVariantMap row = m->get(id);
        QCOMPARE(row["state"].toString(), QString("done"));
        QCOMPARE(row["progress"].toDouble(), 1.0);
        QCOMPARE(row["bytesDone"].toLongLong(), kModelSize);
        QCOMPARE(row["path"].toString(), dir_ + "/" + kModel);
        QCOMPARE(rangesAsked(), QStringList{""});
        checkInstalled();
        // Installed: a second download of the same name is refused, the file is left alone.
        QVERIFY(m->download(modelUrl()).contains("already installed"));
        checkInstalled();
    }

    void withoutSizeOrHash() {
        // A bare URL (like `tern-cli pull URL`): the size comes from the server, the GGUF check remains.
        auto m = makeManager();
        const QString id = runDownload(*m, {}, -1);
        QCOMPARE(m->state(id), DownloadState::Done);
        checkInstalled();
    }

    void proxyVariablesDoNotCatchLoopback() {
        // A dead proxy in the environment: loopback downloads must not go through it.
        qputenv("http_proxy", "http://127.0.0.1:9");
        qputenv("ALL_PROXY", "http://127.0.0.1:9");
        auto m = makeManager();
        const QString id = runDownload(*m);
        qunsetenv("http_proxy");
        qunsetenv("ALL_PROXY");
        QCOMPARE(m->error(id), QString());
        QCOMPARE(m->state(id), DownloadState::Done);
        checkInstalled();
    }

    void proxyVariablesAreHonoured() {
        // https_proxy pointing at the test server: libcurl asks it for a tunnel (CONNECT), which
        // it refuses, so the download fails — without any traffic leaving this computer.
        const QByteArray noProxy = qgetenv("no_proxy"), noProxyUpper = qgetenv("NO_PROXY");
        qunsetenv("no_proxy");
        qunsetenv("NO_PROXY");
        qputenv("https_proxy", server_->url({}).toUtf8());
        DownloadOptions o = fastOptions();
        o.maxRetries = 0;
        auto m = makeManager(o);
        const QString id = m->enqueue("https://models.example.invalid/m.gguf");
        QVERIFY(QTest::qWaitFor([&] { return stoppedState(m->state(id)); }, 10000));
        qunsetenv("https_proxy");
        if (!noProxy.isEmpty()) qputenv("no_proxy", noProxy);
        if (!noProxyUpper.isEmpty()) qputenv("NO_PROXY", noProxyUpper);
        QCOMPARE(m->state(id), DownloadState::Failed);
        QVERIFY2(m->error(id).endsWith("(https://models.example.invalid/m.gguf)"), qPrintable(m->error(id)));
        const auto reqs = server_->requests();
        QCOMPARE(reqs.size(), 1);
        QCOMPARE(reqs[0].method, QString("CONNECT"));
        QCOMPARE(reqs[0].path, QString("models.example.invalid:443"));
        checkNothingInstalled();
    }

    void redirectChain() {
        HttpFaults f;
        f.redirects = 3;
        server_->setFaults(f);
        auto m = makeManager();
        const QString id = runDownload(*m);
        QCOMPARE(m->state(id), DownloadState::Done);
        QStringList paths;
        for (const auto& r : server_->requests()) paths << r.path;
        const QString p = QStringLiteral("/models/") + kModel;
        QCOMPARE(paths, (QStringList{p, "/hop1" + p, "/hop2" + p, "/hop3" + p}));
        checkInstalled();
    }

    void tooManyRedirects() {
        HttpFaults f;
        f.redirects = 11;
        server_->setFaults(f);
        auto m = makeManager();
        const QString id = runDownload(*m);
        QCOMPARE(m->state(id), DownloadState::Failed);
        QVERIFY2(m->error(id).startsWith("too many redirects (more than 10)"), qPrintable(m->error(id)));
        QCOMPARE(server_->requests().size(), 11);  // the first request and 10 redirects
        checkNothingInstalled();
        QVERIFY(!QFile::exists(partPath(dir_ + "/" + kModel)));
    }

    void redirectToPlainHttpElsewhere() {
        HttpFaults f;
        f.redirectTo = QStringLiteral("http://example.com/m.gguf");
        server_->setFaults(f);
        auto m = makeManager();
        const QString id = runDownload(*m);
        QCOMPARE(m->state(id), DownloadState::Failed);
        QCOMPARE(m->error(id), QString("refused a redirect to plain http (http://example.com/m.gguf): downloads use https only"));
        QCOMPARE(server_->requests().size(), 1);
        checkNothingInstalled();
    }

    void httpErrors_data() {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");
        QTest::newRow("404") << 404 << "HTTP 404 Not Found for ";
        QTest::newRow("403") << 403 << "HTTP 403 Forbidden for ";
    }
    void httpErrors() {
        QFETCH(int, status);
        QFETCH(QString, message);
        HttpFaults f;
        f.status = status;
        server_->setFaults(f);
        auto m = makeManager();
        const QString id = runDownload(*m);
        QCOMPARE(m->state(id), DownloadState::Failed);
        QCOMPARE(m->error(id), message + modelUrl());
        QCOMPARE(server_->requests().size(), 1);  // not retried
        checkNothingInstalled();
        QVERIFY(!QFile::exists(partPath(dir_ + "/" + kModel)));
        QVERIFY(!QFile::exists(partMetaPath(dir_ + "/" + kModel)));
    }

    void serverErrorThenSuccess() {
        HttpFaults f;
        f.status = 500;
        f.times = 1;
        server_->setFaults(f);
        auto m = makeManager();
        QSignalSpy states(m.get(), &DownloadManager::stateChanged);
        const QString id = runDownload(*m);
        QCOMPARE(m->state(id), DownloadState::Done);
        QCOMPARE(server_->requests().size(), 2);
        bool sawRetry = false;
        for (const auto& s : states)
            sawRetry |= s[2].toString().startsWith("HTTP 500 Internal Server Error for " + modelUrl() + "; retry 1 of 4 in ");
        QVERIFY(sawRetry);
        checkInstalled();
    }

    void serverErrorGivesUp() {
        HttpFaults f;
        f.status = 503;
        server_->setFaults(f);
        auto m = makeManager();
        const QString id = runDownload(*m);
        QCOMPARE(m->state(id), DownloadState::Failed);
        QCOMPARE(m->error(id), "HTTP 503 Service Unavailable for " + modelUrl() + " (gave up after 4 retries)");
        QCOMPARE(server_->requests().size(), 5);
        checkNothingInstalled();
    }

    void dropAndResume() {
        HttpFaults f;
        f.dropAfter = 300000;
        f.times = 1;
        server_->setFaults(f);
        auto m = makeManager();
        const QString id = runDownload(*m);
        QCOMPARE(m->state(id), DownloadState::Done);
        QCOMPARE(rangesAsked(), (QStringList{"", "bytes=300000-"}));
        checkInstalled();
    }

    void rangeIgnored() {
        // 1st: 200 cut at 300000. 2nd: Range 300000- answered with 200 from byte 0 (cut again):
        // the part restarts at 0, never appended. 3rd: a proper 206.
        HttpFaults f;
        f.dropAfter = 300000;
        f.ignoreRange = true;
        f.times = 2;
        server_->setFaults(f);
        auto m = makeManager();
        const QString id = runDownload(*m);
        QCOMPARE(m->state(id), DownloadState::Done);
        const auto reqs = server_->requests();
        QCOMPARE(reqs.size(), 3);
        QCOMPARE(reqs[1].range, QString("bytes=300000-"));
        QCOMPARE(reqs[1].status, 200);
        QCOMPARE(reqs[2].range, QString("bytes=300000-"));
        QCOMPARE(reqs[2].status, 206);
        checkInstalled();
    }

    void rangeStartsEarlier() {
        HttpFaults f;
        f.dropAfter = 300000;
        f.rangeShift = -1000;
        f.times = 2;
        server_->setFaults(f);
        auto m = makeManager();
        const QString id = runDownload(*m);
        QCOMPARE(m->state(id), DownloadState::Done);
        // 2nd answer: bytes 299000.. of which 1000 were skipped, 299000 written → 599000.
        QCOMPARE(rangesAsked(), (QStringList{"", "bytes=300000-", "bytes=599000-"}));
        checkInstalled();
    }

    void rangeStartsLater() {
        HttpFaults f;
        f.dropAfter = 300000;
        f.rangeShift = 1000;
        f.times = 2;
        server_->setFaults(f);
        auto m = makeManager();
        const QString id = runDownload(*m);
        QCOMPARE(m->state(id), DownloadState::Done);
        // A range after ours cannot be lined up: start over without a Range.
        QCOMPARE(rangesAsked(), (QStringList{"", "bytes=300000-", ""}));
        checkInstalled();
    }

    void stalledConnection() {
        HttpFaults f;
        f.stallAfter = 300000;
        f.times = 1;
        server_->setFaults(f);
        auto m = makeManager();
        QSignalSpy states(m.get(), &DownloadManager::stateChanged);
        QElapsedTimer t;
        t.start();
        const QString id = runDownload(*m);
        QCOMPARE(m->state(id), DownloadState::Done);
        QVERIFY2(t.elapsed() < 8000, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(rangesAsked(), (QStringList{"", "bytes=300000-"}));
        bool sawStall = false;
        for (const auto& s : states) sawStall |= s[2].toString().startsWith("the download stalled (below 1.0 kB/s for 1 s)");
        QVERIFY(sawStall);
        checkInstalled();
    }

    void bodyShorterThanAnnounced_data() {
        QTest::addColumn<qint64>("expectedSize");
        QTest::addColumn<QStringList>("ranges");
        // Size known: the part is complete once it has that many bytes.
        QTest::newRow("size known") << kModelSize << QStringList{""};
        // Size unknown: the server announced 5000 more; asking for them gets 416 */SIZE.
        QTest::newRow("size unknown") << qint64(-1) << QStringList{"", "bytes=1318144-"};
    }
    void bodyShorterThanAnnounced() {
        QFETCH(qint64, expectedSize);
        QFETCH(QStringList, ranges);
        HttpFaults f;
        f.extraLength = 5000;
        f.times = 1;
        server_->setFaults(f);
        auto m = makeManager();
        const QString id = runDownload(*m, kModelSha, expectedSize);
        QCOMPARE(m->error(id), QString());
        QCOMPARE(m->state(id), DownloadState::Done);
        QCOMPARE(rangesAsked(), ranges);
        checkInstalled();
    }

    void hashMismatch() {
        HttpFaults f;
        f.corrupt = true;
        server_->setFaults(f);
        auto m = makeManager();
        const QString id = runDownload(*m);
        QCOMPARE(m->state(id), DownloadState::Failed);
        QVERIFY2(m->error(id).startsWith(QString("sha256 mismatch for %1: expected %2, got ").arg(kModel, kModelSha)),
                 qPrintable(m->error(id)));
        QVERIFY(m->error(id).endsWith("; the downloaded file was deleted"));
        QVERIFY(!QFile::exists(partPath(dir_ + "/" + kModel)));
        QVERIFY(!QFile::exists(partMetaPath(dir_ + "/" + kModel)));
        checkNothingInstalled();
    }

    void notAGgufFile() {
        const QByteArray text = "this is not a model\n";
        server_->addFile("/models/fake.gguf", text);
        auto m = makeManager();
        const QString sha = QString::fromLatin1(QCryptographicHash::hash(text, QCryptographicHash::Sha256).toHex());
        const QString id = m->enqueue(server_->url("/models/fake.gguf"), sha, text.size());
        QVERIFY(QTest::qWaitFor([&] { return stoppedState(m->state(id)); }, 10000));
        QCOMPARE(m->state(id), DownloadState::Failed);
        QVERIFY2(m->error(id).startsWith("fake.gguf is not a valid GGUF file: bad magic"), qPrintable(m->error(id)));
        QVERIFY(!QFile::exists(partPath(dir_ + "/fake.gguf")));
        checkNothingInstalled();
    }

    void sizeMismatch_data() {
        QTest::addColumn<qint64>("expectedSize");
        QTest::addColumn<QString>("message");
        QTest::newRow("server sends more") << kModelSize - 10 << "the server sent more than the expected 1318134 bytes";
        QTest::newRow("server sends less") << kModelSize + 10 << "size mismatch for tern-tiny-moe-tq2_0.gguf: expected 1318154 bytes, got 1318144";
    }
    void sizeMismatch() {
        QFETCH(qint64, expectedSize);
        QFETCH(QString, message);
        auto m = makeManager();
        const QString id = runDownload(*m, {}, expectedSize);
        QCOMPARE(m->state(id), DownloadState::Failed);
        QVERIFY2(m->error(id).startsWith(message), qPrintable(m->error(id)));
        QVERIFY(!QFile::exists(partPath(dir_ + "/" + kModel)));
        checkNothingInstalled();
    }

    void pauseAndResume() {
        server_->setFaults(throttled());
        auto m = makeManager();
        const QString id = m->enqueue(modelUrl(), kModelSha, kModelSize);
        QVERIFY(QTest::qWaitFor([&] { return m->progress(id).bytesDone >= 100000; }, 10000));
        QCOMPARE(m->state(id), DownloadState::Downloading);
        QVERIFY(m->progress(id).bytesPerSecond > 0);
        m->pause(id);
        QVERIFY(QTest::qWaitFor([&] { return m->state(id) == DownloadState::Paused; }, 5000));
        const qint64 part = QFileInfo(partPath(dir_ + "/" + kModel)).size();
        QVERIFY2(part >= 100000 && part < kModelSize, qPrintable(QString::number(part)));
        QCOMPARE(m->progress(id).bytesDone, part);
        QVERIFY(QFile::exists(partMetaPath(dir_ + "/" + kModel)));
        checkNothingInstalled();  // a paused part is no model

        m->resume(id);
        QVERIFY(QTest::qWaitFor([&] { return stoppedState(m->state(id)); }, 10000));
        QCOMPARE(m->state(id), DownloadState::Done);
        QCOMPARE(rangesAsked(), (QStringList{"", QString("bytes=%1-").arg(part)}));
        checkInstalled();
    }

    void resumeAfterRestart() {
        server_->setFaults(throttled());
        qint64 part = 0;
        {
            auto m = makeManager();
            const QString id = m->enqueue(modelUrl(), kModelSha, kModelSize);
            QVERIFY(QTest::qWaitFor([&] { return m->progress(id).bytesDone >= 100000; }, 10000));
        }  // the app quits mid-download
        part = QFileInfo(partPath(dir_ + "/" + kModel)).size();
        QVERIFY2(part >= 100000 && part < kModelSize, qPrintable(QString::number(part)));
        checkNothingInstalled();

        auto m = makeManager();
        QCOMPARE(m->count(), 1);
        const QString id = QString::fromLatin1(kModel);
        QCOMPARE(m->state(id), DownloadState::Paused);
        QCOMPARE(m->progress(id).bytesDone, part);
        QCOMPARE(m->progress(id).bytesTotal, kModelSize);
        QCOMPARE(m->get(id)["url"].toString(), modelUrl());
        QCOMPARE(m->get(id)["sha256"].toString(), QString(kModelSha));
        m->resume(id);
        QVERIFY(QTest::qWaitFor([&] { return stoppedState(m->state(id)); }, 10000));
        QCOMPARE(m->state(id), DownloadState::Done);
        QCOMPARE(rangesAsked(), (QStringList{"", QString("bytes=%1-").arg(part)}));
        checkInstalled();
    }

    void rerunResumesPart() {
        // Queuing the same URL again (tern-cli pull re-run) continues a paused part.
        server_->setFaults(throttled());
        {
            auto m = makeManager();
            const QString id = m->enqueue(modelUrl());
            QVERIFY(QTest::qWaitFor([&] { return m->progress(id).bytesDone >= 100000; }, 10000));
        }
        const qint64 part = QFileInfo(partPath(dir_ + "/" + kModel)).size();
        auto m = makeManager();
        const QString id = runDownload(*m, kModelSha, -1);
        QCOMPARE(m->state(id), DownloadState::Done);
        QCOMPARE(rangesAsked(), (QStringList{"", QString("bytes=%1-").arg(part)}));
        checkInstalled();
    }

    void cancel() {
        server_->setFaults(throttled());
        auto m = makeManager();
        const QString id = m->enqueue(modelUrl(), kModelSha, kModelSize);
        QVERIFY(QTest::qWaitFor([&] { return m->progress(id).bytesDone >= 100000; }, 10000));
        m->cancel(id);
        QVERIFY(QTest::qWaitFor([&] { return m->state(id) == DownloadState::Cancelled; }, 5000));
        QVERIFY(!QFile::exists(partPath(dir_ + "/" + kModel)));
        QVERIFY(!QFile::exists(partMetaPath(dir_ + "/" + kModel)));
        QCOMPARE(m->progress(id).bytesDone, 0);
        checkNothingInstalled();

        // A paused download is cancelled at once, its part deleted.
        server_->setFaults(throttled());
        m->remove(id);
        QCOMPARE(m->count(), 0);
        const QString id2 = m->enqueue(modelUrl(), kModelSha, kModelSize);
        QVERIFY(QTest::qWaitFor([&] { return m->progress(id2).bytesDone >= 50000; }, 10000));
        m->pause(id2);
        QVERIFY(QTest::qWaitFor([&] { return m->state(id2) == DownloadState::Paused; }, 5000));
        QVERIFY(QFile::exists(partPath(dir_ + "/" + kModel)));
        m->cancel(id2);
        QCOMPARE(m->state(id2), DownloadState::Cancelled);
        QVERIFY(!QFile::exists(partPath(dir_ + "/" + kModel)));
        QVERIFY(!QFile::exists(partMetaPath(dir_ + "/" + kModel)));
        checkNothingInstalled();
    }

    void diskSpace() {
        DownloadOptions o = fastOptions();
        o.freeSpaceOverride = 10 * 1000 * 1000;  // 10 MB: less than the file + the 16 MiB margin
        auto m = makeManager(o);
        QString id = runDownload(*m);
        QCOMPARE(m->state(id), DownloadState::Failed);
        QCOMPARE(m->error(id), QString("not enough disk space in %1: needs 18.1 MB, 10.0 MB free").arg(dir_));
        QCOMPARE(server_->requests().size(), 0);  // known size: refused before any request
        checkNothingInstalled();

        // Size unknown: refused once the server announces it.
        m->remove(id);
        id = runDownload(*m, {}, -1);
        QCOMPARE(m->state(id), DownloadState::Failed);
        QVERIFY2(m->error(id).startsWith("not enough disk space"), qPrintable(m->error(id)));
        QCOMPARE(server_->requests().size(), 1);
        QVERIFY(!QFile::exists(partPath(dir_ + "/" + kModel)));
        checkNothingInstalled();

        o.freeSpaceOverride = 100 * 1000 * 1000;
        m->setOptions(o);
        m->remove(id);
        id = runDownload(*m);
        QCOMPARE(m->state(id), DownloadState::Done);
        checkInstalled();
    }

    void queueRunsTwoAtATime() {
        for (const char* n : {"a.gguf", "b.gguf", "c.gguf"}) server_->addFile(QString("/models/") + n, model_);
        HttpFaults f = throttled(-1);
        f.chunkBytes = 32768;
        server_->setFaults(f);
        auto m = makeManager();
        QStringList ids;
        for (const char* n : {"a.gguf", "b.gguf", "c.gguf"}) ids << m->enqueue(server_->url(QString("/models/") + n), kModelSha, kModelSize);
        QCOMPARE(m->count(), 3);
        QCOMPARE(m->activeCount(), 3);
        QCOMPARE(m->state(ids[0]), DownloadState::Downloading);
        QCOMPARE(m->state(ids[1]), DownloadState::Downloading);
        QCOMPARE(m->state(ids[2]), DownloadState::Queued);
        QVERIFY(QTest::qWaitFor([&] { return m->activeCount() == 0; }, 20000));
        for (const QString& id : ids) QCOMPARE(m->state(id), DownloadState::Done);
        QCOMPARE(server_->maxConcurrentBodies(), 2);
        checkModelsDir({{"a.gguf", model_}, {"b.gguf", model_}, {"c.gguf", model_}});
    }

    void sharedFixtureDownload() {
        TERN_REQUIRE_SHARED(shared);
        const QByteArray stories = tern::test::readAll(shared + "/fixtures/models/stories260K.gguf");
        QCOMPARE(stories.size(), 1185376);
        server_->addFile("/models/stories260K.gguf", stories);
        auto m = makeManager();
        const QString id = m->enqueue(server_->url("/models/stories260K.gguf"),
                                      "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d", 1185376);
        QVERIFY(QTest::qWaitFor([&] { return stoppedState(m->state(id)); }, 20000));
        QCOMPARE(m->state(id), DownloadState::Done);
        checkModelsDir({{"stories260K.gguf", stories}});
    }
};

QTEST_GUILESS_MAIN(TestDownloads)
#include "test_downloads.moc"
