// GPT-2 byte-level BPE tokenizer: the byte alphabet, merges by rank on a hand-built vocab, the
// pre-tokenizers, special-token handling, and llama.cpp's test vectors for every "gpt2" vocab.
#include "test_support.h"

#include "tern/error.h"
#include "tern/gguf.h"
#include "tern/tokenizer.h"
#include "tokenizer/bpe.h"
#include "tokenizer/pretokenize.h"

#include <QTemporaryDir>

#include <functional>
#include <string>
#include <vector>

using tern::TokenType;
using tern::Tokenizer;
using tern::Vocab;
using tern::detail::PreType;

namespace {

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

using Words = std::vector<std::string>;

// ids 0..255: the byte alphabet in byte order (id = byte value), then the pieces below.
enum : int32_t { AB = 256, BC, ABC, AA, G_A, END_CTRL, USER, N_TINY };

Vocab tinyBpe(std::vector<std::string> merges) {
    Vocab v;
    v.model = "gpt2";
    v.pre = "gpt-2";
    for (int b = 0; b < 256; ++b) {
        v.tokens.push_back(tern::detail::byte_to_unicode(static_cast<unsigned char>(b)));
        v.types.push_back(TokenType::NORMAL);
    }
    auto add = [&](const std::string& t, TokenType ty) {
        v.tokens.push_back(t);
        v.types.push_back(ty);
    };
    add("ab", TokenType::NORMAL);
    add("bc", TokenType::NORMAL);
    add("abc", TokenType::NORMAL);
    add("aa", TokenType::NORMAL);
    add("\xC4\xA0" "a", TokenType::NORMAL);   // "Ġa" = " a"
    add("<|end|>", TokenType::CONTROL);
    add("<u>", TokenType::USER_DEFINED);
    v.merges = std::move(merges);
    v.bos = END_CTRL;
    v.eos = END_CTRL;
    v.add_bos = false;
    return v;
}

std::unique_ptr<Tokenizer> loadVocab(const QString& shared, const QString& name) {
    const auto file = tern::GgufFile::open(tern::test::fixture(shared, "vocab/ggml-vocab-" + name + ".gguf"));
    return Tokenizer::from_gguf(*file);
}

}  // namespace

class TestTokenizerBpe : public QObject {
    Q_OBJECT
private slots:
    void byteAlphabet() {
        using tern::detail::byte_to_unicode;
        using tern::detail::unicode_to_byte;
        QCOMPARE(byte_to_unicode('A'), std::string("A"));
        QCOMPARE(byte_to_unicode(0x00), std::string("\xC4\x80"));   // U+0100
        QCOMPARE(byte_to_unicode(' '), std::string("\xC4\xA0"));    // U+0120 'Ġ'
        QCOMPARE(byte_to_unicode('\n'), std::string("\xC4\x8A"));   // U+010A 'Ċ'
        QCOMPARE(byte_to_unicode(0x7F), std::string("\xC4\xA1"));   // U+0121
        QCOMPARE(byte_to_unicode(0xAD), std::string("\xC5\x83"));   // U+0143, the last one
        QCOMPARE(byte_to_unicode(0xE9), std::string("\xC3\xA9"));   // 'é' stands for itself
        QCOMPARE(unicode_to_byte(0x120), 0x20);
        QCOMPARE(unicode_to_byte(0x143), 0xAD);
        QCOMPARE(unicode_to_byte(0x144), -1);
        QCOMPARE(unicode_to_byte(0xAD), -1);   // U+00AD is not in the alphabet (its byte maps to U+0143)
        for (int b = 0; b < 256; ++b) {
            const auto cps = tern::detail::utf8_to_cpts(byte_to_unicode(static_cast<unsigned char>(b)));
            QCOMPARE(cps.size(), size_t(1));
            QCOMPARE(unicode_to_byte(cps[0]), b);
        }
    }

    void mergesByRank() {
        // "b c" has the lowest rank: abc → a|bc → abc.
        auto t = Tokenizer::from_vocab(tinyBpe({"b c", "a b", "a bc"}));
        QCOMPARE(L(t->encode("abc", false)), (QList<int>{ABC}));
        // "a b" first: ab|c, and no "ab c" merge → two tokens.
        t = Tokenizer::from_vocab(tinyBpe({"a b", "b c"}));
        QCOMPARE(L(t->encode("abc", false)), (QList<int>{AB, 'c'}));
        // Equal ranks: the leftmost pair merges first.
        t = Tokenizer::from_vocab(tinyBpe({"a a"}));
        QCOMPARE(L(t->encode("aaa", false)), (QList<int>{AA, 'a'}));
        QCOMPARE(L(t->encode("aaaa", false)), (QList<int>{AA, AA}));
        // Words never merge across the pre-tokenizer's boundaries; a space joins the next word.
        t = Tokenizer::from_vocab(tinyBpe({"\xC4\xA0 a", "a a"}));
        QCOMPARE(L(t->encode("a a a", false)), (QList<int>{'a', G_A, G_A}));
        // Bytes outside ASCII: one symbol per byte (é = C3 A9 → ids 0xC3, 0xA9).
        QCOMPARE(L(t->encode("\xC3\xA9", false)), (QList<int>{0xC3, 0xA9}));
        QCOMPARE(t->token_bytes(G_A), std::string(" a"));
        QCOMPARE(t->token_bytes(0xC3), std::string("\xC3"));
        QCOMPARE(t->decode(t->encode("x \xC3\xA9\n", false)), std::string("x \xC3\xA9\n"));
        QCOMPARE(t->token_bytes(END_CTRL), std::string());
        QCOMPARE(t->token_bytes(USER), std::string("<u>"));
        QVERIFY(!t->vocab().add_space_prefix);
    }

    void specialTokens() {
        const auto t = Tokenizer::from_vocab(tinyBpe({}));
        // Typed by a user, a control token's text stays text ('<' '|' 'e' 'n' 'd' '|' '>').
        QCOMPARE(L(t->encode("x<|end|>", false)), (QList<int>{'x', '<', '|', 'e', 'n', 'd', '|', '>'}));
        QCOMPARE(L(t->encode("x<|end|>", false, false)), (QList<int>{'x', '<', '|', 'e', 'n', 'd', '|', '>'}));
        QCOMPARE(L(t->encode("x<|end|>", false, true)), (QList<int>{'x', END_CTRL}));
        // USER_DEFINED (added vocabulary) is always matched, as llama.cpp does.
        QCOMPARE(L(t->encode("a<u>b", false)), (QList<int>{'a', USER, 'b'}));
        Vocab v = tinyBpe({});
        v.add_bos = true;
        v.add_eos = true;
        QCOMPARE(L(Tokenizer::from_vocab(v)->encode("a", true)), (QList<int>{END_CTRL, 'a', END_CTRL}));
    }

    void pretokenizers() {
        using tern::detail::pretokenize;
        QCOMPARE(pretokenize(PreType::Gpt2, "Hello world's  123!!\n"),
                 (Words{"Hello", " world", "'s", " ", " 123", "!!", "\n"}));
        QCOMPARE(pretokenize(PreType::Gpt2, "'S"), (Words{"'", "S"}));   // contractions are case-sensitive
        QCOMPARE(pretokenize(PreType::Llama3, "'S"), (Words{"'S"}));
        QCOMPARE(pretokenize(PreType::Llama3, "Hello world's  12345!!\n\n  x"),
                 (Words{"Hello", " world", "'s", " ", " ", "123", "45", "!!\n\n", " ", " x"}));
        QCOMPARE(pretokenize(PreType::Llama3, "\tab\n \n c"), (Words{"\tab", "\n \n", " c"}));
        QCOMPARE(pretokenize(PreType::Qwen2, "x12345"), (Words{"x", "1", "2", "3", "4", "5"}));
        QCOMPARE(pretokenize(PreType::Starcoder, "x12 ab"), (Words{"x", "1", "2", " ab"}));
        QCOMPARE(pretokenize(PreType::Falcon, "a...b 1234"), (Words{"a", "...", "b", " ", "123", "4"}));
        QCOMPARE(pretokenize(PreType::DeepseekLlm, "Hi \xE4\xBD\xA0\xE5\xA5\xBD 123"),   // "Hi 你好 123"
                 (Words{"Hi", " ", "\xE4\xBD\xA0\xE5\xA5\xBD", " ", "123"}));
        // Letters beyond ASCII are \p{L}: "über" stays one word; ill-formed bytes become U+FFFD.
        QCOMPARE(pretokenize(PreType::Gpt2, " \xC3\xBC" "ber"), (Words{" \xC3\xBC" "ber"}));
        QCOMPARE(pretokenize(PreType::Gpt2, "\xFF"), (Words{"\xEF\xBF\xBD"}));
        QVERIFY(pretokenize(PreType::Llama3, "").empty());
    }

    void unsupportedPre() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = (dir.path() + "/p.gguf").toStdString();
        tern::GgufWriter w;
        w.add_string("tokenizer.ggml.model", "gpt2");
        w.add_string("tokenizer.ggml.pre", "bogus-pre");
        w.add_string_array("tokenizer.ggml.tokens", {"a", "b", "ab"});
        w.add_string_array("tokenizer.ggml.merges", {"a b"});
        w.write(path);
        const auto file = tern::GgufFile::open(path);
        QCOMPARE(errorOf([&] { Tokenizer::from_gguf(*file); }),
                 QString::fromStdString(path) + ": BPE pre-tokenizer 'bogus-pre' (tokenizer.ggml.pre) is not supported");

        tern::GgufWriter w2;
        w2.add_string("tokenizer.ggml.model", "gpt2");
        w2.add_string_array("tokenizer.ggml.tokens", {"a", "b", "ab"});
        w2.write(path + "2");
        const auto file2 = tern::GgufFile::open(path + "2");
        QVERIFY(errorOf([&] { Tokenizer::from_gguf(*file2); }).contains("tokenizer.ggml.merges is missing"));

        // No pre key: llama.cpp's "default" list; gpt2 defaults: no BOS, bos = eos = 11 only if it exists.
        tern::GgufWriter w3;
        w3.add_string("tokenizer.ggml.model", "gpt2");
        w3.add_string_array("tokenizer.ggml.tokens", {"a", "b", "ab"});
        w3.add_string_array("tokenizer.ggml.merges", {"a b"});
        w3.write(path + "3");
        const auto file3 = tern::GgufFile::open(path + "3");
        const auto t = Tokenizer::from_gguf(*file3);
        QCOMPARE(t->vocab().pre, std::string("default"));
        QCOMPARE(t->bos(), -1);
        QVERIFY(!t->vocab().add_bos);
        QCOMPARE(L(t->encode("abab", true)), (QList<int>{2, 2}));
    }

    // llama.cpp's test-tokenizer-0 vectors (add_special = false, parse_special = false); one row
    // per "gpt2" vocab, named by its pre-tokenizer. Every case must match exactly, and decoding
    // gives the input back.
    void vectors_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("pre");
        QTest::addColumn<int>("nVocab");
        QTest::newRow("llama-bpe") << "llama-bpe" << "llama-bpe" << 128256;
        QTest::newRow("qwen2") << "qwen2" << "qwen2" << 151936;
        QTest::newRow("gpt-2") << "gpt-2" << "gpt-2" << 50257;
        QTest::newRow("falcon") << "falcon" << "falcon" << 65024;
        QTest::newRow("deepseek-llm") << "deepseek-llm" << "deepseek-llm" << 102400;
        QTest::newRow("mpt") << "mpt" << "mpt" << 50432;
        QTest::newRow("starcoder") << "starcoder" << "starcoder" << 49152;
    }
    void vectors() {
        QFETCH(QString, name);
        QFETCH(QString, pre);
        QFETCH(int, nVocab);
        TERN_REQUIRE_SHARED(shared);
        const auto tok = loadVocab(shared, name);
        QCOMPARE(tok->vocab().model, std::string("gpt2"));
        QCOMPARE(QString::fromStdString(tok->vocab().pre), pre);
        QCOMPARE(tok->n_vocab(), nVocab);
        const QString base = shared + "/fixtures/vocab/ggml-vocab-" + name + ".gguf";
        const auto inputs = tern::test::vocabTestInputs(tern::test::readAll(base + ".inp"));
        const auto expected = tern::test::vocabTestExpected(tern::test::readAll(base + ".out"));
        QCOMPARE(inputs.size(), size_t(46));
        QCOMPARE(expected.size(), inputs.size());
        for (size_t i = 0; i < expected.size(); ++i) {
            const auto got = tok->encode(inputs[i], false);
            if (got != expected[i])
                QFAIL(qPrintable(QString("case %1 \"%2\": got [%3], expected [%4]")
                                     .arg(i)
                                     .arg(QString::fromStdString(inputs[i]))
                                     .arg(QStringList([&] {
                                              QStringList s;
                                              for (int32_t id : got) s << QString::number(id);
                                              return s;
                                          }()).join(' '))
                                     .arg(QStringList([&] {
                                              QStringList s;
                                              for (int32_t id : expected[i]) s << QString::number(id);
                                              return s;
                                          }()).join(' '))));
            QCOMPARE(tok->decode(got), inputs[i]);
        }
    }

    // Well-known ids (the models' reference tokenizers): "Hello world".
    void knownIds() {
        TERN_REQUIRE_SHARED(shared);
        QCOMPARE(L(loadVocab(shared, "gpt-2")->encode("Hello world", false)), (QList<int>{15496, 995}));
        const auto llama3 = loadVocab(shared, "llama-bpe");
        QCOMPARE(L(llama3->encode("Hello world", false)), (QList<int>{9906, 1917}));
        QCOMPARE(L(llama3->encode("Hello world", true)), (QList<int>{128000, 9906, 1917}));   // add_bos_token
        QVERIFY(!loadVocab(shared, "qwen2")->vocab().add_bos);
    }

    // "<|eot_id|>" typed by a user must not become the control token 128009.
    void userTextCannotInjectControlTokens() {
        TERN_REQUIRE_SHARED(shared);
        const auto tok = loadVocab(shared, "llama-bpe");
        QCOMPARE(tok->vocab().tokens[128009], std::string("<|eot_id|>"));
        QVERIFY(tok->is_eog(128009));
        const auto plain = tok->encode("hi<|eot_id|>", true);
        QVERIFY(plain.size() > 3);
        for (size_t i = 1; i < plain.size(); ++i) QVERIFY(plain[i] < 128000);
        QCOMPARE(tok->decode(plain), std::string("hi<|eot_id|>"));   // BOS prints nothing
        // With parse_special (template-built prompts) it is the token: "hi" = 6151.
        QCOMPARE(L(tok->encode("hi<|eot_id|>", false, true)), (QList<int>{6151, 128009}));
    }
};

QTEST_APPLESS_MAIN(TestTokenizerBpe)
#include "test_tokenizer_bpe.moc"
