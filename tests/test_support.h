// Shared helpers for the Qt Test suites: where the reference data lives, reading fixture files.
#pragma once

#include <QtTest>
#include <QByteArray>
#include <QList>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <cstring>
#include <random>
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

// llama.cpp's tokenizer test vectors (../shared/fixtures/README.md §3). The .inp file holds the
// cases separated by "\n__ggml_vocab_test__\n" (a separator at the very end adds no case); the
// .out file one line of space-separated ids per case.
inline std::vector<std::string> vocabTestInputs(const QByteArray& raw) {
    const std::string s = raw.toStdString();
    const std::string sep = "\n__ggml_vocab_test__\n";
    std::vector<std::string> out;
    for (size_t pos = 0; pos < s.size();) {
        size_t next = s.find(sep, pos);
        if (next == std::string::npos) next = s.size();
        out.push_back(s.substr(pos, next - pos));
        pos = next == s.size() ? next : next + sep.size();
    }
    return out;
}

inline std::vector<std::vector<int32_t>> vocabTestExpected(const QByteArray& raw) {
    std::vector<std::vector<int32_t>> out;
    QList<QByteArray> lines = raw.split('\n');
    if (!lines.isEmpty() && lines.back().isEmpty()) lines.removeLast();
    for (const QByteArray& line : lines) {
        std::vector<int32_t> ids;
        for (const QByteArray& t : line.trimmed().split(' '))
            if (!t.isEmpty()) ids.push_back(t.toInt());
        out.push_back(std::move(ids));
    }
    return out;
}

// n values ~ N(0, scale²), the same for the same seed.
inline std::vector<float> randoms(size_t n, uint32_t seed, float scale = 1.0f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> d(0.0f, scale);
    std::vector<float> v(n);
    for (float& x : v) x = d(rng);
    return v;
}

}  // namespace tern::test
