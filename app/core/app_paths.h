// Where the app keeps its data and finds its bundled resources.
#pragma once

#include <QString>

namespace tern::app {

struct AppPaths {
    QString dataDir;     // per-user data: --data-dir, else $TERN_DATA_DIR, else QStandardPaths AppDataLocation
    QString modelsDir;   // dataDir/models: installed .gguf files
    QString database;    // dataDir/tern.db: chat history and settings
    QString resources;   // bundled resources (default model, catalog): $TERN_RESOURCES_DIR, else
                         // <exe>/../share/tern when installed (macOS: Tern.app/Contents/Resources/tern),
                         // else the source tree's resources/ (a build-tree run)

    // Resolves the paths and creates dataDir and modelsDir. dataDirOverride wins when not empty.
    static AppPaths resolve(const QString& dataDirOverride = {});
};

}  // namespace tern::app
