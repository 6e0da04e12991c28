// Everything the app is made of, created once in main (no singletons) and shared by the window,
// `tern --self-test` and the tests: paths, chat store, installed models, settings, chat logic,
// the model catalog and the downloads. A finished download is listed as installed at once and
// can be selected without a restart.
#pragma once

#include "app_paths.h"
#include "catalog/catalog_model.h"
#include "chat/chat_controller.h"
#include "downloads/download_manager.h"
#include "models/model_registry.h"
#include "settings/settings_controller.h"
#include "stats/stats_controller.h"
#include "store/chat_store.h"

#include <QString>
#include <memory>

namespace tern::app {

class AppContext {
public:
    // Opens the store (an unreadable database is moved aside, never deleted, and a new one is
    // started; startupNotice() says where the old one went), installs the bundled default model
    // into the models folder on first run, and selects the last used model (else the bundled one).
    explicit AppContext(const AppPaths& paths);
    ~AppContext();

    const AppPaths& paths() const { return paths_; }
    ChatStore& store() { return *store_; }
    ModelRegistry& models() { return *models_; }
    SettingsController& settings() { return *settings_; }
    ChatController& chat() { return *chat_; }
    CatalogModel& catalog() { return *catalog_; }
    DownloadManager& downloads() { return *downloads_; }
    StatsController& stats() { return *stats_; }
    const QString& startupNotice() const { return notice_; }

    static constexpr const char* kBundledModel = "tern-tiny-moe-tq2_0.gguf";

private:
    AppPaths paths_;
    QString notice_;
    std::unique_ptr<ChatStore> store_;
    std::unique_ptr<ModelRegistry> models_;
    std::unique_ptr<SettingsController> settings_;
    std::unique_ptr<ChatController> chat_;
    std::unique_ptr<CatalogModel> catalog_;
    std::unique_ptr<DownloadManager> downloads_;
    std::unique_ptr<StatsController> stats_;
};

}  // namespace tern::app
