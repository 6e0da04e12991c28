// MoE router maths and the other graph ops of the CPU backend on hand-computed values.
#include "backend/backend.h"
#include "backend/cpu/ops.h"
#include "graph/graph.h"
#include "tern/error.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <vector>

using namespace tern;

class TestRouter : public QObject {
    Q_OBJECT
private slots:
    void softmaxTopKRenormalised();
    void softmaxTopKNotRenormalised();
    void expertIdOutOfRangeIsAnError();
    void mulMatIdPicksTheRightExpert();
    void ropeNormAndNeox();
    void ropeCacheIsBitIdentical();
    void attentionOverTheCache();
    void contextOverflowIsAnError();
};

namespace {

struct Routed {
    std::vector<int32_t> ids;
    std::vector<float> weights;
};

Routed route(const std::vector<float>& logits, int k, bool renorm) {
    auto be = make_cpu_backend({1, MatmulPrecision::NATIVE, ""});
    Graph g;
    const auto E = static_cast<int64_t>(logits.size());
    Tensor* l = g.leaf(Type::F32, {E, 1}, logits.data(), "router_logits");
    Tensor* p = g.node(Op::SOFTMAX, Type::F32, {E, 1}, l);
    Tensor* ids = g.node(Op::TOP_K, Type::I32, {k, 1}, p);
    ids->i[0] = k;
    Tensor* w = g.node(Op::MOE_WEIGHTS, Type::F32, {k, 1}, p, ids);
    w->i[0] = renorm ? 1 : 0;
    be->compute(g);
    const auto* id = static_cast<const int32_t*>(ids->bytes());
    const auto* wt = static_cast<const float*>(w->bytes());
    return {{id, id + k}, {wt, wt + k}};
}

}  // namespace

void TestRouter::softmaxTopKRenormalised() {
    // softmax([2, 1, 0.5, 0]) = [0.5793, 0.2131, 0.1293, 0.0784]; top-2 renormalised:
    // 0.5793 / 0.7924 = 0.7311, 0.2131 / 0.7924 = 0.2689 (= sigmoid(±1)).
    const Routed r = route({2.0f, 1.0f, 0.5f, 0.0f}, 2, true);
    QCOMPARE(r.ids, (std::vector<int32_t>{0, 1}));
    QVERIFY(std::abs(r.weights[0] - 0.7311f) < 1e-4f);
    QVERIFY(std::abs(r.weights[1] - 0.2689f) < 1e-4f);
}

void TestRouter::softmaxTopKNotRenormalised() {
    const Routed r = route({2.0f, 1.0f, 0.5f, 0.0f}, 2, false);
    QCOMPARE(r.ids, (std::vector<int32_t>{0, 1}));
    QVERIFY(std::abs(r.weights[0] - 0.5793f) < 1e-4f);
    QVERIFY(std::abs(r.weights[1] - 0.2131f) < 1e-4f);
    // Order follows probability, not position: the largest logit last.
    const Routed s = route({0.0f, 0.5f, 1.0f, 2.0f}, 2, false);
    QCOMPARE(s.ids, (std::vector<int32_t>{3, 2}));
}

namespace {

// Three experts of one row each ([K=2, N=1, E=3]); expert e's row is (e+1, 10·(e+1)).
const std::vector<float> kExperts = {1, 10, 2, 20, 3, 30};

}  // namespace

void TestRouter::expertIdOutOfRangeIsAnError() {
    auto be = make_cpu_backend({1, MatmulPrecision::NATIVE, ""});
    Graph g;
    const std::vector<float> x = {1, 1};
    const std::vector<int32_t> ids = {3};
    Tensor* w = g.leaf(Type::F32, {2, 1, 3}, kExperts.data(), "exps");
    Tensor* xt = g.leaf(Type::F32, {2, 1}, x.data(), "x");
    Tensor* it = g.leaf(Type::I32, {1, 1}, ids.data(), "ids");
    g.node(Op::MUL_MAT_ID, Type::F32, {1, 1, 1}, w, xt, it);
    QVERIFY_THROWS_EXCEPTION(Error, be->compute(g));
}

void TestRouter::mulMatIdPicksTheRightExpert() {
    // Two tokens, two slots each, the last expert and a duplicate included.
    auto be = make_cpu_backend({2, MatmulPrecision::NATIVE, ""});
    Graph g;
    const std::vector<float> x = {1, 2, 3, 4};         // token 0: (1,2), token 1: (3,4)
    const std::vector<int32_t> ids = {2, 0, 1, 1};     // token 0: experts 2, 0; token 1: 1, 1
    Tensor* w = g.leaf(Type::F32, {2, 1, 3}, kExperts.data(), "exps");
    Tensor* xt = g.leaf(Type::F32, {2, 2}, x.data(), "x");
    Tensor* it = g.leaf(Type::I32, {2, 2}, ids.data(), "ids");
    Tensor* y = g.node(Op::MUL_MAT_ID, Type::F32, {1, 2, 2}, w, xt, it);
    be->compute(g);
    const auto* out = static_cast<const float*>(y->bytes());
    QCOMPARE(out[0], 3.0f * 1 + 30.0f * 2);  // expert 2 · token 0
    QCOMPARE(out[1], 1.0f * 1 + 10.0f * 2);  // expert 0 · token 0
    QCOMPARE(out[2], 2.0f * 3 + 20.0f * 4);  // expert 1 · token 1
    QCOMPARE(out[3], 2.0f * 3 + 20.0f * 4);
}

void TestRouter::ropeNormAndNeox() {
    // One head of 4 dims at position 1, base 10000: θ0 = 1, θ1 = 10000^(-1/2) = 0.01.
    auto be = make_cpu_backend({1, MatmulPrecision::NATIVE, ""});
    const std::vector<float> x = {1, 0, 1, 0};
    const std::vector<int32_t> pos = {1};
    for (RopeMode mode : {RopeMode::NORM, RopeMode::NEOX}) {
        Graph g;
        Tensor* xt = g.leaf(Type::F32, {4, 1, 1}, x.data(), "x");
        Tensor* pt = g.leaf(Type::I32, {1}, pos.data(), "pos");
        Tensor* r = g.node(Op::ROPE, Type::F32, {4, 1, 1}, xt, pt);
        r->i[0] = static_cast<int32_t>(mode);
        r->i[1] = 4;
        r->f[0] = 10000.0f;
        be->compute(g);
        const auto* y = static_cast<const float*>(r->bytes());
        if (mode == RopeMode::NORM) {  // pairs (0,1) by θ0 and (2,3) by θ1
            QVERIFY(std::abs(y[0] - std::cos(1.0f)) < 1e-6f && std::abs(y[1] - std::sin(1.0f)) < 1e-6f);
            QVERIFY(std::abs(y[2] - std::cos(0.01f)) < 1e-6f && std::abs(y[3] - std::sin(0.01f)) < 1e-6f);
        } else {  // pairs (0,2) by θ0 and (1,3) by θ1
            QVERIFY(std::abs(y[0] - (std::cos(1.0f) - std::sin(1.0f))) < 1e-6f);
            QVERIFY(std::abs(y[2] - (std::sin(1.0f) + std::cos(1.0f))) < 1e-6f);
            QVERIFY(std::abs(y[1]) < 1e-7f && std::abs(y[3]) < 1e-7f);
        }
    }
}

void TestRouter::ropeCacheIsBitIdentical() {
    // The backend applies cos/sin tables shared by all heads: the same bits as rope_head.
    std::vector<float> a(128), b(128), cs(128);
    for (int32_t pos : {0, 1, 7, 1000, 4095})
        for (bool neox : {false, true}) {
            for (size_t i = 0; i < a.size(); ++i) a[i] = b[i] = std::sin(0.37f * static_cast<float>(i) + static_cast<float>(pos));
            cpu::rope_head(a.data(), 128, pos, 500000.0f, neox);
            cpu::rope_cache(cs.data(), 128, pos, 500000.0f);
            cpu::rope_head_cached(b.data(), 128, cs.data(), neox);
            QCOMPARE(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0);
        }
}

void TestRouter::attentionOverTheCache() {
    // hd 2, one query head, one kv head. Token 0: k=(1,0) v=(1,0); token 1: k=(0,1) v=(0,2),
    // q=(0, ln 3) with scale 1 → weights softmax(0, ln 3) = (0.25, 0.75) → out (0.25, 1.5).
    auto be = make_cpu_backend({1, MatmulPrecision::NATIVE, ""});
    be->init_kv_cache({1, 4, 2});
    const float ln3 = std::log(3.0f);
    const std::vector<float> q = {0, 0, 0, ln3}, k = {1, 0, 0, 1}, v = {1, 0, 0, 2};
    Graph g;
    Tensor* qt = g.leaf(Type::F32, {2, 1, 2}, q.data(), "q");
    Tensor* kt = g.leaf(Type::F32, {2, 1, 2}, k.data(), "k");
    Tensor* vt = g.leaf(Type::F32, {2, 1, 2}, v.data(), "v");
    Tensor* a = g.node(Op::ATTENTION, Type::F32, {2, 2}, qt, kt, vt);
    a->f[0] = 1.0f;
    be->compute(g);
    const auto* o = static_cast<const float*>(a->bytes());
    QCOMPARE(o[0], 1.0f);  // token 0 sees only itself
    QCOMPARE(o[1], 0.0f);
    QVERIFY(std::abs(o[2] - 0.25f) < 1e-6f);
    QVERIFY(std::abs(o[3] - 1.5f) < 1e-6f);
}

void TestRouter::contextOverflowIsAnError() {
    auto be = make_cpu_backend({1, MatmulPrecision::NATIVE, ""});
    be->init_kv_cache({1, 2, 2});
    const std::vector<float> z(6, 0.0f);
    Graph g;
    Tensor* qt = g.leaf(Type::F32, {2, 1, 3}, z.data(), "q");
    Tensor* a = g.node(Op::ATTENTION, Type::F32, {2, 3}, qt, qt, qt);
    a->f[0] = 1.0f;
    QVERIFY_THROWS_EXCEPTION(Error, be->compute(g));
}

QTEST_APPLESS_MAIN(TestRouter)
#include "test_router.moc"
