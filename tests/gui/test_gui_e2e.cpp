// End to end through the real window: type "Once upon a time", press Enter, wait for the answer,
// compare it with the engine's own output for the same model and settings; quit; start again and
// find the conversation. The window is saved as a PNG artefact.
#include "gui_support.h"
#include "app_context.h"
#include "gui_helpers.h"
#include "window.h"

#include "tern/model.h"
#include "tern/session.h"

#include <QDir>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace tern;
using namespace tern::app;

class TestGuiE2E : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void chatThroughTheWindowAndRestart();
    void longChatOpensAndSettles();
    void chatTemplateChosenInSettings();
    void noQmlWarnings();
};

using namespace tern::test;

namespace {

// QML objects are QObject children of the window (visual children of its contentItem).
QObject* find(QQuickWindow* w, const char* name) {
    const QString n = QString::fromLatin1(name);
    if (QObject* o = w->findChild<QObject*>(n)) return o;
    return w->contentItem()->findChild<QObject*>(n);
}

// One start of the app: the same objects main() creates.
struct App {
    explicit App(const QString& dir) : ctx(AppPaths::resolve(dir)) { window = loadMainWindow(engine, ctx, helpers); }
    AppContext ctx;
    GuiHelpers helpers;
    QQmlApplicationEngine engine;
    QQuickWindow* window = nullptr;
};

bool waitReady(ChatController& c) {
    QSignalSpy spy(&c, &ChatController::modelChanged);
    for (int i = 0; i < 100 && !c.modelReady(); ++i) spy.wait(200);
    return c.modelReady();
}

}  // namespace

void TestGuiE2E::initTestCase() { qInstallMessageHandler(captureWarnings); }

void TestGuiE2E::chatThroughTheWindowAndRestart() {
    QTemporaryDir dir;
    QString answer;
    {
        App app(dir.path());
        QVERIFY2(app.window, "the window did not load");
        app.window->show();
        QVERIFY(QTest::qWaitForWindowExposed(app.window));
        ChatController& chat = app.ctx.chat();
        QVERIFY(waitReady(chat));
        app.ctx.settings().setTemperature(0.0);
        app.ctx.settings().setMaxTokens(32);
        app.ctx.settings().setSeed(7);

        auto* input = qobject_cast<QQuickItem*>(find(app.window, "inputField"));
        QVERIFY2(input, "no item named inputField");
        input->forceActiveFocus();
        for (char ch : std::string("Once upon a time")) QTest::keyClick(app.window, ch);
        QSignalSpy done(&chat, &ChatController::answerFinished);
        QTest::keyClick(app.window, Qt::Key_Return);
        // A fast kernel set can finish the answer while the key event is still being delivered;
        // QSignalSpy::wait only counts emissions after it is called.
        QVERIFY2(!done.isEmpty() || done.wait(60000), "no answer after Enter");
        answer = done.first().at(2).toString();

        // The engine's own answer for that model, prompt and settings.
        auto m = Model::load(app.ctx.models().find(AppContext::kBundledModel)->path.toStdString());
        Session s(*m, {});
        std::string expected;
        s.generate("Once upon a time", app.ctx.settings().generateParams(),
                   [&](int32_t, std::string_view t) { expected += t; });
        QCOMPARE(answer, QString::fromStdString(expected));
        QCOMPARE(chat.messages()->count(), 2);
        QCOMPARE(chat.messages()->at(1).text, answer);

        // A second turn through the window continues the same conversation.
        QSignalSpy second(&chat, &ChatController::answerFinished);
        for (char ch : std::string("Lily went to the park")) QTest::keyClick(app.window, ch);
        QTest::keyClick(app.window, Qt::Key_Return);
        QVERIFY2(!second.isEmpty() || second.wait(60000), "no answer to the second message");
        QCOMPARE(chat.messages()->count(), 4);
        QTest::qWait(300);  // let the view settle before the picture
        const QString artifacts = qEnvironmentVariable("TERN_TEST_ARTIFACTS", QDir::tempPath());
        QDir().mkpath(artifacts);
        const QImage shot = app.window->grabWindow();
        QVERIFY(!shot.isNull() && shot.width() > 400);
        QVERIFY(shot.save(artifacts + "/gui-e2e-chat.png"));
    }
    {
        App again(dir.path());  // start again: the conversation is there
        QVERIFY(again.window);
        ChatController& chat = again.ctx.chat();
        QCOMPARE(chat.conversations()->count(), 1);
        const qint64 id = chat.conversations()->data(chat.conversations()->index(0), ConversationList::IdRole).toLongLong();
        chat.selectConversation(id);
        QCOMPARE(chat.messages()->count(), 4);
        QCOMPARE(chat.messages()->at(0).text, QString("Once upon a time"));
        QCOMPARE(chat.messages()->at(1).text, answer);
    }
}

void TestGuiE2E::longChatOpensAndSettles() {
    // Regression: a very long answer followed by a short message made the message view re-layout
    // forever when the chat was opened (100% CPU, frozen window).
    QTemporaryDir dir;
    App app(dir.path());
    QVERIFY(app.window);
    app.window->show();
    QVERIFY(QTest::qWaitForWindowExposed(app.window));
    ChatStore& store = app.ctx.store();
    const qint64 conv = store.createConversation("Sea story");
    QString story;
    for (int i = 0; i < 120; ++i)
        story += QStringLiteral("The sea was big and blue, and Tim swam with the fish all day long. ") +
                 (i % 7 == 6 ? QStringLiteral("\n\n") : QString());
    store.addMessage(conv, "user", "Once upon a time");
    const qint64 answer = store.addMessage(conv, "assistant", QString(), "tern-tiny-moe-tq2_0.gguf", "generating");
    store.finishMessage(answer, story, "done", {});
    store.addMessage(conv, "user", "Tim");
    store.addMessage(conv, "assistant", "", "tern-tiny-moe-tq2_0.gguf", "interrupted");
    app.ctx.chat().selectConversation(conv);
    // The view must settle: the event loop keeps turning and stays idle after a moment.
    QElapsedTimer t;
    t.start();
    qint64 worst = 0;
    while (t.elapsed() < 1500) {
        QElapsedTimer step;
        step.start();
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        worst = std::max(worst, step.elapsed());
        QTest::qWait(10);
    }
    QVERIFY2(worst < 500, qPrintable(QString("an event-loop turn took %1 ms").arg(worst)));
    QCOMPARE(app.ctx.chat().messages()->count(), 4);
    const QImage shot = app.window->grabWindow();  // renders: a hang would stop here
    QVERIFY(!shot.isNull());
}

void TestGuiE2E::chatTemplateChosenInSettings() {
    // Settings page: the chat template box shows the detected family as "Automatic (…)" and a
    // choice there becomes the model's override.
    QTemporaryDir dir;
    App app(dir.path());
    QVERIFY(app.window);
    app.window->show();
    QVERIFY(QTest::qWaitForWindowExposed(app.window));
    QVERIFY(waitReady(app.ctx.chat()));
    QVERIFY(QMetaObject::invokeMethod(find(app.window, "settingsButton"), "clicked"));
    QTest::qWait(200);
    auto* box = find(app.window, "chatTemplateCombo");
    QVERIFY2(box, "no item named chatTemplateCombo");
    QCOMPARE(box->property("currentIndex").toInt(), 0);
    QCOMPARE(box->property("currentText").toString(), QString("Automatic (completion)"));
    const int chatml = int(SettingsController::chatTemplateNames().indexOf("chatml")) + 1;
    QVERIFY(QMetaObject::invokeMethod(box, "activated", Q_ARG(int, chatml)));
    QCOMPARE(app.ctx.settings().chatTemplate(), QString("chatml"));
    QVERIFY(!app.ctx.chat().completionMode());
    app.ctx.settings().setChatTemplate("");
    QCOMPARE(box->property("currentIndex").toInt(), 0);
    QVERIFY(app.ctx.chat().completionMode());
}

void TestGuiE2E::noQmlWarnings() {
    QVERIFY2(g_warnings.isEmpty(), qPrintable(g_warnings.join("\n")));
}

QTEST_MAIN(TestGuiE2E)
#include "test_gui_e2e.moc"
