// The About dialog, reached from the settings page: it opens and shows the version, the build's
// backends and this CPU's features, the same strings `tern --version` prints (build_info.h). The
// window with the dialog is saved as a PNG artefact.
#include "gui_support.h"
#include "app_context.h"
#include "build_info.h"
#include "gui_helpers.h"
#include "window.h"

#include <QDir>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtTest>

using namespace tern::app;

class TestGuiAbout : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void aboutFromSettings();
    void noQmlWarnings();
};

using namespace tern::test;

namespace {

// Items inside popups (drawer, dialog) are children of the popup's own item, not of the window's
// content item: search every QObject under the window's root objects.
QObject* find(QQmlApplicationEngine& engine, QQuickWindow* w, const QString& name) {
    for (QObject* root : engine.rootObjects())
        if (QObject* o = root->findChild<QObject*>(name)) return o;
    if (QObject* o = w->contentItem()->findChild<QObject*>(name)) return o;
    if (QQuickItem* overlay = w->contentItem()->parentItem()) {
        for (QQuickItem* child : overlay->childItems())
            if (QObject* o = child->findChild<QObject*>(name)) return o;
    }
    return nullptr;
}

}  // namespace

void TestGuiAbout::initTestCase() { qInstallMessageHandler(captureWarnings); }

void TestGuiAbout::aboutFromSettings() {
    QTemporaryDir dir;
    AppContext ctx(AppPaths::resolve(dir.path()));
    GuiHelpers helpers;
    QQmlApplicationEngine engine;
    QQuickWindow* window = loadMainWindow(engine, ctx, helpers);
    QVERIFY2(window, "the window did not load");
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window));

    QObject* settingsButton = find(engine, window, "settingsButton");
    QVERIFY2(settingsButton, "no settingsButton");
    QVERIFY(QMetaObject::invokeMethod(settingsButton, "clicked"));
    QObject* page = find(engine, window, "settingsPage");
    QVERIFY2(page, "no settingsPage");
    QTRY_VERIFY(page->property("opened").toBool());

    // Settings → KV cache: F32 by default; choosing F16 stores the setting (the model reloads).
    QObject* f16 = find(engine, window, "kvCacheF16");
    QObject* f32 = find(engine, window, "kvCacheF32");
    QVERIFY2(f16 && f32, "no KV cache choice on the settings page");
    QVERIFY(f32->property("checked").toBool());
    QVERIFY(!f16->property("checked").toBool());
    QVERIFY(f16->setProperty("checked", true));  // as a click does: checked, then toggled()
    QVERIFY(QMetaObject::invokeMethod(f16, "toggled"));
    QCOMPARE(ctx.settings().kvCacheType(), QStringLiteral("f16"));
    QVERIFY(!f32->property("checked").toBool());

    QObject* aboutButton = find(engine, window, "aboutButton");
    QVERIFY2(aboutButton, "no aboutButton on the settings page");
    QVERIFY(QMetaObject::invokeMethod(aboutButton, "clicked"));
    QObject* dialog = find(engine, window, "aboutDialog");
    QVERIFY2(dialog, "no aboutDialog");
    QTRY_VERIFY(dialog->property("opened").toBool());

    QObject* version = find(engine, window, "aboutVersion");
    QObject* backends = find(engine, window, "aboutBackends");
    QObject* features = find(engine, window, "aboutCpuFeatures");
    QVERIFY(version && backends && features);
    QCOMPARE(version->property("text").toString(), QStringLiteral("Version ") + versionString());
    QCOMPARE(backends->property("text").toString(), enabledBackends().join(QStringLiteral(", ")));
    const QStringList f = cpuFeatures();
    QCOMPARE(features->property("text").toString(), f.isEmpty() ? QStringLiteral("none detected") : f.join(' '));
    QCOMPARE(dialog->property("summary").toString(), buildSummary(QStringLiteral("Tern")));

    QTest::qWait(300);  // let the dialog's enter transition finish before the picture
    const QString artifacts = qEnvironmentVariable("TERN_TEST_ARTIFACTS", QDir::tempPath());
    QDir().mkpath(artifacts);
    const QImage shot = window->grabWindow();
    QVERIFY(!shot.isNull());
    QVERIFY(shot.save(artifacts + "/gui-about.png"));
}

void TestGuiAbout::noQmlWarnings() { QVERIFY2(g_warnings.isEmpty(), qPrintable(g_warnings.join("\n"))); }

QTEST_MAIN(TestGuiAbout)
#include "test_gui_about.moc"
