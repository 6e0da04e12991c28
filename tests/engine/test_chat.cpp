// Completion-mode prompts: the conversation as one growing document.
#include "tern/chat.h"

#include <QtTest>

using namespace tern;

class TestChat : public QObject {
    Q_OBJECT
private slots:
    void completionPrompt();
};

void TestChat::completionPrompt() {
    QCOMPARE(render_completion_prompt({{"user", "Once upon a time"}}), std::string("Once upon a time"));
    // The assistant's continuation is appended as is; the next user line after one space.
    QCOMPARE(render_completion_prompt({{"system", "Be nice."},
                                       {"user", "Once upon a time"},
                                       {"assistant", ", there was a dog."},
                                       {"user", "The dog"}}),
             std::string("Once upon a time, there was a dog. The dog"));
    // No doubled whitespace; empty messages are skipped.
    QCOMPARE(render_completion_prompt({{"user", "A"}, {"assistant", " b\n"}, {"user", "C"}, {"assistant", ""}}),
             std::string("A b\nC"));
    QCOMPARE(render_completion_prompt({}), std::string());
}

QTEST_APPLESS_MAIN(TestChat)
#include "test_chat.moc"
