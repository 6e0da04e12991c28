#include "self_test.h"

#include "app_context.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QTimer>

#include <cstdio>

namespace tern::app {

int runSelfTest(const QString& dataDir, const QString& prompt) {
    AppContext ctx(AppPaths::resolve(dataDir));
    ChatController& chat = ctx.chat();
    if (!ctx.startupNotice().isEmpty()) std::fprintf(stderr, "tern: %s\n", qPrintable(ctx.startupNotice()));
    if (chat.modelId().isEmpty()) {
        std::fprintf(stderr, "tern: self-test: no model installed in %s\n", qPrintable(ctx.paths().modelsDir));
        return 1;
    }
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, [&] { loop.exit(3); });
    QObject::connect(&chat, &ChatController::errorOccurred, &loop, [&](const QString& e) {
        std::fprintf(stderr, "tern: self-test: %s\n", qPrintable(e));
        loop.exit(1);
    });
    timeout.start(120000);
    if (!chat.modelReady()) {
        QObject::connect(&chat, &ChatController::modelChanged, &loop, [&] { if (chat.modelReady()) loop.exit(0); });
        if (const int rc = loop.exec(); rc != 0) return rc;
    }
    tern::GenerateParams p;
    p.max_tokens = 64;
    p.sampling.temperature = 0.0f;
    chat.setParamsOverride(p);
    chat.newConversation();
    QString answer;
    qint64 conversation = 0;
    QObject::connect(&chat, &ChatController::answerFinished, &loop, [&](qint64 conv, qint64, const QString& text) {
        conversation = conv;
        answer = text;
        loop.exit(0);
    });
    if (!chat.send(prompt)) {
        std::fprintf(stderr, "tern: self-test: could not send (%s)\n", qPrintable(chat.status()));
        return 1;
    }
    if (const int rc = loop.exec(); rc != 0) {
        if (rc == 3) std::fprintf(stderr, "tern: self-test: no answer within 120 s\n");
        return rc;
    }
    const QList<Message> stored = ctx.store().messages(conversation);
    if (stored.size() != 2 || stored[1].text != answer || stored[1].status != QLatin1String("done")) {
        std::fprintf(stderr, "tern: self-test: the answer was not stored in %s\n", qPrintable(ctx.paths().database));
        return 1;
    }
    std::printf("%s%s\n", qPrintable(prompt), qPrintable(answer));
    std::fprintf(stderr, "tern: self-test passed: model %s, data in %s, bundled resources in %s\n",
                 qPrintable(chat.modelId()), qPrintable(ctx.paths().dataDir), qPrintable(ctx.paths().resources));
    return 0;
}

}  // namespace tern::app
