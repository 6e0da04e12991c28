// End to end through the window: from the catalog page a person downloads a model from a server
// that drops the connection midway; the download resumes by itself, the hash checks out, the
// model appears and answers in the current chat. A picture of the catalog page with the download
// in progress is saved as a test artefact.
#include "app/http_fault_server.cpp"

#include "app_context.h"
#include "gui_helpers.h"
#include "test_support.h"
#include "window.h"

#include "tern/model.h"
#include "tern/session.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace tern;
using namespace tern::app;
using tern::test::HttpFaults;
using tern::test::HttpFaultServer;
using tern::test::readAll;

class TestGuiCatalog : public QObject {
    Q_OBJECT
private slots:
    void downloadFromTheCatalogResumesAndAnswers();
};

namespace {

// Delegates of a ListView or Repeater have no QObject parent: walk the visual item tree.
QObject* findItem(QQuickItem* item, const QString& name) {
    if (item->objectName() == name) return item;
    for (QQuickItem* c : item->childItems())
        if (QObject* o = findItem(c, name)) return o;
    return nullptr;
}

QObject* find(QQuickWindow* w, const QString& name) {
    if (QObject* o = w->findChild<QObject*>(name)) return o;
    return findItem(w->contentItem(), name);
}

bool click(QQuickWindow* w, const QString& name) {
    auto* item = qobject_cast<QQuickItem*>(find(w, name));
    if (!item || !item->isVisible() || !item->isEnabled()) return false;
    const QPointF c = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
    QTest::mouseClick(w, Qt::LeftButton, Qt::NoModifier, c.toPoint());
    return true;
}

QByteArray catalogDocument(const QString& url, const QByteArray& body) {
    QJsonObject e;
    e["id"] = "stories260k";
    e["name"] = "stories260K";
    e["publisher"] = "llama2.c";
    e["file_name"] = "stories260K.gguf";
    e["url"] = url;
    e["size_bytes"] = double(body.size());
    e["sha256"] = QString::fromLatin1(QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex());
    e["architecture"] = "llama";
    e["types"] = QJsonArray{"F32"};
    e["tokenizer"] = "llama";
    e["description"] = "A 260K-parameter TinyStories model (test server copy).";
    e["tags"] = QJsonArray{"completion"};
    QJsonObject doc;
    doc["schema_version"] = 1;
    doc["updated"] = "2099-01-01";
    doc["models"] = QJsonArray{e};
    return QJsonDocument(doc).toJson();
}

}  // namespace

void TestGuiCatalog::downloadFromTheCatalogResumesAndAnswers() {
    TERN_REQUIRE_SHARED(shared);
    const QByteArray body = readAll(shared + "/fixtures/models/stories260K.gguf");
    QVERIFY(body.size() > 1000000);
    HttpFaultServer server;
    QVERIFY(server.port() != 0);
    server.addFile("/models/stories260K.gguf", body);
    server.addFile("/catalog.json", catalogDocument(server.url("/models/stories260K.gguf"), body));

    QTemporaryDir dir;
    AppContext ctx(AppPaths::resolve(dir.path()));
    GuiHelpers helpers;
    QQmlApplicationEngine engine;
    QQuickWindow* window = loadMainWindow(engine, ctx, helpers);
    QVERIFY(window);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window));

    // The bundled catalog first: a picture of the page as a person sees it after installing.
    QVERIFY2(click(window, "openCatalogButton"), "no visible openCatalogButton");
    QTRY_VERIFY_WITH_TIMEOUT(find(window, "downloadButton-bitnet-b1.58-2b-4t-i2_s") != nullptr, 5000);
    QTest::qWait(300);
    const QString artifacts = qEnvironmentVariable("TERN_TEST_ARTIFACTS", QDir::tempPath());
    QDir().mkpath(artifacts);
    QVERIFY(window->grabWindow().save(artifacts + "/gui-catalog-bundled.png"));
    QVERIFY2(click(window, "backToChatButton"), "no Back button");

    // Then the catalog comes from the test server.
    QSignalSpy refreshed(&ctx.catalog(), &CatalogModel::refreshFinished);
    ctx.catalog().setUrl(server.url("/catalog.json"));
    ctx.catalog().refresh();
    QVERIFY(refreshed.wait(20000));
    QVERIFY2(refreshed.first().at(0).toBool(), qPrintable(ctx.catalog().error()));

    // Slow, and the first transfer breaks off a third of the way in.
    HttpFaults faults;
    faults.dropAfter = body.size() / 3;
    faults.times = 1;
    faults.chunkBytes = 16384;
    faults.chunkDelayMs = 20;
    server.setFaults(faults);

    QVERIFY2(click(window, "openCatalogButton"), "no visible openCatalogButton");
    QTRY_VERIFY_WITH_TIMEOUT(find(window, "downloadButton-stories260k") != nullptr, 5000);
    QTest::qWait(200);
    QSignalSpy installed(&ctx.downloads(), &DownloadManager::installed);
    QVERIFY2(click(window, "downloadButton-stories260k"), "the Download button is missing or disabled");

    // A picture of the page while the download runs (before the server breaks it off).
    QTRY_VERIFY_WITH_TIMEOUT(ctx.downloads().get("stories260K.gguf").value("bytesDone").toLongLong() > body.size() / 6,
                             20000);
    QTest::qWait(100);
    QVERIFY(window->grabWindow().save(artifacts + "/gui-catalog-download.png"));

    QVERIFY2(installed.wait(60000) || installed.size() > 0, "the download did not install");
    const QString path = dir.path() + "/models/stories260K.gguf";
    QCOMPARE(readAll(path), body);
    bool resumed = false;
    for (const auto& r : server.requests()) resumed = resumed || r.range.startsWith("bytes=");
    QVERIFY2(resumed, "no Range request: the download did not resume");
    QVERIFY(ctx.models().find("stories260K.gguf"));
    QVERIFY(!QFile::exists(path + ".part"));

    // Use it in the current chat: the next answer comes from the new model.
    QTRY_VERIFY_WITH_TIMEOUT(find(window, "useButton-stories260k") != nullptr, 5000);
    QVERIFY2(click(window, "useButton-stories260k"), "no Use button");
    QTRY_VERIFY_WITH_TIMEOUT(ctx.chat().modelReady() && ctx.chat().modelId() == "stories260K.gguf", 20000);
    ctx.settings().setTemperature(0.0);
    ctx.settings().setMaxTokens(24);
    QSignalSpy done(&ctx.chat(), &ChatController::answerFinished);
    QVERIFY(ctx.chat().send("Once upon a time"));
    QVERIFY(done.wait(30000));
    auto m = Model::load(path.toStdString());
    Session s(*m, {});
    std::string expected;
    s.generate("Once upon a time", ctx.settings().generateParams(), [&](int32_t, std::string_view t) { expected += t; });
    QCOMPARE(done.first().at(2).toString(), QString::fromStdString(expected));
}

QTEST_MAIN(TestGuiCatalog)
#include "test_gui_catalog.moc"
