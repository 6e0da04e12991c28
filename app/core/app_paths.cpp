#include "app_paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace tern::app {

AppPaths AppPaths::resolve(const QString& dataDirOverride) {
    AppPaths p;
    p.dataDir = dataDirOverride;
    if (p.dataDir.isEmpty()) p.dataDir = qEnvironmentVariable("TERN_DATA_DIR");
    if (p.dataDir.isEmpty()) p.dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    p.dataDir = QDir(p.dataDir).absolutePath();
    p.modelsDir = p.dataDir + "/models";
    p.database = p.dataDir + "/tern.db";
    QDir().mkpath(p.modelsDir);

    p.resources = qEnvironmentVariable("TERN_RESOURCES_DIR");
    if (p.resources.isEmpty()) {
#ifdef __APPLE__
        const QString installed = QCoreApplication::applicationDirPath() + "/../Resources/tern";  // Tern.app
#else
        const QString installed = QCoreApplication::applicationDirPath() + "/../share/tern";
#endif
        p.resources = QFileInfo::exists(installed + "/models") ? installed : QStringLiteral(TERN_SOURCE_RESOURCES_DIR);
    }
    p.resources = QDir(p.resources).absolutePath();
    return p;
}

}  // namespace tern::app
