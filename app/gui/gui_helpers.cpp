#include "gui_helpers.h"

#include "build_info.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QThread>

#include <algorithm>

namespace tern::app {

void GuiHelpers::copyToClipboard(const QString& text) const {
    if (auto* cb = QGuiApplication::clipboard()) cb->setText(text);
}

QString GuiHelpers::fileSize(qint64 bytes) const {
    const double b = double(bytes);
    if (b >= 1e9) return QString::number(b / 1e9, 'f', 2) + QStringLiteral(" GB");
    if (b >= 1e6) return QString::number(b / 1e6, 'f', 1) + QStringLiteral(" MB");
    return QString::number(b / 1e3, 'f', 0) + QStringLiteral(" kB");
}

QString GuiHelpers::paramCount(qint64 n) const {
    const double v = double(n);
    if (v >= 1e9) return QString::number(v / 1e9, 'f', 2) + QStringLiteral(" B");
    if (v >= 1e6) return QString::number(v / 1e6, 'f', 1) + QStringLiteral(" M");
    return QString::number(v / 1e3, 'f', 0) + QStringLiteral(" K");
}

QString GuiHelpers::version() const { return versionString(); }

QString GuiHelpers::backends() const { return enabledBackends().join(QStringLiteral(", ")); }

QString GuiHelpers::cpuFeatures() const {
    const QStringList f = tern::app::cpuFeatures();
    return f.isEmpty() ? QStringLiteral("none detected") : f.join(QLatin1Char(' '));
}

int GuiHelpers::hardwareThreads() const { return std::max(1, QThread::idealThreadCount()); }

}  // namespace tern::app
