// Shared by the GUI tests: collect the warnings QML code logs (errors in qrc:/qml files), so each
// suite can end with a noQmlWarnings() check. Install with qInstallMessageHandler(captureWarnings).
#pragma once

#include <QMessageLogContext>
#include <QString>
#include <QStringList>

#include <cstdio>

namespace tern::test {

inline QStringList g_warnings;  // warnings and errors from QML files, in order

inline void captureWarnings(QtMsgType type, const QMessageLogContext& ctx, const QString& msg) {
    const QString file = ctx.file ? QString::fromUtf8(ctx.file) : QString();
    if (type != QtDebugMsg && type != QtInfoMsg && (file.startsWith("qrc:/qml") || msg.contains("qrc:/qml")))
        g_warnings << msg;
    std::fprintf(stderr, "%s\n", qPrintable(msg));
}

}  // namespace tern::test
