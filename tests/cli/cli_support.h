// Running the tern-cli binary ($TERN_CLI) from a test: a result with exit status and both output
// streams, a description for failure messages, and CHECK_EXIT for "ended by itself with code N".
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QtTest>

namespace tern::test {

struct CliResult {
    bool finished = false;
    QProcess::ExitStatus status = QProcess::CrashExit;
    int code = -1;
    QByteArray out;
    QByteArray err;
};

// Runs tern-cli with args (and stdinData on its standard input, else /dev/null); a run longer than
// timeoutMs is killed and reported as not finished.
inline CliResult runCli(const QStringList& args, const QByteArray& stdinData = {}, int timeoutMs = 300000) {
    CliResult r;
    QProcess p;
    p.setProgram(qEnvironmentVariable("TERN_CLI"));
    p.setArguments(args);
    if (stdinData.isEmpty()) p.setStandardInputFile(QProcess::nullDevice());
    p.start();
    if (!p.waitForStarted(10000)) return r;
    if (!stdinData.isEmpty()) {
        p.write(stdinData);
        p.closeWriteChannel();
    }
    r.finished = p.waitForFinished(timeoutMs);
    if (!r.finished) {
        p.kill();
        p.waitForFinished(5000);
    }
    r.status = p.exitStatus();
    r.code = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

inline QString describe(const QStringList& args, const CliResult& r) {
    return QStringLiteral("tern-cli %1\n  exit %2 (%3)\n  stdout: %4\n  stderr: %5")
        .arg(args.join(' '))
        .arg(r.code)
        .arg(r.status == QProcess::NormalExit ? "normal" : "crash/killed")
        .arg(QString::fromUtf8(r.out.left(1500)), QString::fromUtf8(r.err.left(800)));
}

}  // namespace tern::test

// A clean run: the process ended by itself, not by a signal, with `expectedCode`.
#define CHECK_EXIT(args, r, expectedCode)                                                          \
    do {                                                                                          \
        QVERIFY2((r).finished, qPrintable("timed out: " + describe(args, r)));                    \
        QVERIFY2((r).status == QProcess::NormalExit, qPrintable("crashed: " + describe(args, r))); \
        QVERIFY2((r).code == (expectedCode), qPrintable(describe(args, r)));                     \
    } while (0)
