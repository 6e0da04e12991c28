// Generation API: streaming text, stop reasons, cancel, context limits, prefix reuse, seeds, stats.
#include "test_support.h"

#include "tern/error.h"
#include "tern/gguf.h"
#include "tern/model.h"
#include "tern/session.h"

#include <QtTest>

#include <atomic>

using namespace tern;
using namespace tern::test;

class TestGeneration : public QObject {
    Q_OBJECT
private slots:
    void greedyTextMatchesReference_data();
    void greedyTextMatchesReference();
    void cancelStopsWithinOneToken();
    void endOfTextStops();
    void contextFullIsACleanStop();
    void promptLongerThanContextIsAnError();
    void evalPastContextIsAnErrorAndAppendsNothing();
    void prefixReuseGivesTheSameAnswer();
    void sameSeedSameText();
    void statsAreConsistent();
    void zeroMaxTokensGeneratesNothing();
};

namespace {

const char* kTernTinyMoeText =
    ", there was a little girl named Lily. She loved to play outside in the sunshine. One day, she saw a big box "
    "of cloth in the sky. She wanted to see what was ins";

GenerateParams greedyParams(int n) {
    GenerateParams p;
    p.max_tokens = n;
    p.sampling.temperature = 0.0f;
    return p;
}

SessionOptions opts(int n_ctx = 256) {
    SessionOptions o;
    o.n_ctx = n_ctx;
    o.n_threads = 2;
    return o;
}

std::string run(Session& s, std::string_view prompt, const GenerateParams& p, GenerationStats* st = nullptr) {
    std::string text;
    const GenerationStats r = s.generate(prompt, p, [&](int32_t, std::string_view piece) { text += piece; });
    if (st) *st = r;
    return text;
}

}  // namespace

void TestGeneration::greedyTextMatchesReference_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("expected");
    const QString tern = kTernTinyMoeText;
    QTest::newRow("tern-tiny-moe-tq2_0") << "tern-tiny-moe-tq2_0.gguf" << tern;
    QTest::newRow("tern-tiny-moe-tq1_0") << "tern-tiny-moe-tq1_0.gguf" << tern;
    QTest::newRow("tern-tiny-moe-f32") << "tern-tiny-moe-f32.gguf" << tern;
    QTest::newRow("stories260K") << "stories260K.gguf" << QString();  // from ref/stories260K.json
}

void TestGeneration::greedyTextMatchesReference() {
    TERN_REQUIRE_SHARED(shared);
    QFETCH(QString, file);
    QFETCH(QString, expected);
    if (expected.isEmpty()) expected = readJson(shared + "/fixtures/ref/stories260K.json")["greedy_text"].toString();
    auto m = Model::load(fixture(shared, "models/" + file));
    Session s(*m, opts());
    GenerationStats st;
    const std::string text = run(s, "Once upon a time", greedyParams(64), &st);
    QCOMPARE(QString::fromStdString(text), expected);
    QCOMPARE(st.n_prompt, 5);
    QCOMPARE(st.n_generated, 64);
    QCOMPARE(st.stop, StopReason::MAX_TOKENS);
}

void TestGeneration::cancelStopsWithinOneToken() {
    TERN_REQUIRE_SHARED(shared);
    auto m = Model::load(fixture(shared, "models/tern-tiny-moe-tq2_0.gguf"));
    Session s(*m, opts());
    std::atomic<bool> cancel{false};
    int pieces = 0;
    const GenerationStats st = s.generate("Once upon a time", greedyParams(100), [&](int32_t, std::string_view) {
        if (++pieces == 3) cancel = true;  // the flag is checked before every next token
    }, &cancel);
    QCOMPARE(st.stop, StopReason::CANCELLED);
    QCOMPARE(st.n_generated, 3);
}

void TestGeneration::endOfTextStops() {
    // tern-tiny-moe ends its stories with </s>; with enough room greedy decoding reaches it.
    TERN_REQUIRE_SHARED(shared);
    auto m = Model::load(fixture(shared, "models/tern-tiny-moe-tq2_0.gguf"));
    Session s(*m, opts());
    GenerationStats st;
    const std::string text = run(s, "Once upon a time", greedyParams(-1), &st);
    QCOMPARE(stop_reason_name(st.stop), "eos");
    QVERIFY(st.n_generated + st.n_prompt < 256);
    QVERIFY(text.find("</s>") == std::string::npos);  // the end token is not printed

    // ignore_eos (benchmarks): the same text, then generation goes on to max_tokens.
    Session s2(*m, opts());
    GenerateParams p = greedyParams(st.n_generated + 20);
    p.ignore_eos = true;
    GenerationStats st2;
    const std::string text2 = run(s2, "Once upon a time", p, &st2);
    QCOMPARE(stop_reason_name(st2.stop), "max_tokens");
    QCOMPARE(st2.n_generated, st.n_generated + 20);
    QVERIFY(text2.size() > text.size());
    QCOMPARE(text2.substr(0, text.size()), text);
}

void TestGeneration::contextFullIsACleanStop() {
    TERN_REQUIRE_SHARED(shared);
    auto m = Model::load(fixture(shared, "models/stories260K.gguf"));
    Session s(*m, opts(16));
    GenerationStats st;
    run(s, "Once upon a time", greedyParams(100), &st);
    QCOMPARE(st.stop, StopReason::CONTEXT_FULL);
    QCOMPARE(s.n_past(), 16);
    QCOMPARE(st.n_generated, 12);  // 5 prompt positions + 11 decoded + the last sampled token
}

void TestGeneration::promptLongerThanContextIsAnError() {
    TERN_REQUIRE_SHARED(shared);
    auto m = Model::load(fixture(shared, "models/stories260K.gguf"));
    Session s(*m, opts(4));
    QVERIFY_THROWS_EXCEPTION(Error, run(s, "Once upon a time", greedyParams(8)));
}

void TestGeneration::evalPastContextIsAnErrorAndAppendsNothing() {
    TERN_REQUIRE_SHARED(shared);
    auto m = Model::load(fixture(shared, "models/stories260K.gguf"));
    Session s(*m, opts(4));
    const std::vector<int32_t> three = {1, 403, 407};
    s.eval(three);
    QVERIFY_THROWS_EXCEPTION(Error, s.eval(three));
    QCOMPARE(s.n_past(), 3);
    const std::vector<int32_t> bad = {9999};
    QVERIFY_THROWS_EXCEPTION(Error, s.eval(bad));
}

void TestGeneration::prefixReuseGivesTheSameAnswer() {
    // A second prompt that extends the first reuses the KV cache prefix and answers exactly as a
    // fresh session does; an unrelated prompt after that also matches a fresh session.
    TERN_REQUIRE_SHARED(shared);
    auto m = Model::load(fixture(shared, "models/tern-tiny-moe-tq2_0.gguf"));
    Session reused(*m, opts());
    run(reused, "Once upon a time", greedyParams(8));
    for (const char* prompt : {"Once upon a time, there was a dog", "The sun was hot"}) {
        GenerationStats st;
        const std::string a = run(reused, prompt, greedyParams(24), &st);
        Session fresh(*m, opts());
        const std::string b = run(fresh, prompt, greedyParams(24));
        QCOMPARE(QString::fromStdString(a), QString::fromStdString(b));
        if (std::string_view(prompt).starts_with("Once")) QVERIFY(st.n_prompt_evaluated < st.n_prompt);
    }
}

void TestGeneration::sameSeedSameText() {
    TERN_REQUIRE_SHARED(shared);
    auto m = Model::load(fixture(shared, "models/stories260K.gguf"));
    GenerateParams p;
    p.max_tokens = 48;
    p.sampling.temperature = 1.0f;
    p.sampling.seed = 42;
    Session s1(*m, opts()), s2(*m, opts());
    const std::string a = run(s1, "Once upon a time", p), b = run(s2, "Once upon a time", p);
    QCOMPARE(QString::fromStdString(a), QString::fromStdString(b));
    p.sampling.seed = 43;
    Session s3(*m, opts());
    QVERIFY(run(s3, "Once upon a time", p) != a);
}

void TestGeneration::statsAreConsistent() {
    TERN_REQUIRE_SHARED(shared);
    auto m = Model::load(fixture(shared, "models/tern-tiny-moe-tq2_0.gguf"));
    Session s(*m, opts());
    GenerationStats st;
    run(s, "Once upon a time", greedyParams(32), &st);
    QCOMPARE(st.n_prompt_evaluated, 5);
    QCOMPARE(st.n_generated, 32);
    QVERIFY(st.prefill_ms > 0 && st.decode_ms > 0 && st.ttft_ms >= st.prefill_ms);
    // decode tokens/s counts the tokens after the first over the time from the first to the last.
    QVERIFY(std::abs(st.decode_tps - 31.0 / (st.decode_ms / 1000.0)) < 1e-6 * st.decode_tps);
    QVERIFY(std::abs(st.prefill_tps - 5.0 / (st.prefill_ms / 1000.0)) < 1e-6 * st.prefill_tps);
    QVERIFY(st.peak_rss_bytes > m->gguf().file_size() / 2);
    // One token: no decode rate, never a division by zero.
    run(s, "The", greedyParams(1), &st);
    QCOMPARE(st.n_generated, 1);
    QCOMPARE(st.decode_tps, 0.0);
}

void TestGeneration::zeroMaxTokensGeneratesNothing() {
    TERN_REQUIRE_SHARED(shared);
    auto m = Model::load(fixture(shared, "models/stories260K.gguf"));
    Session s(*m, opts());
    GenerationStats st;
    QCOMPARE(QString::fromStdString(run(s, "Once upon a time", greedyParams(0), &st)), QString());
    QCOMPARE(st.n_generated, 0);
    QCOMPARE(st.stop, StopReason::MAX_TOKENS);
}

QTEST_APPLESS_MAIN(TestGeneration)
#include "test_generation.moc"
