// `tern-cli pull` end to end: the tern-cli binary ($TERN_CLI) downloads from the test HTTP server
// run as a process ($TERN_TOOL_HTTP_FAULT_SERVER, tests/app/tool_http_fault_server.cpp) on
// loopback. Checks the exit code (0 only when installed and verified), the messages, that a re-run
// resumes the part left by a failed or killed run, and that the installed file is byte-identical
// to the source or that nothing was installed.
#include "test_support.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QThread>

#include <memory>

namespace {

const char* kModel = "tern-tiny-moe-tq2_0.gguf";
const char* kModelSha = "2ef77f461cf04386971b697e7f4ce6bf39ca5935e71cdac42c69b8351512b51c";

QString sourceDir() {
    const QString d = qEnvironmentVariable("TERN_SOURCE_DIR");
    return d.isEmpty() ? QFileInfo(QStringLiteral(__FILE__)).absolutePath() + QStringLiteral("/../..") : d;
}

struct CliResult {
    bool finished = false;
    QProcess::ExitStatus status = QProcess::CrashExit;
    int code = -1;
    QByteArray out, err;
};

// The fault server process; its request log is read from its stdout.
class Server {
public:
    bool start(const QStringList& faultArgs) {
        p_.setProgram(qEnvironmentVariable("TERN_TOOL_HTTP_FAULT_SERVER"));
        p_.setArguments(QStringList{"--file", sourceDir() + "/resources/models/" + kModel} + faultArgs);
        p_.start();
        if (!p_.waitForStarted(10000)) return false;
        while (!buf_.contains('\n') && p_.waitForReadyRead(10000)) buf_ += p_.readAllStandardOutput();
        const QRegularExpressionMatch m = QRegularExpression("^port (\\d+)\n").match(QString::fromLatin1(buf_));
        if (!m.hasMatch()) return false;
        port_ = m.captured(1).toInt();
        buf_.clear();
        return true;
    }
    ~Server() {
        p_.kill();
        p_.waitForFinished(5000);
    }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1/models/%2").arg(port_).arg(kModel); }
    // "range=bytes=300000- status=206" per request so far.
    QStringList requests() {
        p_.waitForReadyRead(200);
        buf_ += p_.readAllStandardOutput();
        QStringList r;
        for (const QString& l : QString::fromLatin1(buf_).split('\n', Qt::SkipEmptyParts))
            if (l.startsWith("request ")) r << l.section(' ', 2);
        return r;
    }

private:
    QProcess p_;
    QByteArray buf_;
    int port_ = 0;
};

}  // namespace

class TestCliPull : public QObject {
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> tmp_;
    QString models_;
    QByteArray model_;

    QProcess* startCli(const QStringList& args) {
        auto* p = new QProcess(this);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("TERN_DATA_DIR", tmp_->path() + "/data");  // never the user's own folder
        env.insert("TERN_RESOURCES_DIR", sourceDir() + "/resources");
        p->setProcessEnvironment(env);
        p->setProgram(qEnvironmentVariable("TERN_CLI"));
        p->setArguments(QStringList{"pull"} + args);
        p->setStandardInputFile(QProcess::nullDevice());
        p->start();
        return p;
    }
    CliResult runCli(const QStringList& args, int timeoutMs = 60000) {
        CliResult r;
        QProcess* p = startCli(args);
        if (!p->waitForStarted(10000)) return r;
        r.finished = p->waitForFinished(timeoutMs);
        if (!r.finished) {
            p->kill();
            p->waitForFinished(5000);
        }
        r.status = p->exitStatus();
        r.code = p->exitCode();
        r.out = p->readAllStandardOutput();
        r.err = p->readAllStandardError();
        delete p;
        return r;
    }
    static QString describe(const CliResult& r) {
        return QStringLiteral("exit %1 (%2)\n  stdout: %3\n  stderr: %4")
            .arg(r.code)
            .arg(r.finished ? (r.status == QProcess::NormalExit ? "normal" : "crashed") : "timed out")
            .arg(QString::fromUtf8(r.out.left(800)), QString::fromUtf8(r.err.right(1200)));
    }
    QString part() const { return models_ + "/" + kModel + ".part"; }

    void checkInstalled() {
        QCOMPARE(QDir(models_).entryList({"*.gguf"}, QDir::Files), QStringList{kModel});
        QVERIFY(tern::test::readAll(models_ + "/" + kModel) == model_);
        QVERIFY(!QFile::exists(part()));
        QVERIFY(!QFile::exists(part() + ".json"));
    }
    void checkNothingInstalled() { QCOMPARE(QDir(models_).entryList({"*.gguf"}, QDir::Files), QStringList()); }

private slots:
    void initTestCase() {
        if (qEnvironmentVariableIsEmpty("TERN_CLI") || qEnvironmentVariableIsEmpty("TERN_TOOL_HTTP_FAULT_SERVER")) {
            if (!qEnvironmentVariableIsEmpty("CI")) QFAIL("TERN_CLI / TERN_TOOL_HTTP_FAULT_SERVER not set (run through CTest)");
            QSKIP("run through CTest: TERN_CLI and TERN_TOOL_HTTP_FAULT_SERVER are not set");
        }
        model_ = tern::test::readAll(sourceDir() + "/resources/models/" + kModel);
        QCOMPARE(QCryptographicHash::hash(model_, QCryptographicHash::Sha256).toHex(), QByteArray(kModelSha));
    }
    void init() {
        tmp_ = std::make_unique<QTemporaryDir>();
        QVERIFY(tmp_->isValid());
        models_ = tmp_->path() + "/models";
    }

    void pullUrl() {
        Server s;
        QVERIFY(s.start({}));
        const CliResult r = runCli({s.url(), "--models-dir", models_, "--sha256", kModelSha});
        QVERIFY2(r.finished && r.status == QProcess::NormalExit && r.code == 0, qPrintable(describe(r)));
        QCOMPARE(QString::fromUtf8(r.out), QString("%1 is installed: %2/%1 (1.3 MB)\n").arg(kModel, models_));
        QVERIFY2(r.err.contains("100% [########################]  1.3 MB / 1.3 MB"), qPrintable(describe(r)));
        QVERIFY2(r.err.contains("verifying sha256"), qPrintable(describe(r)));
        QCOMPARE(s.requests(), QStringList{"range= status=200"});
        checkInstalled();

        // Installed already: verified again, no request.
        const CliResult again = runCli({s.url(), "--models-dir", models_, "--sha256", kModelSha});
        QVERIFY2(again.code == 0, qPrintable(describe(again)));
        QCOMPARE(QString::fromUtf8(again.out), QString("%1 is installed: %2/%1\n").arg(kModel, models_));
        QCOMPARE(s.requests().size(), 1);
        checkInstalled();
    }

    void resumeAfterFailedRun() {
        Server s;
        QVERIFY(s.start({"--drop-after", "300000", "--times", "1"}));
        const CliResult first = runCli({s.url(), "--models-dir", models_, "--retries", "0"});
        QVERIFY2(first.finished && first.code == 1, qPrintable(describe(first)));
        QVERIFY2(first.err.contains(QString("tern-cli: the connection closed after 300000 of 1318144 bytes (%1) (300 kB kept; run "
                                            "the same command again to resume)\n")
                                        .arg(s.url())
                                        .toUtf8()),
                 qPrintable(describe(first)));
        QCOMPARE(QFileInfo(part()).size(), 300000);
        checkNothingInstalled();

        const CliResult second = runCli({s.url(), "--models-dir", models_, "--sha256", kModelSha});
        QVERIFY2(second.finished && second.code == 0, qPrintable(describe(second)));
        QVERIFY2(second.err.contains("resuming an unfinished download (300 kB already here)"), qPrintable(describe(second)));
        QCOMPARE(s.requests(), (QStringList{"range= status=200", "range=bytes=300000- status=206"}));
        checkInstalled();
    }

    void resumeAfterKilledRun() {
        Server s;
        QVERIFY(s.start({"--chunk", "16384", "--delay-ms", "10", "--times", "1"}));
        QProcess* p = startCli({s.url(), "--models-dir", models_});
        QVERIFY(p->waitForStarted(10000));
        QVERIFY(QTest::qWaitFor([&] { return QFileInfo(part()).size() >= 100000; }, 20000));
        p->kill();  // SIGKILL: no chance to clean up
        QVERIFY(p->waitForFinished(5000));
        delete p;
        const qint64 had = QFileInfo(part()).size();
        QVERIFY2(had >= 100000 && had < model_.size(), qPrintable(QString::number(had)));
        checkNothingInstalled();

        const CliResult r = runCli({s.url(), "--models-dir", models_, "--sha256", kModelSha});
        QVERIFY2(r.finished && r.code == 0, qPrintable(describe(r)));
        QCOMPARE(s.requests(), (QStringList{"range= status=200", QString("range=bytes=%1- status=206").arg(had)}));
        checkInstalled();
    }

    void hashMismatch() {
        Server s;
        QVERIFY(s.start({"--corrupt"}));
        const CliResult r = runCli({s.url(), "--models-dir", models_, "--sha256", kModelSha});
        QVERIFY2(r.finished && r.code == 1, qPrintable(describe(r)));
        QVERIFY2(r.err.contains(QString("tern-cli: sha256 mismatch for %1: expected %2, got ").arg(kModel, kModelSha).toUtf8()),
                 qPrintable(describe(r)));
        QVERIFY2(r.err.endsWith("; the downloaded file was deleted\n"), qPrintable(describe(r)));
        QVERIFY(!QFile::exists(part()));
        checkNothingInstalled();
    }

    void notFound() {
        Server s;
        QVERIFY(s.start({"--status", "404"}));
        const CliResult r = runCli({s.url(), "--models-dir", models_});
        QVERIFY2(r.finished && r.code == 1, qPrintable(describe(r)));
        QVERIFY2(r.err.endsWith(QString("tern-cli: HTTP 404 Not Found for %1\n").arg(s.url()).toUtf8()), qPrintable(describe(r)));
        QCOMPARE(s.requests().size(), 1);
        checkNothingInstalled();
        QVERIFY(!QFile::exists(part()));
    }

    void refusals_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("plain http") << QStringList{"http://example.com/m.gguf"}
                                    << "tern-cli: only https:// download URLs are allowed (plain http only for this computer): "
                                       "http://example.com/m.gguf\n";
        QTest::newRow("no file name") << QStringList{"https://example.com/"}
                                      << "tern-cli: the URL https://example.com/ does not end in a file name\n";
        QTest::newRow("bad sha") << QStringList{"https://example.com/m.gguf", "--sha256", "12ab"}
                                 << "tern-cli: --sha256 must be 64 hex digits, got '12ab'\n";
        QTest::newRow("unknown id") << QStringList{"no-such-model"} << "tern-cli: 'no-such-model' is not a URL or a model id";
        QTest::newRow("no target") << QStringList{} << "tern-cli: missing ID or URL (see 'tern-cli pull --help')\n";
    }
    void refusals() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const CliResult r = runCli(args + QStringList{"--models-dir", models_});
        QVERIFY2(r.finished && r.status == QProcess::NormalExit && r.code == 1, qPrintable(describe(r)));
        QVERIFY2(r.err.startsWith(message.toUtf8()), qPrintable(describe(r)));
        QCOMPARE(r.out, QByteArray());
        checkNothingInstalled();
    }

    void bundledCatalogId() {
        // The catalog's bundled model is copied from the resources, verified like a download.
        const CliResult r = runCli({"tern-tiny-moe", "--models-dir", models_});
        QVERIFY2(r.finished && r.code == 0, qPrintable(describe(r)));
        QCOMPARE(QString::fromUtf8(r.out), QString("%1 is installed: %2/%1\n").arg(kModel, models_));
        checkInstalled();
    }
};

QTEST_GUILESS_MAIN(TestCliPull)
#include "test_cli_pull.moc"
