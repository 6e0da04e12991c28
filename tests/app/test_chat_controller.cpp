// The chat logic the window and `tern --self-test` share, driven without a window: streaming into
// the right conversation, stop, regenerate, edit-and-resend, fresh context per chat, a responsive
// event loop during a long prompt, model switching while generating.
#include "app_context.h"
#include "test_support.h"
#include "vulkan_support.h"

#include "tern/model.h"
#include "tern/session.h"
#include "tern/tokenizer.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace tern;
using namespace tern::app;

class TestChatController : public QObject {
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void firstRunInstallsAndSelectsTheBundledModel();
    void answerIsStreamedAndStored();
    void newChatAnswersLikeAFreshProcess();
    void tokensGoOnlyToTheirConversation();
    void stopTakesEffectWithinOneToken();
    void regenerateReplacesTheLastAnswer();
    void editAndResendDropsLaterMessages();
    void eventLoopStaysResponsiveDuringALongPrompt();
    void switchingModelsWhileGeneratingIsSafe();
    void renameDeleteAndSearch();
    void invalidModelFileIsRefusedAndNeverListed();
    void chatModelsUseTheirTemplate();
    void chatTemplateOverridePerModel();
    void vulkanWithoutDriverFallsBackToCpu();
    void kvCacheTypeSetting();
    void vulkanAnswersLikeTheCpu();

private:
    bool waitReady();
    QString answer(const QString& prompt);
    QString greedy(const QString& prompt, int n);  // the engine's own answer in a fresh session
    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<AppContext> ctx_;
    GenerateParams params_;
};

namespace {
const char* kBundled = "tern-tiny-moe-tq2_0.gguf";
}

void TestChatController::init() {
    dir_ = std::make_unique<QTemporaryDir>();
    ctx_ = std::make_unique<AppContext>(AppPaths::resolve(dir_->path()));
    params_ = {};
    params_.max_tokens = 24;
    params_.sampling.temperature = 0.0f;
    ctx_->chat().setParamsOverride(params_);
    QVERIFY(waitReady());
}

void TestChatController::cleanup() {
    ctx_.reset();
    dir_.reset();
}

bool TestChatController::waitReady() {
    ChatController& c = ctx_->chat();
    if (c.modelReady()) return true;
    QSignalSpy spy(&c, &ChatController::modelChanged);
    for (int i = 0; i < 100 && !c.modelReady(); ++i) spy.wait(200);
    return c.modelReady();
}

QString TestChatController::answer(const QString& prompt) {
    ChatController& c = ctx_->chat();
    QSignalSpy done(&c, &ChatController::answerFinished);
    if (!c.send(prompt)) return QStringLiteral("<send refused: %1>").arg(c.status());
    if (!done.wait(60000)) return QStringLiteral("<no answer>");
    return done.first().at(2).toString();
}

QString TestChatController::greedy(const QString& prompt, int n) {
    auto m = Model::load(ctx_->models().find(kBundled)->path.toStdString());
    SessionOptions o;
    o.n_ctx = 256;
    Session s(*m, o);
    GenerateParams p = params_;
    p.max_tokens = n;
    std::string out;
    s.generate(prompt.toStdString(), p, [&](int32_t, std::string_view t) { out += t; });
    return QString::fromStdString(out);
}

void TestChatController::firstRunInstallsAndSelectsTheBundledModel() {
    QVERIFY(QFile::exists(dir_->path() + "/models/" + kBundled));
    QCOMPARE(ctx_->chat().modelId(), QString(kBundled));
    QVERIFY(ctx_->chat().completionMode());
    QCOMPARE(ctx_->store().setting("selectedModel"), QString(kBundled));
}

void TestChatController::answerIsStreamedAndStored() {
    ChatController& c = ctx_->chat();
    QString streamed;
    connect(c.messages(), &QAbstractItemModel::dataChanged, this, [&](const QModelIndex& i) {
        streamed = c.messages()->data(i, MessageList::TextRole).toString();
    });
    const QString a = answer("Once upon a time");
    QCOMPARE(a, greedy("Once upon a time", 24));
    QCOMPARE(streamed, a);
    const QList<Message> stored = ctx_->store().messages(c.currentConversationId());
    QCOMPARE(stored.size(), 2);
    QCOMPARE(stored[0].role, QString("user"));
    QCOMPARE(stored[1].text, a);
    QCOMPARE(stored[1].status, QString("done"));
    QCOMPARE(stored[1].stats.generatedTokens, 24);
    QCOMPARE(stored[1].model, QString(kBundled));
    QVERIFY(stored[1].finished.isValid());
    QCOMPARE(c.messages()->count(), 2);
}

void TestChatController::newChatAnswersLikeAFreshProcess() {
    ChatController& c = ctx_->chat();
    answer("Once upon a time");
    answer("The dog");  // a second turn: the KV cache now holds this conversation
    c.newConversation();
    QCOMPARE(answer("The sun was hot"), greedy("The sun was hot", 24));
    c.selectConversation(ctx_->store().conversations().last().id);  // back to the first chat
    const QList<Message> first = ctx_->store().messages(c.currentConversationId());
    QCOMPARE(first.size(), 4);
}

void TestChatController::tokensGoOnlyToTheirConversation() {
    ChatController& c = ctx_->chat();
    answer("Once upon a time");
    const qint64 a = c.currentConversationId();
    c.newConversation();
    answer("The cat");
    const qint64 b = c.currentConversationId();
    c.selectConversation(a);
    params_.max_tokens = 120;
    c.setParamsOverride(params_);
    QSignalSpy done(&c, &ChatController::answerFinished);
    QVERIFY(c.send("Then"));
    c.selectConversation(b);  // switch while A's answer streams
    const QList<Message> shownB = c.messages()->all();
    QVERIFY(done.wait(60000));
    QCOMPARE(c.messages()->all().size(), shownB.size());
    for (int i = 0; i < shownB.size(); ++i) QCOMPARE(c.messages()->at(i).text, shownB[i].text);
    QCOMPARE(done.first().at(0).toLongLong(), a);
    QCOMPARE(ctx_->store().messages(b).size(), 2);
    QCOMPARE(ctx_->store().messages(a).size(), 4);
    QCOMPARE(ctx_->store().messages(a).last().text, done.first().at(2).toString());
}

void TestChatController::stopTakesEffectWithinOneToken() {
    // The engine checks the stop flag before every token (test_generation checks the exact count).
    // Here: a stop right after sending, and a stop at the first streamed text of a long answer,
    // both end it early, marked "stopped". The answer is made long (a large context, no stop at
    // end-of-text) because the SIMD kernels write this model's own 256-token context in ~40 ms, less
    // than the time between send() returning and the worker thread starting on another core.
    ChatController& c = ctx_->chat();
    ctx_->settings().setContextSize(4096);
    QVERIFY(waitReady());
    params_.max_tokens = 4000;
    params_.ignore_eos = true;
    c.setParamsOverride(params_);
    QSignalSpy done(&c, &ChatController::answerFinished);
    QVERIFY(c.send("Once upon a time"));
    c.stop();
    QVERIFY(done.wait(60000));
    Message m = ctx_->store().messages(c.currentConversationId()).last();
    QCOMPARE(m.status, QString("stopped"));
    QVERIFY2(m.stats.generatedTokens < 400, qPrintable(QString::number(m.stats.generatedTokens)));

    bool stopped = false;
    connect(c.messages(), &QAbstractItemModel::dataChanged, this, [&] {
        if (!stopped) {
            stopped = true;
            c.stop();
        }
    });
    QVERIFY(c.send("The dog"));
    QVERIFY(done.wait(60000));
    m = ctx_->store().messages(c.currentConversationId()).last();
    QCOMPARE(m.status, QString("stopped"));
    QVERIFY2(m.stats.generatedTokens < 4000, qPrintable(QString::number(m.stats.generatedTokens)));
    QVERIFY(!c.generating());
}

void TestChatController::regenerateReplacesTheLastAnswer() {
    ChatController& c = ctx_->chat();
    const QString first = answer("Once upon a time");
    QSignalSpy done(&c, &ChatController::answerFinished);
    QVERIFY(c.regenerate());
    QVERIFY(done.wait(60000));
    const QList<Message> stored = ctx_->store().messages(c.currentConversationId());
    QCOMPARE(stored.size(), 2);
    QCOMPARE(stored[1].text, first);  // greedy: the same answer again
}

void TestChatController::editAndResendDropsLaterMessages() {
    ChatController& c = ctx_->chat();
    answer("Once upon a time");
    answer("The dog");
    const qint64 firstUser = ctx_->store().messages(c.currentConversationId()).first().id;
    QSignalSpy done(&c, &ChatController::answerFinished);
    QVERIFY(c.editAndResend(firstUser, "The sun was hot"));
    QVERIFY(done.wait(60000));
    const QList<Message> stored = ctx_->store().messages(c.currentConversationId());
    QCOMPARE(stored.size(), 2);
    QCOMPARE(stored[0].text, QString("The sun was hot"));
    QCOMPARE(stored[1].text, greedy("The sun was hot", 24));
    QCOMPARE(c.messages()->count(), 2);
}

void TestChatController::eventLoopStaysResponsiveDuringALongPrompt() {
    ChatController& c = ctx_->chat();
    QString prompt;
    while (prompt.size() < 900) prompt += QStringLiteral("Once upon a time, there was a little girl named Lily. ");
    params_.max_tokens = 8;
    c.setParamsOverride(params_);
    QElapsedTimer clock;
    qint64 last = 0, worst = 0;
    QTimer tick;
    tick.setInterval(5);
    connect(&tick, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        worst = std::max(worst, now - last);
        last = now;
    });
    QSignalSpy done(&c, &ChatController::answerFinished);
    clock.start();
    tick.start();
    QVERIFY(c.send(prompt));
    QVERIFY(done.wait(60000));
    tick.stop();
    QVERIFY2(worst < 100, qPrintable(QString("the event loop was blocked for %1 ms").arg(worst)));
    QVERIFY(ctx_->store().messages(c.currentConversationId()).last().stats.promptTokens > 150);
}

void TestChatController::switchingModelsWhileGeneratingIsSafe() {
    TERN_REQUIRE_SHARED(shared);
    ChatController& c = ctx_->chat();
    QCOMPARE(ctx_->models().importFile(shared + "/fixtures/models/stories260K.gguf"), QString());
    QCOMPARE(ctx_->models().importFile(dir_->path() + "/tern.db"), QString(dir_->path() + "/tern.db: not a .gguf file"));
    params_.max_tokens = 200;
    c.setParamsOverride(params_);
    QVERIFY(c.send("Once upon a time"));
    c.selectModel("stories260K.gguf");  // stops the answer, keeps the conversation
    QVERIFY(waitReady());
    QTRY_VERIFY_WITH_TIMEOUT(!c.generating(), 10000);
    params_.max_tokens = 16;
    c.setParamsOverride(params_);
    const qint64 conv = c.currentConversationId();
    answer("The dog");
    QCOMPARE(c.currentConversationId(), conv);
    const QList<Message> stored = ctx_->store().messages(conv);
    QCOMPARE(stored.size(), 4);
    QCOMPARE(stored[1].status, QString("stopped"));
    QCOMPARE(stored[3].model, QString("stories260K.gguf"));
}

void TestChatController::renameDeleteAndSearch() {
    ChatController& c = ctx_->chat();
    answer("Once upon a time");
    const qint64 id = c.currentConversationId();
    c.renameConversation(id, "  Lily   story ");
    QCOMPARE(ctx_->store().conversation(id)->title, QString("Lily story"));
    c.setSearchQuery("Lily");
    QCOMPARE(c.conversations()->count(), 1);
    c.setSearchQuery("zebra");
    QCOMPARE(c.conversations()->count(), 0);
    c.setSearchQuery("");
    c.deleteConversation(id);
    QCOMPARE(c.conversations()->count(), 0);
    QCOMPARE(c.currentConversationId(), qint64(0));
    QVERIFY(ctx_->store().messages(id).isEmpty());
}

void TestChatController::invalidModelFileIsRefusedAndNeverListed() {
    QTemporaryDir other;
    const QString bad = other.filePath("broken.gguf");
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("GGUF\x03\x00\x00\x00 this is not a model");
    f.close();
    const QString error = ctx_->models().importFile(bad);
    QVERIFY2(error.contains(bad) && error.contains("truncated"), qPrintable(error));  // the engine's message
    QVERIFY(!QFile::exists(dir_->path() + "/models/broken.gguf"));
    QVERIFY(!QFile::exists(dir_->path() + "/models/broken.gguf.part"));
    ctx_->models().refresh();
    QCOMPARE(ctx_->models().count(), 1);
    QVERIFY(!ctx_->models().find("broken.gguf"));
}

void TestChatController::chatModelsUseTheirTemplate() {
    // The tiny BitNet b1.58 fixture is a chat model by architecture (BitNet 2B4T's
    // "User: ...<|eot_id|>Assistant: " format): its prompts are rendered with that template.
    TERN_REQUIRE_SHARED(shared);
    const QString file = shared + "/fixtures/bitnet-b158/tiny-bitnet-b158.TQ2_0.gguf";
    QCOMPARE(ctx_->models().importFile(file), QString());
    ChatController& c = ctx_->chat();
    c.selectModel("tiny-bitnet-b158.TQ2_0.gguf");
    QVERIFY(waitReady());
    QVERIFY(!c.completionMode());
    QCOMPARE(ctx_->models().get("tiny-bitnet-b158.TQ2_0.gguf").value("chatFormat").toString(), QString("bitnet"));
    params_.max_tokens = 4;
    c.setParamsOverride(params_);
    c.newConversation();
    answer("Hello");
    answer("And then?");
    auto m = Model::load(file.toStdString());
    const std::vector<tern::ChatMessage> history = {
        {"user", "Hello"}, {"assistant", ctx_->store().messages(c.currentConversationId())[1].text.toStdString()},
        {"user", "And then?"}};
    const size_t expected = tern::encode_chat(m->tokenizer(), history, tern::ChatFamily::BITNET).size();
    QCOMPARE(size_t(ctx_->store().messages(c.currentConversationId()).last().stats.promptTokens), expected);
}

void TestChatController::chatTemplateOverridePerModel() {
    // The user overrides the template of one model; it applies to that model only, survives a
    // restart and an unknown name is refused.
    TERN_REQUIRE_SHARED(shared);
    const QString file = shared + "/fixtures/bitnet-b158/tiny-bitnet-b158.TQ2_0.gguf";
    const QString id = "tiny-bitnet-b158.TQ2_0.gguf";
    QCOMPARE(ctx_->models().importFile(file), QString());
    ChatController& c = ctx_->chat();
    SettingsController& settings = ctx_->settings();
    c.selectModel(id);
    QVERIFY(waitReady());
    QCOMPARE(settings.detectedChatTemplate(), QString("bitnet"));
    QCOMPARE(settings.chatTemplate(), QString());
    QVERIFY(settings.chatTemplateNames().contains("chatml"));
    QSignalSpy modeChanged(&c, &ChatController::modelChanged);
    settings.setChatTemplate("completion");
    QVERIFY(c.completionMode());
    QVERIFY(modeChanged.count() >= 1);
    settings.setChatTemplate("no-such-template");
    QCOMPARE(settings.chatTemplate(), QString("completion"));
    settings.setChatTemplate("chatml");
    QVERIFY(!c.completionMode());

    params_.max_tokens = 2;
    c.setParamsOverride(params_);
    c.newConversation();
    answer("Hello");
    auto m = Model::load(file.toStdString());
    const size_t chatml = tern::encode_chat(m->tokenizer(), {{"user", "Hello"}}, tern::ChatFamily::CHATML).size();
    QVERIFY(chatml != tern::encode_chat(m->tokenizer(), {{"user", "Hello"}}, tern::ChatFamily::BITNET).size());
    QCOMPARE(size_t(ctx_->store().messages(c.currentConversationId()).last().stats.promptTokens), chatml);

    // Another model keeps its own (detected) template.
    c.selectModel(kBundled);
    QVERIFY(waitReady());
    QCOMPARE(settings.chatTemplate(), QString());
    QVERIFY(c.completionMode());  // tern-tiny-moe has no chat template
    // After a restart the override is still there.
    ctx_.reset();
    ctx_ = std::make_unique<AppContext>(AppPaths::resolve(dir_->path()));
    ctx_->chat().selectModel(id);
    QVERIFY(waitReady());
    QCOMPARE(ctx_->settings().chatTemplate(), QString("chatml"));
    ctx_->settings().setChatTemplate("");
    QCOMPARE(ctx_->settings().chatTemplate(), QString());
    QVERIFY(!ctx_->chat().completionMode());
}

void TestChatController::vulkanWithoutDriverFallsBackToCpu() {
    // No Vulkan driver (the loader is pointed at a file that does not exist): choosing Vulkan
    // still answers, on the CPU, and the status says why.
    qputenv("VK_DRIVER_FILES", "/nonexistent/tern-test-icd.json");
    qputenv("VK_ICD_FILENAMES", "/nonexistent/tern-test-icd.json");
    ChatController& c = ctx_->chat();
    QVERIFY(c.backendDescription().startsWith("CPU ("));
    ctx_->settings().setBackend("vulkan");  // reloads the model
    QCOMPARE(ctx_->settings().backend(), QString("vulkan"));
    QVERIFY(waitReady());
    QVERIFY2(c.status().startsWith("Vulkan unavailable: "), qPrintable(c.status()));
    QVERIFY2(c.backendDescription().startsWith("CPU ("), qPrintable(c.backendDescription()));
    c.newConversation();
    QCOMPARE(answer("Once upon a time"), greedy("Once upon a time", params_.max_tokens));
    ctx_->settings().setBackend("no-such-backend");
    QCOMPARE(ctx_->settings().backend(), QString("vulkan"));
    ctx_->settings().setBackend("cpu");
    QVERIFY(waitReady());
    QVERIFY(!c.status().startsWith("Vulkan unavailable"));
    qunsetenv("VK_DRIVER_FILES");
    qunsetenv("VK_ICD_FILENAMES");
}

void TestChatController::kvCacheTypeSetting() {
    // Settings → KV cache: F16 reloads the model with a half-size cache (the description says
    // so) and tern-tiny-moe's greedy answer stays the same; an unknown type is ignored; it is
    // kept across restarts.
    ChatController& c = ctx_->chat();
    SettingsController& settings = ctx_->settings();
    QCOMPARE(settings.kvCacheType(), QString("f32"));
    QVERIFY2(!c.backendDescription().contains("F16 KV cache"), qPrintable(c.backendDescription()));
    settings.setKvCacheType("f16");  // reloads the model
    QCOMPARE(settings.kvCacheType(), QString("f16"));
    QVERIFY(waitReady());
    QVERIFY2(c.backendDescription().endsWith(", F16 KV cache)"), qPrintable(c.backendDescription()));
    c.newConversation();
    QCOMPARE(answer("Once upon a time"), greedy("Once upon a time", params_.max_tokens));
    settings.setKvCacheType("q8_0");
    QCOMPARE(settings.kvCacheType(), QString("f16"));
    ctx_.reset();
    ctx_ = std::make_unique<AppContext>(AppPaths::resolve(dir_->path()));
    QVERIFY(waitReady());
    QCOMPARE(ctx_->settings().kvCacheType(), QString("f16"));
    ctx_->settings().resetToDefaults();
    QCOMPARE(ctx_->settings().kvCacheType(), QString("f32"));
}

void TestChatController::vulkanAnswersLikeTheCpu() {
    // Settings → Backend: Vulkan on device 0 (lavapipe in CI) gives the CPU's greedy answer.
    TERN_REQUIRE_VULKAN();
    ChatController& c = ctx_->chat();
    ctx_->settings().setBackend("vulkan");
    ctx_->settings().setDevice(0);
    QVERIFY(waitReady());
    QVERIFY2(c.backendDescription().startsWith("Vulkan ("), qPrintable(c.backendDescription() + " / " + c.status()));
    c.newConversation();
    QCOMPARE(answer("Once upon a time"), greedy("Once upon a time", params_.max_tokens));
    ctx_->settings().setBackend("cpu");
    ctx_->settings().setDevice(-1);
    QVERIFY(waitReady());
    QVERIFY(c.backendDescription().startsWith("CPU ("));
}

QTEST_GUILESS_MAIN(TestChatController)
#include "test_chat_controller.moc"
