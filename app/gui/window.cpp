#include "window.h"

#include "app_context.h"
#include "gui_helpers.h"

#include <QQmlApplicationEngine>
#include <QQmlContext>
#include <QQuickWindow>

namespace tern::app {

QQuickWindow* loadMainWindow(QQmlApplicationEngine& engine, AppContext& ctx, GuiHelpers& helpers) {
    QQmlContext* root = engine.rootContext();
    root->setContextProperty(QStringLiteral("chat"), &ctx.chat());
    root->setContextProperty(QStringLiteral("models"), &ctx.models());
    root->setContextProperty(QStringLiteral("settings"), &ctx.settings());
    root->setContextProperty(QStringLiteral("catalog"), &ctx.catalog());
    root->setContextProperty(QStringLiteral("downloads"), &ctx.downloads());
    root->setContextProperty(QStringLiteral("stats"), &ctx.stats());
    root->setContextProperty(QStringLiteral("gui"), &helpers);
    root->setContextProperty(QStringLiteral("startupNotice"), ctx.startupNotice());
    engine.addImportPath(QStringLiteral("qrc:/qml"));
    engine.load(QUrl(QStringLiteral("qrc:/qml/Main.qml")));
    if (engine.rootObjects().isEmpty()) return nullptr;
    return qobject_cast<QQuickWindow*>(engine.rootObjects().first());
}

}  // namespace tern::app
