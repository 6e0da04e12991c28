// Shared helpers for the Qt Test suites: where the reference data lives, reading fixture files.
#pragma once

#include <QtTest>
#include <QByteArray>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <cstring>
#include <string>
#include <vector>

namespace tern::test {

// ../shared beside the repository: $TERN_SHARED_DIR, else the path CMake was configured with.
// Empty when absent.
inline QString sharedDir() {
    QString d = qEnvironmentVariable("TERN_SHARED_DIR");
#ifdef TERN_DEFAULT_SHARED_DIR
    if (d.isEmpty()) d = QStringLiteral(TERN_DEFAULT_SHARED_DIR);
#endif
    if (d.isEmpty() || !QFile::exists(d + "/fixtures/README.md")) return {};
    return d;
}

// In CI the reference data must be there; elsewhere its absence is a clear skip.
#define TERN_REQUIRE_SHARED(dirVar)                                                              \
    const QString dirVar = ::tern::test::sharedDir();                                            \
    if (dirVar.isEmpty()) {                                                                      \
        if (!qEnvironmentVariableIsEmpty("CI"))                                                  \
            QFAIL("../shared reference data is missing (required in CI)");                       \
        QSKIP("../shared reference data not found: set TERN_SHARED_DIR to run this test");       \
    }

inline std::string fixture(const QString& shared, const QString& rel) {
    return (shared + "/fixtures/" + rel).toStdString();
}

inline QByteArray readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

inline QJsonObject readJson(const QString& path) {
    return QJsonDocument::fromJson(readAll(path)).object();
}

inline std::vector<float> readF32(const QString& path) {
    const QByteArray b = readAll(path);
    std::vector<float> v(static_cast<size_t>(b.size()) / sizeof(float));
    if (!v.empty()) std::memcpy(v.data(), b.constData(), v.size() * sizeof(float));
    return v;
}

}  // namespace tern::test
