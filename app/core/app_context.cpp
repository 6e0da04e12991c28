#include "app_context.h"

#include <QObject>

namespace tern::app {

AppContext::AppContext(const AppPaths& paths) : paths_(paths) {
    try {
        store_ = std::make_unique<ChatStore>(paths_.database);
    } catch (const StoreError& e) {
        // Only a damaged file is moved aside; other errors (a newer schema, a read-only or locked
        // folder) must not cost the user their history: they are reported as they are.
        if (!e.corrupt()) throw;
        const QString backup = ChatStore::recoverCorrupt(paths_.database);
        notice_ = QObject::tr("The chat history could not be opened (%1). It was moved to %2 and a new one was started.")
                      .arg(QString::fromUtf8(e.what()), backup);
        store_ = std::make_unique<ChatStore>(paths_.database);
    }
    models_ = std::make_unique<ModelRegistry>(paths_.modelsDir);
    const QString bundled = models_->installBundled(paths_.resources + "/models/" + kBundledModel);
    settings_ = std::make_unique<SettingsController>(*store_);
    chat_ = std::make_unique<ChatController>(*store_, *models_, *settings_);
    stats_ = std::make_unique<StatsController>(*store_, *models_, *settings_, *chat_);

    catalog_ = std::make_unique<CatalogModel>(paths_.resources, paths_.dataDir, paths_.modelsDir);
    catalog_->setUrl(store_->setting(QStringLiteral("catalogUrl")));  // empty: no network unless asked
    QObject::connect(catalog_.get(), &CatalogModel::urlChanged, catalog_.get(),
                     [this] { store_->setSetting(QStringLiteral("catalogUrl"), catalog_->url()); });
    downloads_ = std::make_unique<DownloadManager>(paths_.modelsDir);
    QObject::connect(downloads_.get(), &DownloadManager::installed, models_.get(), [this] {
        models_->refresh();
        catalog_->recheckInstalled();
    });
    QObject::connect(models_.get(), &ModelRegistry::countChanged, catalog_.get(), [this] { catalog_->recheckInstalled(); });

    QString selected = store_->setting(QStringLiteral("selectedModel"));
    if (!models_->find(selected)) selected = models_->find(bundled) ? bundled : QString();
    if (selected.isEmpty() && models_->count() > 0) selected = models_->models().first().id;
    if (!selected.isEmpty()) chat_->selectModel(selected);
}

AppContext::~AppContext() {
    stats_.reset();      // cancels a running benchmark and waits for it
    downloads_.reset();  // pauses running downloads (their parts stay for the next start)
    chat_.reset();       // stops generation before the store closes
}

}  // namespace tern::app
