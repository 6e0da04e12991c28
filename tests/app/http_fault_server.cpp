// Implementation of HttpFaultServer (see http_fault_server.h); included by the files that use it.
#include "http_fault_server.h"

#include <QHash>
#include <QHostAddress>
#include <QMutex>
#include <QMutexLocker>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <algorithm>

namespace tern::test {

struct HttpFaultServer::Impl {
    QThread thread;
    QObject* home = nullptr;  // lives in `thread`; parent of the server and the sockets
    QTcpServer* server = nullptr;

    mutable QMutex mutex;  // guards what the test thread touches too
    QHash<QString, QByteArray> files;
    HttpFaults faults;
    int faultsUsed = 0;
    QList<HttpRequestLog> log;
    std::function<void(const HttpRequestLog&)> onRequest;
    int sendingBodies = 0, maxSendingBodies = 0;
    quint16 port = 0;

    void accept();
    void handle(QTcpSocket* s, const QByteArray& head);
    void respond(QTcpSocket* s, const HttpRequestLog& entry, const QByteArray& head, const QByteArray& payload,
                 qint64 limit, bool stallAtLimit, int chunkBytes, int chunkDelayMs);
    void respondNoBody(QTcpSocket* s, const QByteArray& head, const QByteArray& payload);
    void finishBody();
};

namespace {

QByteArray reasonPhrase(int status) {
    switch (status) {
        case 200: return "OK";
        case 206: return "Partial Content";
        case 302: return "Found";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 416: return "Range Not Satisfiable";
        case 429: return "Too Many Requests";
        case 500: return "Internal Server Error";
        case 503: return "Service Unavailable";
        default: return "Status";
    }
}

QByteArray statusHead(int status, qint64 contentLength, const QByteArray& extra = {}) {
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\nContent-Length: " +
           QByteArray::number(contentLength) + "\r\nConnection: close\r\n" + extra + "\r\n";
}

}  // namespace

void HttpFaultServer::Impl::accept() {
    while (QTcpSocket* s = server->nextPendingConnection()) {
        s->setParent(home);
        auto buf = std::make_shared<QByteArray>();
        QObject::connect(s, &QTcpSocket::readyRead, s, [this, s, buf] {
            if (buf->isEmpty() && s->property("answered").toBool()) return;
            buf->append(s->readAll());
            const qsizetype end = buf->indexOf("\r\n\r\n");
            if (end < 0 || s->property("answered").toBool()) return;
            s->setProperty("answered", true);
            handle(s, buf->left(end));
        });
        QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
    }
}

void HttpFaultServer::Impl::handle(QTcpSocket* s, const QByteArray& request) {
    const QList<QByteArray> lines = request.split('\n');
    const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
    HttpRequestLog entry;
    entry.method = QString::fromLatin1(first.value(0));
    entry.path = QString::fromLatin1(first.value(1));
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray l = lines[i].trimmed();
        if (l.toLower().startsWith("range:")) entry.range = QString::fromLatin1(l.mid(6).trimmed());
    }

    // "/hopK/rest": the K-th step of a redirect chain to "/rest".
    QString path = entry.path;
    int hop = 0;
    if (path.startsWith(QLatin1String("/hop"))) {
        const qsizetype slash = path.indexOf(QLatin1Char('/'), 1);
        hop = path.mid(4, slash - 4).toInt();
        path = path.mid(slash);
    }

    QMutexLocker lock(&mutex);
    const auto file = files.constFind(path);
    if (file == files.constEnd()) {
        entry.status = 404;
        lock.unlock();
        respond(s, entry, statusHead(404, 9), "not found", -1, false, 0, 0);
        return;
    }
    const bool apply = faults.times < 0 || faultsUsed < faults.times;
    if (apply) ++faultsUsed;
    const HttpFaults f = apply ? faults : HttpFaults{};
    entry.faulted = apply && faults.times != 0;
    const QByteArray host = "http://127.0.0.1:" + QByteArray::number(port);
    lock.unlock();

    if (f.status != 0) {
        entry.status = f.status;
        respond(s, entry, statusHead(f.status, 5), "error", -1, false, 0, 0);
        return;
    }
    if (!f.redirectTo.isEmpty() || hop < f.redirects) {
        const QByteArray to = !f.redirectTo.isEmpty() ? f.redirectTo.toUtf8()
                                                      : host + "/hop" + QByteArray::number(hop + 1) + path.toUtf8();
        entry.status = 302;
        respond(s, entry, statusHead(302, 5, "Location: " + to + "\r\n"), "moved", -1, false, 0, 0);
        return;
    }

    QByteArray body = file.value();
    if (f.corrupt && !body.isEmpty()) body[body.size() / 2] = char(body[body.size() / 2] ^ 0x5a);
    const qint64 size = body.size();
    qint64 start = -1, last = size - 1;
    if (entry.range.startsWith(QLatin1String("bytes=")) && !f.ignoreRange) {
        const QStringList se = entry.range.mid(6).split(QLatin1Char('-'));
        start = se.value(0).toLongLong();
        if (!se.value(1).isEmpty()) last = std::min(last, se.value(1).toLongLong());
    }
    QByteArray head, payload;
    if (start >= size) {
        entry.status = 416;
        head = statusHead(416, 0, "Content-Range: bytes */" + QByteArray::number(size) + "\r\n");
    } else if (start >= 0) {
        start = std::clamp<qint64>(start + f.rangeShift, 0, size - 1);
        payload = body.mid(start, last - start + 1);
        entry.status = 206;
        head = statusHead(206, payload.size() + f.extraLength,
                          "Content-Range: bytes " + QByteArray::number(start) + '-' + QByteArray::number(last) + '/' +
                              QByteArray::number(size) + "\r\nAccept-Ranges: bytes\r\n");
    } else {
        payload = body;
        entry.status = 200;
        head = statusHead(200, size + f.extraLength, "Accept-Ranges: bytes\r\n");
    }
    const qint64 limit = f.stallAfter >= 0 ? f.stallAfter : f.dropAfter;
    respond(s, entry, head, payload, limit, f.stallAfter >= 0, f.chunkBytes, f.chunkDelayMs);
}

void HttpFaultServer::Impl::respond(QTcpSocket* s, const HttpRequestLog& entry, const QByteArray& head,
                                    const QByteArray& payloadIn, qint64 limit, bool stallAtLimit, int chunkBytes,
                                    int chunkDelayMs) {
    const bool isBody = entry.status == 200 || entry.status == 206;
    {
        QMutexLocker lock(&mutex);
        log.append(entry);
        if (onRequest) onRequest(entry);
        if (!isBody) return respondNoBody(s, head, payloadIn);
        ++sendingBodies;
        maxSendingBodies = std::max(maxSendingBodies, sendingBodies);
    }
    const QByteArray payload = limit >= 0 ? payloadIn.left(limit) : payloadIn;
    s->write(head);
    if (chunkBytes <= 0) {
        s->write(payload);
        finishBody();
        if (!stallAtLimit) s->disconnectFromHost();  // after the pending data is written
        return;
    }
    // Throttled: one chunk per tick. The timer belongs to the socket, so a client that hangs up
    // ends it too.
    auto sent = std::make_shared<qint64>(0);
    auto* timer = new QTimer(s);
    auto done = std::make_shared<bool>(false);
    auto finish = [this, done] {
        if (*done) return;
        *done = true;
        finishBody();
    };
    QObject::connect(s, &QTcpSocket::disconnected, timer, [timer, finish] {
        timer->stop();
        finish();
    });
    QObject::connect(timer, &QTimer::timeout, s, [s, timer, sent, payload, chunkBytes, stallAtLimit, finish] {
        if (s->state() != QAbstractSocket::ConnectedState) {
            timer->stop();
            finish();
            return;
        }
        const qint64 n = std::min<qint64>(chunkBytes, payload.size() - *sent);
        if (n > 0) s->write(payload.constData() + *sent, n);
        *sent += n;
        if (*sent >= payload.size()) {
            timer->stop();
            finish();
            if (!stallAtLimit) s->disconnectFromHost();
        }
    });
    timer->start(chunkDelayMs);
}

void HttpFaultServer::Impl::respondNoBody(QTcpSocket* s, const QByteArray& head, const QByteArray& payload) {
    s->write(head);
    s->write(payload);
    s->disconnectFromHost();
}

void HttpFaultServer::Impl::finishBody() {
    QMutexLocker lock(&mutex);
    --sendingBodies;
}

HttpFaultServer::HttpFaultServer() : d_(std::make_unique<Impl>()) {
    d_->home = new QObject;
    d_->home->moveToThread(&d_->thread);
    d_->thread.start();
    Impl* d = d_.get();
    QMetaObject::invokeMethod(
        d->home,
        [d] {
            d->server = new QTcpServer(d->home);
            QObject::connect(d->server, &QTcpServer::newConnection, d->server, [d] { d->accept(); });
            if (d->server->listen(QHostAddress::LocalHost, 0)) d->port = d->server->serverPort();
        },
        Qt::BlockingQueuedConnection);
    port_ = d->port;
}

HttpFaultServer::~HttpFaultServer() {
    Impl* d = d_.get();
    // Everything made in the server's thread is deleted there.
    QMetaObject::invokeMethod(d->home, [d] { delete d->home; d->home = nullptr; }, Qt::BlockingQueuedConnection);
    d->thread.quit();
    d->thread.wait();
}

QString HttpFaultServer::url(const QString& path) const { return QStringLiteral("http://127.0.0.1:%1%2").arg(port_).arg(path); }

void HttpFaultServer::addFile(const QString& path, const QByteArray& body) {
    QMutexLocker lock(&d_->mutex);
    d_->files.insert(path, body);
}

void HttpFaultServer::setFaults(const HttpFaults& faults) {
    QMutexLocker lock(&d_->mutex);
    d_->faults = faults;
    d_->faultsUsed = 0;
}

void HttpFaultServer::setOnRequest(std::function<void(const HttpRequestLog&)> fn) {
    QMutexLocker lock(&d_->mutex);
    d_->onRequest = std::move(fn);
}

QList<HttpRequestLog> HttpFaultServer::requests() const {
    QMutexLocker lock(&d_->mutex);
    return d_->log;
}

void HttpFaultServer::clearRequests() {
    QMutexLocker lock(&d_->mutex);
    d_->log.clear();
    d_->maxSendingBodies = d_->sendingBodies;
}

int HttpFaultServer::maxConcurrentBodies() const {
    QMutexLocker lock(&d_->mutex);
    return d_->maxSendingBodies;
}

}  // namespace tern::test
