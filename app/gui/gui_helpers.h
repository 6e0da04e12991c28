// Small GUI-side services for QML that the controllers must not know about (they stay free of
// QtGui): clipboard, version string, build information for the About dialog.
#pragma once

#include <QObject>
#include <QString>

namespace tern::app {

class GuiHelpers : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString version READ version CONSTANT)
    Q_PROPERTY(int hardwareThreads READ hardwareThreads CONSTANT)
    Q_PROPERTY(QString backends READ backends CONSTANT)        // "CPU, Vulkan" (core/build_info.h)
    Q_PROPERTY(QString cpuFeatures READ cpuFeatures CONSTANT)  // "avx2 fma f16c", or "none detected"
public:
    using QObject::QObject;
    Q_INVOKABLE void copyToClipboard(const QString& text) const;
    Q_INVOKABLE QString fileSize(qint64 bytes) const;   // "1.3 MB"
    Q_INVOKABLE QString paramCount(qint64 n) const;     // "3.2 M", "2.4 B"
    QString version() const;
    int hardwareThreads() const;  // what "all cores" means for the threads setting
    QString backends() const;
    QString cpuFeatures() const;
};

}  // namespace tern::app
