// The generation figures (time to first token, prefill and decode tokens/s) on a fake clock:
// timestamps are given, not measured, so the values are exact.
#include "test_support.h"

#include "tern/generation_timing.h"

#include <cmath>

using namespace tern;

class TestGenerationTiming : public QObject {
    Q_OBJECT
private slots:
    void issueExample();
    void decodeExcludesPrefillAndFirstToken();
    void oneTokenHasNoDecodeRate();
    void zeroIntervalsHaveNoRate();
    void nothingSampled();
};

// Issue #8: 512 prompt tokens prefilled in 4.0 s, first token at 4.0 s, 101st token at 9.0 s.
void TestGenerationTiming::issueExample() {
    GenerationTimestamps t;
    t.start = 0.0;
    t.prefill_start = 0.0;
    t.prefill_end = 4.0;
    t.first_token = 4.0;
    t.last_token = 9.0;
    t.n_prompt_evaluated = 512;
    t.n_generated = 101;
    const GenerationTimings r = generation_timings(t);
    QCOMPARE(r.prefill_tps, 128.0);
    QCOMPARE(r.ttft_ms, 4000.0);
    QCOMPARE(r.prefill_ms, 4000.0);
    QCOMPARE(r.decode_ms, 5000.0);
    QCOMPARE(r.decode_tps, 20.0);  // the 100 tokens after the first over 5.0 s
}

// Shifting the clock origin and adding time before the prefill changes only the TTFT; the
// decode rate never uses the whole wall time (101 / 9.5 s would be 10.6).
void TestGenerationTiming::decodeExcludesPrefillAndFirstToken() {
    GenerationTimestamps t;
    t.start = 100.0;
    t.prefill_start = 100.5;  // tokenization etc. before the prompt evaluation
    t.prefill_end = 102.5;
    t.first_token = 102.5;
    t.last_token = 109.5;
    t.n_prompt_evaluated = 64;
    t.n_generated = 15;
    const GenerationTimings r = generation_timings(t);
    QCOMPARE(r.ttft_ms, 2500.0);
    QCOMPARE(r.prefill_tps, 32.0);
    QCOMPARE(r.decode_tps, 2.0);  // 14 tokens after the first over 7 s
}

void TestGenerationTiming::oneTokenHasNoDecodeRate() {
    GenerationTimestamps t;
    t.prefill_end = 1.0;
    t.first_token = 1.0;
    t.last_token = 1.0;
    t.n_prompt_evaluated = 10;
    t.n_generated = 1;
    const GenerationTimings r = generation_timings(t);
    QCOMPARE(r.decode_tps, 0.0);
    QCOMPARE(r.decode_ms, 0.0);
    QCOMPARE(r.ttft_ms, 1000.0);
    QCOMPARE(r.prefill_tps, 10.0);
}

void TestGenerationTiming::zeroIntervalsHaveNoRate() {
    GenerationTimestamps t;
    t.prefill_start = t.prefill_end = 2.0;  // a clock too coarse to see the prefill
    t.first_token = t.last_token = 2.0;     // nor the decode
    t.n_prompt_evaluated = 5;
    t.n_generated = 3;
    const GenerationTimings r = generation_timings(t);
    QCOMPARE(r.prefill_tps, 0.0);
    QCOMPARE(r.decode_tps, 0.0);
    QVERIFY(std::isfinite(r.prefill_tps) && std::isfinite(r.decode_tps));
}

void TestGenerationTiming::nothingSampled() {
    GenerationTimestamps t;  // cancelled before the first token
    t.prefill_end = 0.5;
    t.n_prompt_evaluated = 50;
    const GenerationTimings r = generation_timings(t);
    QCOMPARE(r.ttft_ms, 0.0);
    QCOMPARE(r.decode_tps, 0.0);
    QCOMPARE(r.prefill_tps, 100.0);
}

QTEST_APPLESS_MAIN(TestGenerationTiming)
#include "test_generation_timing.moc"
