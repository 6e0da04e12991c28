// The download tests' HTTP server as a process, for tests that drive tern-cli (tests/cli link no
// Qt Network). Serves one file at /models/<name> on 127.0.0.1 with the faults given as options,
// prints "port N" once listening, then one line per request:
//   request <path> range=<Range header> status=<status>
// It runs until killed.
#include "http_fault_server.cpp"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#include <cstdio>

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addOption({"file", "File to serve.", "PATH"});
    p.addOption({"name", "Serve it as /models/NAME (default: its own name).", "NAME"});
    p.addOption({"drop-after", "Close the connection after N body bytes.", "N", "-1"});
    p.addOption({"stall-after", "Stop sending after N body bytes.", "N", "-1"});
    p.addOption({"status", "Answer with this HTTP status instead.", "CODE", "0"});
    p.addOption({"chunk", "Send the body in chunks of B bytes...", "B", "0"});
    p.addOption({"delay-ms", "...D milliseconds apart.", "D", "0"});
    p.addOption({"corrupt", "Flip a byte of the body."});
    p.addOption({"times", "Apply the faults to the first K file requests only (-1: all).", "K", "-1"});
    p.process(app);

    QFile f(p.value("file"));
    if (!f.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(p.value("file")));
        return 1;
    }
    const QString name = p.isSet("name") ? p.value("name") : QFileInfo(f.fileName()).fileName();

    tern::test::HttpFaultServer server;
    if (server.port() == 0) {
        std::fprintf(stderr, "cannot listen\n");
        return 1;
    }
    server.addFile(QStringLiteral("/models/") + name, f.readAll());
    tern::test::HttpFaults faults;
    faults.dropAfter = p.value("drop-after").toLongLong();
    faults.stallAfter = p.value("stall-after").toLongLong();
    faults.status = p.value("status").toInt();
    faults.chunkBytes = p.value("chunk").toInt();
    faults.chunkDelayMs = p.value("delay-ms").toInt();
    faults.corrupt = p.isSet("corrupt");
    faults.times = p.value("times").toInt();
    server.setFaults(faults);
    server.setOnRequest([](const tern::test::HttpRequestLog& r) {
        std::printf("request %s range=%s status=%d\n", qPrintable(r.path), qPrintable(r.range), r.status);
        std::fflush(stdout);
    });
    std::printf("port %d\n", int(server.port()));
    std::fflush(stdout);
    return app.exec();
}
