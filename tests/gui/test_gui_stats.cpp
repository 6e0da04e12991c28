// The Stats page through the real window (offscreen): open it from the chat header, run the
// benchmark with its button and see the row in the comparison table and the charts, cancel a
// long benchmark with Cancel, sort the table, open the cost view. Screenshots go to
// build/test-artifacts (gui-stats.png, gui-stats-cost.png).
#include "gui_support.h"
#include "app_context.h"
#include "gui_helpers.h"
#include "test_support.h"
#include "window.h"

#include <QApplication>
#include <QDir>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace tern;
using namespace tern::app;

class TestGuiStats : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void benchmarkRunsCancelsAndFillsTheTable();
    void severalModelsSideBySide();
    void noQmlWarnings();
};

using namespace tern::test;

namespace {

// Through the visual tree too: items a Repeater creates have no QObject parent.
QQuickItem* findItem(QQuickItem* root, const QString& name) {
    if (root->objectName() == name) return root;
    for (QQuickItem* c : root->childItems())
        if (QQuickItem* f = findItem(c, name)) return f;
    return nullptr;
}

QQuickItem* find(QQuickWindow* w, const char* name) {
    const QString n = QString::fromLatin1(name);
    if (auto* o = w->findChild<QQuickItem*>(n)) return o;
    if (auto* o = w->contentItem()->findChild<QQuickItem*>(n)) return o;
    return findItem(w->contentItem(), n);
}

// A real mouse click in the middle of a visible item.
bool click(QQuickWindow* w, const char* name) {
    QQuickItem* item = find(w, name);
    if (!item) qWarning("click: no item %s", name);
    else if (!item->isVisible() || !item->isEnabled() || item->width() <= 0)
        qWarning("click: %s visible %d enabled %d width %f", name, item->isVisible(), item->isEnabled(), item->width());
    if (!item || !item->isVisible() || !item->isEnabled()) return false;
    // Scroll it into view first (the page is taller than the window).
    for (QQuickItem* p = item->parentItem(); p; p = p->parentItem()) {
        if (!p->inherits("QQuickFlickable")) continue;
        auto* content = p->property("contentItem").value<QQuickItem*>();
        if (content) p->setProperty("contentY", std::max(0.0, item->mapToItem(content, QPointF(0, 0)).y() - 40));
        QTest::qWait(50);
        break;
    }
    const QPointF c = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
    QTest::mouseClick(w, Qt::LeftButton, Qt::NoModifier, c.toPoint());
    return true;
}

bool waitReady(ChatController& c) {
    QSignalSpy spy(&c, &ChatController::modelChanged);
    for (int i = 0; i < 100 && !c.modelReady(); ++i) spy.wait(200);
    return c.modelReady();
}

void shoot(QQuickWindow* w, const QString& name) {
    QTest::qWait(300);  // let the charts settle before the picture
    const QString artifacts = qEnvironmentVariable("TERN_TEST_ARTIFACTS", QDir::tempPath());
    QDir().mkpath(artifacts);
    const QImage shot = w->grabWindow();
    QVERIFY(!shot.isNull() && shot.width() > 400);
    QVERIFY(shot.save(artifacts + "/" + name));
}

}  // namespace

void TestGuiStats::initTestCase() {
    qInstallMessageHandler(captureWarnings);
    QVERIFY2(qobject_cast<QApplication*>(QCoreApplication::instance()), "Qt Charts needs a QApplication");
}

void TestGuiStats::benchmarkRunsCancelsAndFillsTheTable() {
    QTemporaryDir dir;
    AppContext ctx(AppPaths::resolve(dir.path()));
    GuiHelpers helpers;
    QQmlApplicationEngine engine;
    QQuickWindow* window = loadMainWindow(engine, ctx, helpers);
    QVERIFY2(window, "the window did not load");
    window->resize(1280, 900);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window));
    QVERIFY(waitReady(ctx.chat()));
    StatsController& stats = ctx.stats();

    // A chat answer first: it is recorded too.
    ctx.settings().setMaxTokens(24);
    QSignalSpy answered(&ctx.chat(), &ChatController::answerFinished);
    QVERIFY(ctx.chat().send(QStringLiteral("Once upon a time")));
    QVERIFY(!answered.isEmpty() || answered.wait(60000));
    QCOMPARE(stats.recordCount(), 1);
    QCOMPARE(stats.records().front().kind, QStringLiteral("chat"));

    QVERIFY(!find(window, "statsPage"));  // created on the first visit
    QVERIFY2(click(window, "openStatsButton"), "no Stats button in the chat header");
    QTRY_VERIFY(find(window, "statsPage") && find(window, "statsPage")->isVisible());
    QQuickItem* rows = find(window, "comparisonRows");
    QVERIFY(rows);
    QCOMPARE(rows->property("count").toInt(), 1);  // the chat answer's model × backend

    // Run: the button starts it, the table gets its row.
    stats.setBenchmarkTokens(16);
    QSignalSpy finished(&stats, &StatsController::benchmarkFinished);
    QTRY_VERIFY(find(window, "runBenchmarkButton")->isEnabled());
    QVERIFY(click(window, "runBenchmarkButton"));
    QVERIFY(stats.benchmarkRunning() || !finished.isEmpty());  // a fast CPU may be done already
    QVERIFY(!finished.isEmpty() || finished.wait(60000));
    QCOMPARE(finished.first().at(0).toBool(), false);
    QCOMPARE(stats.recordCount(), 2);
    QCOMPARE(stats.records().back().kind, QStringLiteral("benchmark"));
    QTRY_COMPARE(stats.comparison().value(0).toMap().value("runs").toInt(), 2);  // same model and backend
    QCOMPARE(rows->property("count").toInt(), 1);
    QCOMPARE(find(window, "benchmarkProgress")->property("value").toDouble(), 1.0);
    QCOMPARE(ctx.store().generations().size(), 2);

    // Sorting by a header.
    QVERIFY(click(window, "sort_model"));
    QCOMPARE(stats.sortColumn(), QStringLiteral("model"));
    QVERIFY(stats.sortAscending());
    shoot(window, "gui-stats.png");

    // Cancel: a long run stops when Cancel is clicked, and nothing half-done is recorded.
    stats.setBenchmarkTokens(4096);
    finished.clear();
    QVERIFY(click(window, "runBenchmarkButton"));
    QVERIFY(stats.benchmarkRunning());
    // At once: with fast kernels the whole run (the model's context) takes well under a second.
    QVERIFY(find(window, "cancelBenchmarkButton")->isEnabled());
    QVERIFY(click(window, "cancelBenchmarkButton"));
    QVERIFY(!finished.isEmpty() || finished.wait(60000));
    QCOMPARE(finished.first().at(0).toBool(), true);
    QCOMPARE(stats.recordCount(), 2);
    QVERIFY(find(window, "benchmarkStatus")->property("text").toString().contains("cancelled"));
    QTRY_VERIFY(find(window, "runBenchmarkButton")->isEnabled());

    // The cost view lists the installed model.
    QVERIFY(click(window, "statsCostTab"));
    QTRY_VERIFY(find(window, "costView")->isVisible());
    QVERIFY(find(window, "costChart"));
    shoot(window, "gui-stats-cost.png");

    // Back to the chat.
    QVERIFY(click(window, "statsCostTab"));
    QVERIFY(click(window, "statsBackButton"));
    QTRY_VERIFY(!find(window, "statsPage")->isVisible());
}

// The bundled ternary MoE beside a dense 16-bit and a dense ternary model (the tiny BitNet
// fixtures), benchmarked together: one row and one bar each, and the cost view's scatter. The
// pictures (gui-stats-models.png, gui-stats-models-cost.png) are the README's.
void TestGuiStats::severalModelsSideBySide() {
    TERN_REQUIRE_SHARED(shared);
    QTemporaryDir dir;
    AppContext ctx(AppPaths::resolve(dir.path()));
    for (const char* f : {"tiny-bitnet-b158.F16.gguf", "tiny-bitnet-b158.TQ2_0.gguf"})
        QCOMPARE(ctx.models().importFile(shared + "/fixtures/bitnet-b158/" + f), QString());
    QCOMPARE(ctx.models().count(), 3);
    GuiHelpers helpers;
    QQmlApplicationEngine engine;
    QQuickWindow* window = loadMainWindow(engine, ctx, helpers);
    QVERIFY(window);
    window->resize(1280, 1180);  // the whole Overview without scrolling
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window));
    QVERIFY(waitReady(ctx.chat()));
    StatsController& stats = ctx.stats();
    QVERIFY(click(window, "sidebarStatsButton"));  // the sidebar's way in
    QTRY_VERIFY(find(window, "statsPage") && find(window, "statsPage")->isVisible());
    stats.setBenchmarkTokens(32);
    QSignalSpy finished(&stats, &StatsController::benchmarkFinished);
    for (int round = 0; round < 2; ++round) {  // two runs each: a line per model over time
        finished.clear();
        QVERIFY(click(window, "runBenchmarkButton"));
        QVERIFY(!finished.isEmpty() || finished.wait(120000));
        QCOMPARE(finished.first().at(0).toBool(), false);
    }
    QCOMPARE(stats.recordCount(), 6);
    QTRY_COMPARE(find(window, "comparisonRows")->property("count").toInt(), 3);
    shoot(window, "gui-stats-models.png");
    QVERIFY(click(window, "statsCostTab"));
    QTRY_VERIFY(find(window, "costView")->isVisible());
    QCOMPARE(stats.costPoints().size(), 3);
    shoot(window, "gui-stats-models-cost.png");
}

void TestGuiStats::noQmlWarnings() { QVERIFY2(g_warnings.isEmpty(), qPrintable(g_warnings.join("\n"))); }

QTEST_MAIN(TestGuiStats)
#include "test_gui_stats.moc"
