// A small HTTP/1.1 server on 127.0.0.1 (a random free port) for the download tests. It serves
// byte arrays at paths and can misbehave in the ways real model hosts and networks do (HttpFaults).
// It runs in its own QThread, so a test may block its own thread while a transfer goes on.
//
// Every response carries "Connection: close". Ranges: "bytes=N-" and "bytes=N-M" are honoured
// (206 with Content-Range), a start at or past the end gets 416 with "Content-Range: bytes */SIZE".
//
// Not compiled on its own (tests/app/*.cpp other than test_* / tool_* are not built): a test or
// tool includes http_fault_server.cpp once. No Q_OBJECT here, so no moc is needed.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <functional>
#include <memory>

namespace tern::test {

struct HttpFaults {
    qint64 dropAfter = -1;   // close the connection after this many body bytes of a response
    bool ignoreRange = false;  // answer a Range request with 200 and the whole body
    qint64 rangeShift = 0;   // answer a Range request with a 206 starting this many bytes later (< 0: earlier)
    int redirects = 0;       // a chain of this many 302s (/hop1/..., /hop2/...) before the file
    QString redirectTo;      // a single 302 to this absolute URL
    int status = 0;          // answer with this status (404, 403, 500, ...) instead of the file
    qint64 stallAfter = -1;  // stop sending after this many body bytes, keeping the connection open
    qint64 extraLength = 0;  // announce this many bytes more than the body has, then close
    bool corrupt = false;    // flip one byte in the middle of the body (a hash mismatch)
    int chunkBytes = 0;      // > 0: send the body in chunks of this size...
    int chunkDelayMs = 0;    // ...this many milliseconds apart
    int times = -1;          // how many file requests the faults apply to (-1: all of them)
};

struct HttpRequestLog {
    QString method;  // "GET", or "CONNECT" when a client takes us for its proxy
    QString path;    // as requested, e.g. "/hop1/models/a.gguf"
    QString range;   // the Range header, e.g. "bytes=1000-" (empty when absent)
    int status = 0;  // the status answered
    bool faulted = false;
};

class HttpFaultServer {
public:
    HttpFaultServer();  // listening when constructed (check port() != 0)
    ~HttpFaultServer();
    HttpFaultServer(const HttpFaultServer&) = delete;
    HttpFaultServer& operator=(const HttpFaultServer&) = delete;

    quint16 port() const { return port_; }
    QString url(const QString& path) const;  // "http://127.0.0.1:PORT" + path

    void addFile(const QString& path, const QByteArray& body);
    // Replaces the faults and restarts their count (HttpFaults::times).
    void setFaults(const HttpFaults& faults);
    // Called on the server's thread for each request, after it was answered.
    void setOnRequest(std::function<void(const HttpRequestLog&)> fn);

    QList<HttpRequestLog> requests() const;
    void clearRequests();
    // The most responses that were sending a body at the same time.
    int maxConcurrentBodies() const;

    struct Impl;

private:
    std::unique_ptr<Impl> d_;
    quint16 port_ = 0;
};

}  // namespace tern::test
