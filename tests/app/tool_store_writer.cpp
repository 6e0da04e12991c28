// Child process of test_store's crash-safety test: writes a chat the way the app does and is
// killed with SIGKILL while an answer is streaming.
//   tool_store_writer <db path> <N>
// Creates a conversation, adds N user/assistant pairs ("question i" / "answer i", each its own
// commit), prints "ready", then adds an assistant message with status "generating" and
// rewrites its text every ~1 ms ("tok0 tok1 tok2 ...") until killed. Exit 1 with a message on
// stderr if the store fails.
#include "store/chat_store.h"

#include <QCoreApplication>
#include <QThread>

#include <cstdio>

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc != 3) {
        std::fprintf(stderr, "usage: tool_store_writer <db path> <pairs>\n");
        return 2;
    }
    bool ok = false;
    const int pairs = QString::fromLocal8Bit(argv[2]).toInt(&ok);
    if (!ok || pairs < 0) {
        std::fprintf(stderr, "tool_store_writer: bad pair count %s\n", argv[2]);
        return 2;
    }
    try {
        tern::app::ChatStore store(QString::fromLocal8Bit(argv[1]));
        const qint64 conv = store.createConversation(QStringLiteral("Crash run"));
        for (int i = 0; i < pairs; ++i) {
            store.addMessage(conv, QStringLiteral("user"), QStringLiteral("question %1").arg(i));
            store.addMessage(conv, QStringLiteral("assistant"), QStringLiteral("answer %1").arg(i),
                             QStringLiteral("tiny.gguf"));
        }
        std::fputs("ready\n", stdout);
        std::fflush(stdout);
        const qint64 id = store.addMessage(conv, QStringLiteral("assistant"), QString(), QStringLiteral("tiny.gguf"),
                                           QStringLiteral("generating"));
        QString text;
        for (qint64 k = 0;; ++k) {
            text += QStringLiteral("tok%1 ").arg(k);
            store.setMessageText(id, text);
            QThread::usleep(1000);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "tool_store_writer: %s\n", e.what());
        return 1;
    }
}
