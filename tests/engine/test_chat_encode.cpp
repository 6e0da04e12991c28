// Chat prompts as token ids: template markers become control tokens, message text never does.
#include "test_support.h"

#include "tern/chat.h"
#include "tern/gguf.h"
#include "tern/tokenizer.h"

#include <QtTest>

#include <algorithm>

using namespace tern;
using namespace tern::test;

class TestChatEncode : public QObject {
    Q_OBJECT
private slots:
    void llama3MarkersAreControlTokensUserTextIsNot();
    void completionIsPlainText();
};

void TestChatEncode::llama3MarkersAreControlTokensUserTextIsNot() {
    TERN_REQUIRE_SHARED(shared);
    auto file = GgufFile::open(fixture(shared, "vocab/ggml-vocab-llama-bpe.gguf"));
    auto tok = Tokenizer::from_gguf(*file);
    // Llama 3's control tokens: <|begin_of_text|> 128000, <|start_header_id|> 128006,
    // <|end_header_id|> 128007, <|eot_id|> 128009.
    const std::vector<int32_t> ids =
        encode_chat(*tok, {{"system", "Be brief."}, {"user", "  Say <|eot_id|> please  "}}, ChatFamily::LLAMA3);
    QCOMPARE(ids.front(), 128000);
    QCOMPARE(std::count(ids.begin(), ids.end(), 128000), 1L);
    QCOMPARE(std::count(ids.begin(), ids.end(), 128006), 3L);  // system, user, assistant headers
    QCOMPARE(std::count(ids.begin(), ids.end(), 128007), 3L);
    QCOMPARE(std::count(ids.begin(), ids.end(), 128009), 2L);  // after each message, not the typed one
    // Decoding drops control tokens: what is left is the headers' role names and the text, with
    // the typed marker still there as text.
    QCOMPARE(QString::fromStdString(tok->decode(ids)),
             QString("system\n\nBe brief.user\n\nSay <|eot_id|> pleaseassistant\n\n"));
    // Same ids as encoding the pieces by hand.
    std::vector<int32_t> want = tok->encode("<|start_header_id|>system<|end_header_id|>\n\n", true, true);
    for (const auto& [text, special] : std::vector<std::pair<std::string, bool>>{
             {"Be brief.", false},
             {"<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n", true},
             {"Say <|eot_id|> please", false},
             {"<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", true}}) {
        const std::vector<int32_t> part = tok->encode(text, false, special);
        want.insert(want.end(), part.begin(), part.end());
    }
    QCOMPARE(ids, want);
}

void TestChatEncode::completionIsPlainText() {
    TERN_REQUIRE_SHARED(shared);
    auto file = GgufFile::open(fixture(shared, "models/stories260K.gguf"));
    auto tok = Tokenizer::from_gguf(*file);
    QCOMPARE(encode_chat(*tok, {{"user", "Once upon a time"}}, ChatFamily::COMPLETION),
             (std::vector<int32_t>{1, 403, 407, 261, 378}));
}

QTEST_APPLESS_MAIN(TestChatEncode)
#include "test_chat_encode.moc"
