// The KV cache types (F32, F16) and the CPU ATTENTION op: every kernel set against the scalar
// reference of one head (bit-identical, attention.h), F16 against F32 within a bound derived
// from F16 rounding, cache sizes, and fixture models giving the same greedy tokens with either
// cache.
#include "test_support.h"

#include "backend/backend.h"
#include "backend/cpu/attention.h"
#include "backend/cpu/kernels.h"
#include "graph/graph.h"
#include "tensor/fp16.h"
#include "tern/error.h"
#include "tern/model.h"
#include "tern/session.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace tern;
using namespace tern::test;

class TestKvCache : public QObject {
    Q_OBJECT
private slots:
    void attentionMatchesReference_data();
    void attentionMatchesReference();
    void f16WithinRoundingBound();
    void cacheBytesAndTypes();
    void sessionOptions();
    void fixtureGreedyTokensMatch_data();
    void fixtureGreedyTokensMatch();
};

namespace {

struct Shape {
    int64_t hd, nh, nkv;
};

// Runs a prefill of 17 tokens then decodes of 1 and 5 tokens through one backend; returns each
// step's output and fills the inputs used.
struct Steps {
    std::vector<std::vector<float>> q, k, v, out;
    std::vector<int64_t> T;
};

Steps runSteps(Backend& b, const Shape& s, Type type, uint32_t seed) {
    const int64_t kv_dim = s.nkv * s.hd;
    b.init_kv_cache({2, 40, static_cast<int32_t>(kv_dim), type});
    Steps st;
    int32_t pos0 = 0;
    for (int64_t T : {17, 1, 5}) {
        st.T.push_back(T);
        st.q.push_back(randoms(static_cast<size_t>(s.hd * s.nh * T), seed + 1 + static_cast<uint32_t>(pos0)));
        // K with an offset so scores spread out (softmax far from uniform).
        st.k.push_back(randoms(static_cast<size_t>(kv_dim * T), seed + 2 + static_cast<uint32_t>(pos0), 2.0f));
        st.v.push_back(randoms(static_cast<size_t>(kv_dim * T), seed + 3 + static_cast<uint32_t>(pos0)));
        Graph g;
        Tensor* a = g.node(Op::ATTENTION, Type::F32, {s.hd * s.nh, T},
                           g.leaf(Type::F32, {s.hd, s.nh, T}, st.q.back().data(), "q"),
                           g.leaf(Type::F32, {s.hd, s.nkv, T}, st.k.back().data(), "k"),
                           g.leaf(Type::F32, {s.hd, s.nkv, T}, st.v.back().data(), "v"));
        a->i[0] = 1;
        a->i[1] = pos0;
        a->f[0] = 1.0f / std::sqrt(static_cast<float>(s.hd));
        g.output = a;
        b.compute(g);
        const auto* o = static_cast<const float*>(a->out);
        st.out.emplace_back(o, o + a->n_elements());
        pos0 += static_cast<int32_t>(T);
    }
    return st;
}

// The cache contents a backend of `type` holds after the steps: [position][kv_dim] elements.
template <class E>
std::vector<E> cacheOf(const std::vector<std::vector<float>>& steps) {
    std::vector<E> c;
    for (const auto& x : steps)
        for (float f : x) {
            if constexpr (sizeof(E) == 2) c.push_back(fp32_to_fp16(f));
            else c.push_back(f);
        }
    return c;
}

}  // namespace

void TestKvCache::attentionMatchesReference_data() {
    QTest::addColumn<QString>("set");
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("hd");
    for (std::string_view set : available_kernel_sets())
        for (Type t : {Type::F32, Type::F16})
            for (int hd : {8, 64, 72, 128, 21}) {
                const QString name = QString("%1-%2-hd%3").arg(QString::fromUtf8(set.data(), qsizetype(set.size())),
                                                                QString::fromUtf8(type_name(t).data(), qsizetype(type_name(t).size())))
                                         .arg(hd);
                QTest::newRow(qPrintable(name)) << QString::fromUtf8(set.data(), qsizetype(set.size()))
                                                << static_cast<int>(t) << hd;
            }
}

void TestKvCache::attentionMatchesReference() {
    // Prefill 17 tokens, decode 1, then 5 more, GQA 6 query heads over 2 KV heads: every output
    // equals the scalar reference on the values the cache holds (F16: rounded), bit for bit.
    QFETCH(QString, set);
    QFETCH(int, type);
    QFETCH(int, hd);
    const Type t = static_cast<Type>(type);
    const Shape s{hd, 6, 2};
    CpuBackendOptions o;
    o.n_threads = 2;
    o.cpu_features = set.toStdString();
    auto b = make_cpu_backend(o);
    const Steps st = runSteps(*b, s, t, 100 + static_cast<uint32_t>(hd));
    const int64_t kv_dim = s.nkv * s.hd;
    const std::vector<float> k32 = cacheOf<float>(st.k), v32 = cacheOf<float>(st.v);
    const std::vector<uint16_t> k16 = cacheOf<uint16_t>(st.k), v16 = cacheOf<uint16_t>(st.v);
    const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
    int64_t pos0 = 0;
    std::vector<float> ref(static_cast<size_t>(hd));
    for (size_t step = 0; step < st.T.size(); ++step) {
        for (int64_t tok = 0; tok < st.T[step]; ++tok)
            for (int64_t h = 0; h < s.nh; ++h) {
                const int64_t kvh = h / (s.nh / s.nkv), n_kv = pos0 + tok + 1, r = tok * s.nh + h;
                const float* q = st.q[step].data() + r * hd;
                if (t == Type::F32)
                    cpu::attention_head_reference(q, k32.data() + kvh * hd, v32.data() + kvh * hd, t, kv_dim, n_kv, hd,
                                                  scale, ref.data());
                else
                    cpu::attention_head_reference(q, k16.data() + kvh * hd, v16.data() + kvh * hd, t, kv_dim, n_kv, hd,
                                                  scale, ref.data());
                for (int64_t d = 0; d < hd; ++d) {
                    const float got = st.out[step][static_cast<size_t>(r * hd + d)];
                    if (std::memcmp(&got, &ref[static_cast<size_t>(d)], sizeof got) != 0)
                        QFAIL(qPrintable(QString("step %1 token %2 head %3 dim %4: %5, reference %6")
                                             .arg(step).arg(tok).arg(h).arg(d).arg(double(got), 0, 'g', 9)
                                             .arg(double(ref[static_cast<size_t>(d)]), 0, 'g', 9)));
                }
            }
        pos0 += st.T[step];
    }
}

void TestKvCache::f16WithinRoundingBound() {
    // F16 rounds each cached element with relative error u ≤ 2^-11. Then each score moves by at
    // most δ = scale · u · Σ_d |q_d k_jd|, each softmax weight by a factor within e^{±2δ}, so an
    // output moves by at most max|v| · (u + (e^{2δ} − 1)) (plus float rounding: a 1e-5 slack
    // relative to max|v|). Checked per head with δ from its own q and keys.
    const Shape s{64, 4, 2};
    CpuBackendOptions o;
    o.n_threads = 2;
    auto b32 = make_cpu_backend(o);
    auto b16 = make_cpu_backend(o);
    const Steps a = runSteps(*b32, s, Type::F32, 7);
    const Steps c = runSteps(*b16, s, Type::F16, 7);
    const std::vector<float> kall = cacheOf<float>(a.k), vall = cacheOf<float>(a.v);
    const double u = std::ldexp(1.0, -11), scale = 1.0 / std::sqrt(64.0);
    const int64_t kv_dim = s.nkv * s.hd;
    int64_t pos0 = 0;
    double worst = 0;  // largest error as a share of its bound
    bool differs = false;
    for (size_t step = 0; step < a.T.size(); ++step) {
        for (int64_t tok = 0; tok < a.T[step]; ++tok)
            for (int64_t h = 0; h < s.nh; ++h) {
                const int64_t kvh = h / (s.nh / s.nkv), n_kv = pos0 + tok + 1, r = tok * s.nh + h;
                const float* q = a.q[step].data() + r * s.hd;
                double delta = 0, vmax = 0;
                for (int64_t j = 0; j < n_kv; ++j) {
                    double qk = 0;
                    for (int64_t d = 0; d < s.hd; ++d) {
                        qk += std::fabs(double(q[d]) * kall[size_t(j * kv_dim + kvh * s.hd + d)]);
                        vmax = std::max(vmax, double(std::fabs(vall[size_t(j * kv_dim + kvh * s.hd + d)])));
                    }
                    delta = std::max(delta, scale * u * qk);
                }
                const double bound = vmax * (u + std::expm1(2 * delta) + 1e-5);
                for (int64_t d = 0; d < s.hd; ++d) {
                    const size_t i = size_t(r * s.hd + d);
                    const double err = std::fabs(double(a.out[step][i]) - double(c.out[step][i]));
                    differs = differs || err > 0;
                    worst = std::max(worst, err / bound);
                    if (err > bound)
                        QFAIL(qPrintable(QString("step %1 token %2 head %3 dim %4: |f16 − f32| = %5 > bound %6")
                                             .arg(step).arg(tok).arg(h).arg(d).arg(err).arg(bound)));
                }
            }
        pos0 += a.T[step];
    }
    QVERIFY2(differs, "the F16 cache gave F32's results exactly: it did not round");
    qInfo("largest F16 error: %.3f of its bound", worst);
}

void TestKvCache::cacheBytesAndTypes() {
    CpuBackendOptions o;
    o.n_threads = 1;
    auto b = make_cpu_backend(o);
    b->init_kv_cache({3, 100, 48, Type::F32});
    QCOMPARE(b->kv_cache_bytes(), size_t(2 * 3 * 100 * 48 * 4));
    QCOMPARE(b->kv_cache_config().type, Type::F32);
    b->init_kv_cache({3, 100, 48, Type::F16});
    QCOMPARE(b->kv_cache_bytes(), size_t(2 * 3 * 100 * 48 * 2));
    QCOMPARE(b->kv_cache_config().type, Type::F16);
    QVERIFY_THROWS_EXCEPTION(Error, b->init_kv_cache({3, 100, 48, Type::Q8_0}));
    QVERIFY_THROWS_EXCEPTION(Error, b->init_kv_cache({3, 0, 48, Type::F16}));
}

void TestKvCache::sessionOptions() {
    Type t = Type::Q4_0;
    QVERIFY(parse_kv_cache_type("f16", t));
    QCOMPARE(t, Type::F16);
    QVERIFY(parse_kv_cache_type("f32", t));
    QCOMPARE(t, Type::F32);
    QVERIFY(!parse_kv_cache_type("q8_0", t));
    QVERIFY(!parse_kv_cache_type("F16", t));
    QCOMPARE(QString(kv_cache_type_name(Type::F16)), QString("f16"));
    QCOMPARE(SessionOptions{}.kv_cache_type, Type::F32);  // F16 breaks the llama.cpp reference tolerances
}

void TestKvCache::fixtureGreedyTokensMatch_data() {
    QTest::addColumn<QString>("model");
    QTest::newRow("stories260K") << "models/stories260K.gguf";
    QTest::newRow("tern-tiny-moe-tq2_0") << "models/tern-tiny-moe-tq2_0.gguf";
}

void TestKvCache::fixtureGreedyTokensMatch() {
    // The same greedy tokens for 96 steps with an F16 and an F32 cache, logits of a whole prompt
    // close, and the F16 session's cache half the size.
    QFETCH(QString, model);
    TERN_REQUIRE_SHARED(shared);
    auto m = Model::load(fixture(shared, model));
    std::vector<int32_t> tokens[2];
    std::vector<float> logits[2];
    uint64_t bytes[2] = {};
    const Type types[2] = {Type::F32, Type::F16};
    for (int i = 0; i < 2; ++i) {
        SessionOptions o;
        o.n_ctx = 128;
        o.n_threads = 2;
        o.kv_cache_type = types[i];
        Session s(*m, o);
        QCOMPARE(s.kv_cache_type(), types[i]);
        bytes[i] = s.kv_cache_bytes();
        GenerateParams p;
        p.max_tokens = 96;
        p.sampling.temperature = 0.0f;
        p.ignore_eos = true;
        s.generate("Once upon a time", p, [&](int32_t tok, std::string_view) { tokens[i].push_back(tok); });
        std::vector<int32_t> all = s.tokens();
        s.truncate(0);
        all.resize(64);
        logits[i] = s.eval(all, true);
    }
    QCOMPARE(int(tokens[1].size()), 96);
    QCOMPARE(tokens[1], tokens[0]);
    const auto& hp = m->hparams();
    QCOMPARE(bytes[0], uint64_t(2) * uint64_t(hp.n_layer) * 128u * uint64_t(hp.n_head_kv * hp.head_dim) * 4u);
    QCOMPARE(bytes[1] * 2, bytes[0]);
    // Logits per position: F16 rounding moves them a little (stories260K: 0.019 at most). In
    // tern-tiny-moe the Q8_K activations and the MoE router amplify that (typically 0.03-0.1,
    // one position 0.25), and a near-tied top-k expert choice can flip, which moves a position
    // much more (1.7 once): as tern-tiny-moe.md allows against llama.cpp, a few such outliers.
    QCOMPARE(logits[1].size(), logits[0].size());
    const size_t n_vocab = static_cast<size_t>(hp.n_vocab);
    const bool moe = hp.n_expert > 0;
    const double tol = moe ? 0.3 : 0.05;
    int outliers = 0;
    double typical = 0, worst = 0;
    for (size_t pos = 0; pos < 64; ++pos) {
        double d = 0;
        for (size_t i = pos * n_vocab; i < (pos + 1) * n_vocab; ++i)
            d = std::max(d, double(std::fabs(logits[1][i] - logits[0][i])));
        worst = std::max(worst, d);
        if (d > tol) ++outliers;
        else typical = std::max(typical, d);
    }
    qInfo("max |logit f16 - f32| per position: %.4f typical, %.4f worst, %d over %.2f", typical, worst, outliers, tol);
    QVERIFY(worst > 0);
    QVERIFY2(outliers <= (moe ? 3 : 0), qPrintable(QString("%1 positions over %2").arg(outliers).arg(tol)));
    QVERIFY2(worst <= 2.0, qPrintable(QString("max |Δlogit| %1").arg(worst)));
}

QTEST_APPLESS_MAIN(TestKvCache)
#include "test_kv_cache.moc"
