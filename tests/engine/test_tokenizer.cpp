// SPM tokenizer (hand-built vocabs, GGUF loading, llama.cpp's test vectors, stories260K) and the
// streaming UTF-8 decoder.
#include "test_support.h"

#include "tern/error.h"
#include "tern/gguf.h"
#include "tern/tokenizer.h"

#include <QTemporaryDir>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

using tern::TokenType;
using tern::Tokenizer;
using tern::Vocab;

namespace {

const std::string kSp = "\xE2\x96\x81";   // U+2581

QList<int> L(const std::vector<int32_t>& v) { return QList<int>(v.begin(), v.end()); }

template <typename F>
QString errorOf(F&& f) {
    try {
        f();
    } catch (const tern::Error& e) {
        return QString::fromStdString(e.what());
    }
    return QStringLiteral("<no tern::Error thrown>");
}

std::string byteName(int b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "<0x%02X>", b);
    return buf;
}

// 0 <unk>, 1 <s>, 2 </s>, 3..258 <0x00>..<0xFF>, then the pieces below.
enum : int32_t { SP = 259, A, B, C, AB, BC, AA, SP_A, IM_END, SP_B, N_TINY };
int32_t byteId(int b) { return 3 + b; }

Vocab tinyVocab(bool spacePrefix) {
    Vocab v;
    v.model = "llama";
    auto add = [&](const std::string& t, float s, TokenType ty) {
        v.tokens.push_back(t);
        v.scores.push_back(s);
        v.types.push_back(ty);
    };
    add("<unk>", 0, TokenType::UNKNOWN);
    add("<s>", 0, TokenType::CONTROL);
    add("</s>", 0, TokenType::CONTROL);
    for (int b = 0; b < 256; ++b) add(byteName(b), 0, TokenType::BYTE);
    add(kSp, -1, TokenType::NORMAL);
    add("a", -2, TokenType::NORMAL);
    add("b", -2, TokenType::NORMAL);
    add("c", -2, TokenType::NORMAL);
    add("ab", 1, TokenType::NORMAL);
    add("bc", 2, TokenType::NORMAL);
    add("aa", 0, TokenType::NORMAL);
    add(kSp + "a", 3, TokenType::NORMAL);
    add("<|im_end|>", 0, TokenType::CONTROL);
    add(kSp + "b", 3, TokenType::NORMAL);
    v.bos = 1;
    v.eos = 2;
    v.unk = 0;
    v.add_space_prefix = spacePrefix;
    return v;
}

}  // namespace

class TestTokenizer : public QObject {
    Q_OBJECT
private slots:
    void mergesHighestScoreFirst() {
        const auto tok = Tokenizer::from_vocab(tinyVocab(false));
        // "ab" (1) and "bc" (2) compete for the b: bc wins.
        QCOMPARE(L(tok->encode("abc", false)), (QList<int>{A, BC}));
        QCOMPARE(L(tok->encode("ab", false)), (QList<int>{AB}));
        // Two "aa" pairs with equal scores: the leftmost merges first.
        QCOMPARE(L(tok->encode("aaa", false)), (QList<int>{AA, A}));
        QCOMPARE(L(tok->encode("aaaa", false)), (QList<int>{AA, AA}));
    }

    void spacePrefixAndSpecials() {
        const auto tok = Tokenizer::from_vocab(tinyVocab(true));
        // "a b" → "▁a▁b"
        QCOMPARE(L(tok->encode("a b", false)), (QList<int>{SP_A, SP_B}));
        QCOMPARE(L(tok->encode("a b", true)), (QList<int>{1, SP_A, SP_B}));
        QCOMPARE(L(tok->encode("", false)), QList<int>{});
        QCOMPARE(L(tok->encode("", true)), QList<int>{1});
        // Two spaces: the prefix and the text's own space; "▁▁" is no token.
        QCOMPARE(L(tok->encode(" a", false)), (QList<int>{SP, SP_A}));
        Vocab v = tinyVocab(true);
        v.add_eos = true;
        v.add_bos = false;
        const auto tok2 = Tokenizer::from_vocab(v);
        QCOMPARE(L(tok2->encode("a", true)), (QList<int>{SP_A, 2}));
        QCOMPARE(L(tok2->encode("", true)), QList<int>{2});
    }

    void controlTokensOnlyWithParseSpecial() {
        const auto tok = Tokenizer::from_vocab(tinyVocab(true));
        // A chat template's marker becomes its control token only with parse_special; raw text
        // after a control token gets the space prefix again (llama.cpp's SPM path).
        QCOMPARE(L(tok->encode("a<|im_end|>b", true, true)), (QList<int>{1, SP_A, IM_END, SP_B}));
        QCOMPARE(L(tok->encode("<|im_end|><|im_end|>", false, true)), (QList<int>{IM_END, IM_END}));
        // Typed by a user (parse_special false): plain text, byte by byte where no piece matches.
        QList<int> typed{SP_A};
        for (const char c : std::string("<|im_end|>")) typed.push_back(byteId(static_cast<unsigned char>(c)));
        typed.push_back(B);
        QCOMPARE(L(tok->encode("a<|im_end|>b", false, false)), typed);
        QCOMPARE(L(tok->encode("a<|im_end|>b", false)), typed);
        // Control tokens print nothing.
        QCOMPARE(tok->decode({SP_A, IM_END, SP_B}), std::string("a b"));
    }

    void byteFallback() {
        const auto tok = Tokenizer::from_vocab(tinyVocab(false));
        // é = C3 A9, not in the vocab.
        QCOMPARE(L(tok->encode("\xC3\xA9" "a", false)), (QList<int>{byteId(0xC3), byteId(0xA9), A}));
        // An ill-formed lead byte stands alone; the next character still tokenizes normally.
        QCOMPARE(L(tok->encode("\xE2" "ab", false)), (QList<int>{byteId(0xE2), AB}));
        QCOMPARE(L(tok->encode("\xFF", false)), (QList<int>{byteId(0xFF)}));

        // Without byte tokens the unknown token stands in for each byte.
        Vocab v;
        v.model = "llama";
        v.tokens = {"<unk>", "a"};
        v.unk = 0;
        v.add_space_prefix = false;
        const auto noBytes = Tokenizer::from_vocab(v);
        QCOMPARE(L(noBytes->encode("\xC3\xA9" "a", false)), (QList<int>{0, 0, 1}));
        v.unk = -1;
        const auto noUnk = Tokenizer::from_vocab(v);
        QVERIFY(errorOf([&] { noUnk->encode("x", false); }).contains("0x78 has no token"));
    }

    void tokenBytesAndDecode() {
        const auto tok = Tokenizer::from_vocab(tinyVocab(true));
        QCOMPARE(tok->token_bytes(byteId(0x41)), std::string("A"));
        QCOMPARE(tok->token_bytes(byteId(0xC3)), std::string("\xC3"));
        QCOMPARE(tok->token_bytes(1), std::string());          // control
        QCOMPARE(tok->token_bytes(0), std::string());          // unknown
        QCOMPARE(tok->token_bytes(SP_A), std::string(" a"));
        QVERIFY(errorOf([&] { tok->token_bytes(N_TINY); }).contains("out of range"));
        QVERIFY(errorOf([&] { tok->token_bytes(-1); }).contains("out of range"));

        QCOMPARE(tok->decode({1, SP_A, SP_B}), std::string("a b"));
        QCOMPARE(tok->decode({SP_A, SP_B}), std::string("a b"));
        QCOMPARE(tok->decode({A, SP_B}), std::string("a b"));
        QCOMPARE(tok->decode({1, SP, SP_A}), std::string(" a"));   // only one space is removed
        QCOMPARE(tok->decode({}), std::string());
        for (const std::string s : {"a b", " a  b", "abc aaa", "\xC3\xA9 ab", "b"})
            QCOMPARE(tok->decode(tok->encode(s, true)), s);

        const auto noPrefix = Tokenizer::from_vocab(tinyVocab(false));
        QCOMPARE(noPrefix->decode({1, SP_A}), std::string(" a"));
    }

    void endOfGeneration() {
        const auto tok = Tokenizer::from_vocab(tinyVocab(true));
        QVERIFY(tok->is_eog(2));
        QVERIFY(tok->is_eog(IM_END));
        QVERIFY(!tok->is_eog(1));
        QVERIFY(!tok->is_eog(A));
        QVERIFY(!tok->is_eog(-1));
        QVERIFY(!tok->is_eog(N_TINY));
    }

    void vocabValidation() {
        Vocab v = tinyVocab(true);
        v.model = "bert";
        QCOMPARE(errorOf([&] { Tokenizer::from_vocab(v); }), QString("tokenizer model 'bert' is not supported yet"));

        QVERIFY(errorOf([] { Vocab e; e.model = "llama"; Tokenizer::from_vocab(e); }).contains("no tokens"));
        v = tinyVocab(true);
        v.scores.pop_back();
        QVERIFY(errorOf([&] { Tokenizer::from_vocab(v); }).contains("scores"));
        v = tinyVocab(true);
        v.types.push_back(TokenType::NORMAL);
        QVERIFY(errorOf([&] { Tokenizer::from_vocab(v); }).contains("token types"));
        v = tinyVocab(true);
        v.types[5] = static_cast<TokenType>(9);
        QVERIFY(errorOf([&] { Tokenizer::from_vocab(v); }).contains("invalid type 9"));
        v = tinyVocab(true);
        v.types[A] = TokenType::BYTE;
        QVERIFY(errorOf([&] { Tokenizer::from_vocab(v); }).contains("<0xNN>"));
        v = tinyVocab(true);
        v.bos = N_TINY;
        QVERIFY(errorOf([&] { Tokenizer::from_vocab(v); }).contains("bos token id"));
        v = tinyVocab(true);
        v.pad = -2;
        QVERIFY(errorOf([&] { Tokenizer::from_vocab(v); }).contains("padding token id"));

        // Optional arrays default to score 0 and NORMAL.
        Vocab m;
        m.model = "llama";
        m.tokens = {"x", "y"};
        const auto tok = Tokenizer::from_vocab(m);
        QCOMPARE(tok->vocab().scores, (std::vector<float>{0.0f, 0.0f}));
        QCOMPARE(tok->vocab().types.size(), size_t(2));
        QVERIFY(tok->vocab().types[1] == TokenType::NORMAL);
    }

    void fromGgufKeys() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        int fileNo = 0;
        auto load = [&](const std::function<void(tern::GgufWriter&)>& fill) {
            tern::GgufWriter w;
            fill(w);
            const std::string path = (dir.path() + QString("/t%1.gguf").arg(fileNo++)).toStdString();
            w.write(path);
            const auto file = tern::GgufFile::open(path);
            return Tokenizer::from_gguf(*file);
        };
        const std::vector<std::string> toks = {"<unk>", "<s>", "</s>", "<0x41>", kSp + "a"};
        auto base = [&](tern::GgufWriter& w) {
            w.add_string("tokenizer.ggml.model", "llama");
            w.add_string_array("tokenizer.ggml.tokens", toks);
        };

        // Only the required keys: scores 0, NORMAL, llama.cpp's SPM special ids, flags default.
        auto t = load(base);
        QCOMPARE(t->n_vocab(), 5);
        QCOMPARE(t->bos(), 1);
        QCOMPARE(t->eos(), 2);
        QCOMPARE(t->vocab().unk, 0);
        QCOMPARE(t->vocab().pad, -1);
        QVERIFY(t->vocab().add_bos && !t->vocab().add_eos && t->vocab().add_space_prefix);
        QVERIFY(t->vocab().types[3] == TokenType::NORMAL);
        QCOMPARE(L(t->encode("a", true)), (QList<int>{1, 4}));

        t = load([&](tern::GgufWriter& w) {
            base(w);
            w.add_f32_array("tokenizer.ggml.scores", {0, 0, 0, 0, -5.5f});
            w.add_i32_array("tokenizer.ggml.token_type", {2, 3, 3, 6, 1});
            w.add_u32("tokenizer.ggml.bos_token_id", 2);
            w.add_u32("tokenizer.ggml.eos_token_id", 1);
            w.add_u32("tokenizer.ggml.padding_token_id", 0xFFFFFFFFu);   // "none", as in stories260K
            w.add_bool("tokenizer.ggml.add_bos_token", false);
            w.add_bool("tokenizer.ggml.add_eos_token", true);
            w.add_bool("tokenizer.ggml.add_space_prefix", false);
        });
        QCOMPARE(t->bos(), 2);
        QCOMPARE(t->eos(), 1);
        QCOMPARE(t->vocab().pad, -1);
        QCOMPARE(t->vocab().scores[4], -5.5f);
        QVERIFY(t->vocab().types[3] == TokenType::BYTE);
        QCOMPARE(t->token_bytes(3), std::string("A"));
        QCOMPARE(L(t->encode("A", true)), (QList<int>{3, 1}));

        QVERIFY(errorOf([&] {
            load([&](tern::GgufWriter& w) {
                w.add_string("tokenizer.ggml.model", "bert");
                w.add_string_array("tokenizer.ggml.tokens", toks);
            });
        }).contains("tokenizer model 'bert' is not supported yet"));
        QVERIFY(errorOf([&] {
            load([&](tern::GgufWriter& w) { w.add_string("tokenizer.ggml.model", "llama"); });
        }).contains("tokenizer.ggml.tokens"));
        QVERIFY(errorOf([&] {
            load([&](tern::GgufWriter& w) { w.add_string_array("tokenizer.ggml.tokens", toks); });
        }).contains("tokenizer.ggml.model"));
        QVERIFY(errorOf([&] {
            load([&](tern::GgufWriter& w) {
                base(w);
                w.add_f32_array("tokenizer.ggml.scores", {0, 0, 0});
            });
        }).contains("tokenizer.ggml.scores has 3 entries"));
        QVERIFY(errorOf([&] {
            load([&](tern::GgufWriter& w) {
                base(w);
                w.add_i32_array("tokenizer.ggml.token_type", {1, 1, 1, 1, 7});
            });
        }).contains("token_type[4] = 7"));
        QVERIFY(errorOf([&] {
            load([&](tern::GgufWriter& w) {
                base(w);
                w.add_u32("tokenizer.ggml.eos_token_id", 5);
            });
        }).contains("eos_token_id = 5 is out of range"));
    }

    // llama.cpp's test-tokenizer-0 vectors; phi-3 is another SPM vocab (with user-defined and
    // control tokens above the 32000 Llama pieces).
    void spmVectors_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("nVocab");
        QTest::newRow("llama-spm") << "llama-spm" << 32000;
        QTest::newRow("phi-3") << "phi-3" << 32064;
    }
    void spmVectors() {
        QFETCH(QString, name);
        QFETCH(int, nVocab);
        TERN_REQUIRE_SHARED(shared);
        const QString base = shared + "/fixtures/vocab/ggml-vocab-" + name + ".gguf";
        const auto file = tern::GgufFile::open(base.toStdString());
        const auto tok = Tokenizer::from_gguf(*file);
        QCOMPARE(tok->n_vocab(), nVocab);
        if (name == "phi-3") {   // eos <|endoftext|> and the CONTROL end-of-turn <|end|>
            QVERIFY(tok->is_eog(32000) && tok->is_eog(32007));
            QVERIFY(!tok->is_eog(32010) && !tok->is_eog(2));   // <|user|>; </s> is USER_DEFINED here
        }
        const auto inputs = tern::test::vocabTestInputs(tern::test::readAll(base + ".inp"));
        const auto expected = tern::test::vocabTestExpected(tern::test::readAll(base + ".out"));
        QCOMPARE(inputs.size(), size_t(46));
        QCOMPARE(expected.size(), inputs.size());
        for (size_t i = 0; i < inputs.size(); ++i) {
            const auto got = tok->encode(inputs[i], false);
            if (got != expected[i])
                QFAIL(qPrintable(QString("case %1 \"%2\": got %3 ids, expected %4")
                                     .arg(i)
                                     .arg(QString::fromStdString(inputs[i]))
                                     .arg(got.size())
                                     .arg(expected[i].size())));
            QCOMPARE(tok->decode(got), inputs[i]);
        }
    }

    void rejectsOtherModels() {
        TERN_REQUIRE_SHARED(shared);
        const auto file = tern::GgufFile::open(tern::test::fixture(shared, "vocab/ggml-vocab-gpt-2.gguf"));
        // gpt2 (byte-level BPE) is supported now (test_tokenizer_bpe); its file loads as gpt2.
        QCOMPARE(Tokenizer::from_gguf(*file)->vocab().model, std::string("gpt2"));
    }

    void stories260K() {
        TERN_REQUIRE_SHARED(shared);
        const auto file = tern::GgufFile::open(tern::test::fixture(shared, "models/stories260K.gguf"));
        const auto tok = Tokenizer::from_gguf(*file);
        QCOMPARE(tok->n_vocab(), 512);
        QCOMPARE(tok->vocab().pad, -1);   // stored as 0xFFFFFFFF
        QVERIFY(tok->is_eog(2));

        const std::string once = "Once upon a time";
        QCOMPARE(L(tok->encode(once, true)), (QList<int>{1, 403, 407, 261, 378}));
        QCOMPARE(tok->decode(tok->encode(once, true)), once);

        const std::string lily =
            "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.";
        const auto ids = tok->encode(lily, true);
        QVERIFY(ids.size() >= 24);
        const QList<int> first24(ids.begin(), ids.begin() + 24);
        QCOMPARE(first24, (QList<int>{1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315,
                                      421, 395, 317, 426, 338, 401, 396, 267, 337, 410, 408, 419}));
        QCOMPARE(tok->decode(ids), lily);
        QCOMPARE(tok->decode(tok->encode(lily, false)), lily);

        // 😀 (F0 9F 98 80) is not in the 512-token vocab: "▁" then four byte tokens (<0xNN> = 3 + NN).
        const std::string smile = "\xF0\x9F\x98\x80";
        QCOMPARE(L(tok->encode(smile, false)), (QList<int>{410, 3 + 0xF0, 3 + 0x9F, 3 + 0x98, 3 + 0x80}));
        const std::vector<std::string> texts = {smile, "Lily saw a " + smile + " and \xE6\x97\xA5\xE6\x9C\xAC!",
                                                "caf\xC3\xA9 \xE2\x82\xAC"};
        for (const std::string& s : texts)
            QCOMPARE(tok->decode(tok->encode(s, true)), s);
    }

    void utf8StreamHoldsIncompleteSequences() {
        tern::Utf8Stream s;
        QCOMPARE(s.push("\xF0"), std::string());
        QCOMPARE(s.push("\x9F"), std::string());
        QCOMPARE(s.push("\x98"), std::string());
        QCOMPARE(s.push("\x80"), std::string("\xF0\x9F\x98\x80"));
        QCOMPARE(s.flush(), std::string());
        // Several characters in one piece, the last one split.
        QCOMPARE(s.push("a\xC3\xA9\xE2\x82"), std::string("a\xC3\xA9"));
        QCOMPARE(s.push("\xAC!"), std::string("\xE2\x82\xAC!"));
    }

    void utf8StreamReplacesInvalidBytes() {
        const std::string fffd = "\xEF\xBF\xBD";
        tern::Utf8Stream s;
        QCOMPARE(s.push("\xFF"), fffd);
        QCOMPARE(s.push("\xE2"), std::string());
        QCOMPARE(s.push("a"), fffd + "a");
        QCOMPARE(s.push("\x80"), fffd);                       // continuation without a lead
        QCOMPARE(s.push("\xED\xA0\x80"), fffd + fffd + fffd);  // surrogate: ED then two stray bytes
        QCOMPARE(s.push("\xF0\x9F"), std::string());
        QCOMPARE(s.flush(), fffd);
        QCOMPARE(s.flush(), std::string());
        QCOMPARE(s.push("ok"), std::string("ok"));
    }
};

QTEST_APPLESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"
