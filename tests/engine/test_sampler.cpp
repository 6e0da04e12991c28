// Sampler: greedy, seeding, each truncation step, the temperature, the draw itself and the
// repetition penalty, with expected values computed by hand.
#include "test_support.h"

#include "tern/error.h"
#include "tern/sampler.h"

#include <cmath>
#include <limits>
#include <vector>

using tern::Sampler;
using tern::SamplerParams;

namespace {

// Plain softmax-and-draw: every truncation step off.
SamplerParams plain(float temperature, uint64_t seed) {
    SamplerParams p;
    p.temperature = temperature;
    p.top_k = 0;
    p.top_p = 1.0f;
    p.min_p = 0.0f;
    p.repeat_penalty = 1.0f;
    p.seed = seed;
    return p;
}

std::vector<float> logOf(const std::vector<double>& probs) {
    std::vector<float> l;
    for (const double p : probs) l.push_back(static_cast<float>(std::log(p)));
    return l;
}

std::vector<double> frequencies(Sampler& s, const std::vector<float>& logits, int draws) {
    std::vector<double> f(logits.size(), 0.0);
    for (int i = 0; i < draws; ++i) f[static_cast<size_t>(s.sample(logits.data(), static_cast<int32_t>(logits.size())))] += 1.0;
    for (double& x : f) x /= draws;
    return f;
}

void expectFrequencies(const std::vector<double>& got, const std::vector<double>& want, double tol) {
    QCOMPARE(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i)
        QVERIFY2(std::abs(got[i] - want[i]) <= tol,
                 qPrintable(QString("token %1: frequency %2, expected %3").arg(i).arg(got[i]).arg(want[i])));
}

template <typename F>
bool throwsError(F&& f) {
    try {
        f();
    } catch (const tern::Error&) {
        return true;
    }
    return false;
}

}  // namespace

class TestSampler : public QObject {
    Q_OBJECT
private slots:
    void greedyIsArgmaxAndIgnoresSeed() {
        const std::vector<float> logits = {0.5f, 3.0f, 1.0f, 3.0f, -2.0f};
        for (const uint64_t seed : {1ull, 2ull, 0xC0FFEEull}) {
            SamplerParams p;   // defaults otherwise: top-k/top-p/min-p on, no effect on greedy
            p.temperature = 0.0f;
            p.seed = seed;
            Sampler s(p);
            for (int i = 0; i < 5; ++i) QCOMPARE(s.sample(logits.data(), 5), 1);   // tie 1/3: lower id
        }
        Sampler neg(plain(-1.0f, 7));
        const std::vector<float> l2 = {-5.0f, -1.0f, -3.0f};
        QCOMPARE(neg.sample(l2.data(), 3), 1);
    }

    void sameSeedSameSequence() {
        const std::vector<float> logits = {0.1f, 0.4f, 0.0f, 0.3f, 0.2f, 0.5f, 0.05f, 0.25f};
        auto run = [&](Sampler& s) {
            std::vector<int32_t> seq;
            for (int i = 0; i < 100; ++i) seq.push_back(s.sample(logits.data(), 8));
            return seq;
        };
        Sampler a(plain(1.0f, 1234)), b(plain(1.0f, 1234)), c(plain(1.0f, 1235));
        const auto sa = run(a);
        QCOMPARE(run(b), sa);
        QVERIFY(run(c) != sa);
        a.reset();
        QCOMPARE(run(a), sa);   // reset() reseeds
    }

    void drawUsesTop53Bits() {
        // The first mt19937_64 output for seed 5489 is 14514284786278117030, so
        // u = (x >> 11) * 2^-53 = 0.786821...; with p = [0.78, 0.01, 0.21] the cumulative sums
        // 0.78 < u < 0.79 pick token 1.
        Sampler s(plain(1.0f, 5489));
        const auto logits = logOf({0.78, 0.01, 0.21});
        QCOMPARE(s.sample(logits.data(), 3), 1);
    }

    void topKOneIsGreedy() {
        const std::vector<float> logits = {1.0f, 1.5f, 1.4f, 1.5f};
        for (uint64_t seed = 0; seed < 50; ++seed) {
            SamplerParams p = plain(1.0f, seed);
            p.top_k = 1;
            Sampler s(p);
            QCOMPARE(s.sample(logits.data(), 4), 1);   // ties go to the lower id
        }
    }

    void tinyTopPIsArgmax() {
        const std::vector<float> logits = {1.0f, 1.2f, 1.1f};
        for (uint64_t seed = 0; seed < 50; ++seed) {
            SamplerParams p = plain(1.0f, seed);
            p.top_p = 1e-6f;
            Sampler s(p);
            QCOMPARE(s.sample(logits.data(), 3), 1);
        }
    }

    void minPOneKeepsOnlyTheMax() {
        const std::vector<float> logits = {2.0f, 1.99f, 0.5f};
        for (uint64_t seed = 0; seed < 50; ++seed) {
            SamplerParams p = plain(1.0f, seed);
            p.min_p = 1.0f;
            Sampler s(p);
            QCOMPARE(s.sample(logits.data(), 3), 0);
        }
    }

    void distributionAtTemperatureOne() {
        Sampler s(plain(1.0f, 99));
        expectFrequencies(frequencies(s, logOf({0.5, 0.3, 0.2}), 20000), {0.5, 0.3, 0.2}, 0.02);
    }

    void truncationRenormalizes() {
        // Each of these keeps {0.5, 0.3} and renormalizes to {0.625, 0.375}:
        // top-k 2; top-p 0.75 (cumulative 0.5, 0.8 >= 0.75); min-p 0.5 (threshold 0.25).
        const auto logits = logOf({0.5, 0.3, 0.2});
        SamplerParams k = plain(1.0f, 5), tp = plain(1.0f, 6), mp = plain(1.0f, 7);
        k.top_k = 2;
        tp.top_p = 0.75f;
        mp.min_p = 0.5f;
        for (const SamplerParams& p : {k, tp, mp}) {
            Sampler s(p);
            expectFrequencies(frequencies(s, logits, 20000), {0.625, 0.375, 0.0}, 0.02);
        }
    }

    void temperatureFlattens() {
        // T = 2: p ∝ sqrt(p0) = 0.7071, 0.5477, 0.4472 (sum 1.7020) → 0.4155, 0.3218, 0.2628.
        Sampler s(plain(2.0f, 11));
        expectFrequencies(frequencies(s, logOf({0.5, 0.3, 0.2}), 20000), {0.4155, 0.3218, 0.2628}, 0.02);
    }

    void repetitionPenalty() {
        SamplerParams p = plain(0.0f, 1);
        p.repeat_penalty = 3.0f;
        {
            Sampler s(p);
            const std::vector<float> logits = {2.0f, 1.0f};
            QCOMPARE(s.sample(logits.data(), 2), 0);
            s.accept(0);
            QCOMPARE(s.sample(logits.data(), 2), 1);   // 2/3 < 1
            QCOMPARE(logits[0], 2.0f);                  // caller's logits untouched
            s.reset();
            QCOMPARE(s.sample(logits.data(), 2), 0);
        }
        {
            Sampler s(p);
            const std::vector<float> logits = {-1.0f, -2.0f};
            s.accept(0);
            QCOMPARE(s.sample(logits.data(), 2), 1);   // -1 * 3 = -3 < -2
        }
        {
            // A token repeated in the window is penalized once: 2/3 > 0.5 (twice would be 0.22).
            Sampler s(p);
            const std::vector<float> logits = {2.0f, 0.5f};
            s.accept(0);
            s.accept(0);
            QCOMPARE(s.sample(logits.data(), 2), 0);
        }
        {
            // Only the last repeat_last_n tokens count.
            const std::vector<float> logits = {2.0f, 1.9f};
            SamplerParams w = p;
            w.repeat_last_n = 1;
            Sampler s1(w);
            s1.accept(0);
            s1.accept(1);
            QCOMPARE(s1.sample(logits.data(), 2), 0);   // only 1 penalized: 2.0 vs 0.633
            Sampler s2(w);
            s2.accept(1);
            s2.accept(0);
            QCOMPARE(s2.sample(logits.data(), 2), 1);   // only 0 penalized: 0.667 vs 1.9
            w.repeat_last_n = 0;
            Sampler s3(w);
            s3.accept(0);
            QCOMPARE(s3.sample(logits.data(), 2), 0);   // disabled
        }
    }

    void badInput() {
        SamplerParams p = plain(1.0f, 1);
        p.repeat_penalty = 0.0f;
        QVERIFY(throwsError([&] { Sampler s(p); }));
        Sampler s(plain(1.0f, 1));
        const float one = 1.0f;
        QVERIFY(throwsError([&] { s.sample(&one, 0); }));
        QVERIFY(throwsError([&] { s.sample(nullptr, 3); }));
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const std::vector<float> withNan = {nan, 1.0f, nan};
        Sampler g(plain(0.0f, 1));
        QCOMPARE(g.sample(withNan.data(), 3), 1);
        QCOMPARE(s.sample(withNan.data(), 3), 1);
        const std::vector<float> allNan = {nan, nan};
        QVERIFY(throwsError([&] { s.sample(allNan.data(), 2); }));
        // +inf dominates; -inf never drawn.
        const float inf = std::numeric_limits<float>::infinity();
        const std::vector<float> infs = {0.0f, inf, -inf};
        for (int i = 0; i < 20; ++i) QCOMPARE(s.sample(infs.data(), 3), 1);
    }
};

QTEST_APPLESS_MAIN(TestSampler)
#include "test_sampler.moc"
