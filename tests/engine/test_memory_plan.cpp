// graph/memory_plan.h: results share arena memory only when their lifetimes do not overlap,
// and the graph's outputs are never overwritten; the CPU backend computes the same values
// with the shared arena as the results' own arithmetic says.
#include "backend/backend.h"
#include "graph/graph.h"
#include "graph/memory_plan.h"

#include <QtTest>

#include <algorithm>
#include <random>
#include <vector>

using namespace tern;

class TestMemoryPlan : public QObject {
    Q_OBJECT
private slots:
    void chainReusesMemory();
    void outputsAndUnreadResultsAreKept();
    void viewsKeepTheirSourceAlive();
    void stepsAllocateTogether();
    void randomGraphsNeverOverlapLiveResults();
    void cpuBackendChainWithSharedArena();
};

namespace {

constexpr size_t kAlign = 64;

Tensor* f32_node(Graph& g, Op op, int64_t n, Tensor* a, Tensor* b = nullptr) {
    return g.node(op, Type::F32, {n}, a, b);
}

struct Range {
    size_t begin, end;
};

Range bytes_of(const Graph& g, const MemoryPlan& p, size_t i) {
    return {p.offset[i], p.offset[i] + g.nodes()[i]->n_bytes()};
}

bool overlap(Range a, Range b) { return a.begin < b.end && b.begin < a.end; }

const Tensor* owner(const Tensor* t) {
    while (t && t->op == Op::VIEW) t = t->src[0];
    return t;
}

// Independent check: two non-VIEW nodes may share bytes only if one is dead (its last
// reader's step is done) before the other's step begins. Kept nodes live to the end.
void check_plan(const Graph& g, const std::vector<size_t>& step_begin, const std::vector<const Tensor*>& kept) {
    const MemoryPlan p = plan_memory(g, step_begin, kAlign);
    const auto& nodes = g.nodes();
    const size_t n = nodes.size();
    std::vector<size_t> step(n);
    for (size_t i = 0; i < n; ++i) {
        step[i] = i;
        if (!step_begin.empty())
            step[i] = static_cast<size_t>(std::upper_bound(step_begin.begin(), step_begin.end(), i) - step_begin.begin()) - 1;
    }
    std::vector<size_t> last(n);
    for (size_t i = 0; i < n; ++i) last[i] = step[i];
    std::vector<bool> read(n, false);
    for (size_t j = 0; j < n; ++j)
        for (const Tensor* s : nodes[j]->src)
            if (s && s->index >= 0) {
                if (nodes[j]->op != Op::VIEW) read[static_cast<size_t>(s->index)] = true;
                const Tensor* o = owner(s);
                if (o->index >= 0 && nodes[j]->op != Op::VIEW)
                    last[static_cast<size_t>(o->index)] = std::max(last[static_cast<size_t>(o->index)], step[j]);
            }
    const size_t end = SIZE_MAX;
    for (size_t i = 0; i < n; ++i)
        if (!read[i]) {
            const Tensor* o = owner(nodes[i]);
            if (o->index >= 0) last[static_cast<size_t>(o->index)] = end;
        }
    for (const Tensor* t : kept)
        if (const Tensor* o = owner(t); o && o->index >= 0) last[static_cast<size_t>(o->index)] = end;
    size_t top = 0;
    for (size_t i = 0; i < n; ++i) {
        if (nodes[i]->op == Op::VIEW) continue;
        QCOMPARE(p.offset[i] % kAlign, size_t{0});
        top = std::max(top, bytes_of(g, p, i).end);
        for (size_t j = 0; j < i; ++j) {
            if (nodes[j]->op == Op::VIEW) continue;
            const bool j_alive_when_i_starts = last[j] >= step[i];
            if (j_alive_when_i_starts && overlap(bytes_of(g, p, i), bytes_of(g, p, j)))
                QFAIL(qPrintable(QString("node %1 overwrites live node %2").arg(i).arg(j)));
        }
    }
    QVERIFY(p.bytes >= top);
}

}  // namespace

void TestMemoryPlan::chainReusesMemory() {
    // x → a → b → c → d: at most two results are alive at once.
    Graph g;
    std::vector<float> x(256);
    Tensor* t = g.leaf(Type::F32, {256}, x.data(), "x");
    for (int k = 0; k < 8; ++k) t = f32_node(g, Op::SOFTMAX, 256, t);
    g.output = t;
    const MemoryPlan p = plan_memory(g, {}, kAlign);
    QCOMPARE(p.unshared_bytes, size_t{8 * 1024});
    QCOMPARE(p.bytes, size_t{2 * 1024});
    check_plan(g, {}, {g.output});
}

void TestMemoryPlan::outputsAndUnreadResultsAreKept() {
    // a (routing), b (unread), c (keep) must not be reused by the long tail of later nodes.
    Graph g;
    std::vector<float> x(64);
    Tensor* in = g.leaf(Type::F32, {64}, x.data(), "x");
    Tensor* a = f32_node(g, Op::SOFTMAX, 64, in);
    Tensor* b = f32_node(g, Op::SOFTMAX, 64, a);
    Tensor* c = f32_node(g, Op::SOFTMAX, 64, a);
    Tensor* t = c;
    for (int k = 0; k < 6; ++k) t = f32_node(g, Op::SOFTMAX, 64, t);
    g.routing.push_back(a);
    g.keep.push_back(c);
    g.output = t;
    const MemoryPlan p = plan_memory(g, {}, kAlign);
    for (const Tensor* kept : {a, b, c})
        for (size_t j = static_cast<size_t>(kept->index) + 1; j < g.nodes().size(); ++j)
            QVERIFY(!overlap(bytes_of(g, p, static_cast<size_t>(kept->index)), bytes_of(g, p, j)));
    check_plan(g, {}, {a, c, t});
}

void TestMemoryPlan::viewsKeepTheirSourceAlive() {
    // v views a; the reader of v comes late: a must stay alive until then.
    Graph g;
    std::vector<float> x(128);
    Tensor* in = g.leaf(Type::F32, {128}, x.data(), "x");
    Tensor* a = f32_node(g, Op::SOFTMAX, 128, in);
    Tensor* v = g.node(Op::VIEW, Type::F32, {64}, a);
    v->i[0] = 64 * sizeof(float);
    Tensor* t = f32_node(g, Op::SOFTMAX, 128, a);
    for (int k = 0; k < 4; ++k) t = f32_node(g, Op::SOFTMAX, 128, t);
    Tensor* late = f32_node(g, Op::ADD, 64, v, v);
    g.output = f32_node(g, Op::ADD, 64, late, late);
    const MemoryPlan p = plan_memory(g, {}, kAlign);
    for (size_t j = static_cast<size_t>(a->index) + 1; j < static_cast<size_t>(late->index); ++j)
        if (g.nodes()[j]->op != Op::VIEW) QVERIFY(!overlap(bytes_of(g, p, static_cast<size_t>(a->index)), bytes_of(g, p, j)));
    check_plan(g, {}, {g.output});
}

void TestMemoryPlan::stepsAllocateTogether() {
    // Step {q, k, v} reads n; n's last reader is k, but n must outlive the whole step, and the
    // step's three results must be distinct.
    Graph g;
    std::vector<float> x(256);
    Tensor* in = g.leaf(Type::F32, {256}, x.data(), "x");
    Tensor* n = f32_node(g, Op::SOFTMAX, 256, in);
    Tensor* q = f32_node(g, Op::SOFTMAX, 256, n);
    Tensor* k = f32_node(g, Op::SOFTMAX, 256, n);
    Tensor* v = f32_node(g, Op::SOFTMAX, 256, q);
    g.output = f32_node(g, Op::ADD, 256, f32_node(g, Op::ADD, 256, q, k), v);
    const std::vector<size_t> steps = {0, 1, 4, 5};  // n | q k v | q+k | +v
    const MemoryPlan p = plan_memory(g, steps, kAlign);
    const size_t ids[] = {0, 1, 2, 3};
    for (size_t i : ids)
        for (size_t j : ids)
            if (i < j) QVERIFY(!overlap(bytes_of(g, p, i), bytes_of(g, p, j)));
    check_plan(g, steps, {g.output});
}

void TestMemoryPlan::randomGraphsNeverOverlapLiveResults() {
    std::mt19937 rng(7);
    for (int round = 0; round < 200; ++round) {
        Graph g;
        static std::vector<float> x(4096);
        std::vector<Tensor*> made = {g.leaf(Type::F32, {4096}, x.data(), "x")};
        const int n = 5 + static_cast<int>(rng() % 60);
        for (int i = 0; i < n; ++i) {
            Tensor* a = made[rng() % made.size()];
            Tensor* b = made[rng() % made.size()];
            if (rng() % 5 == 0 && a->ne[0] >= 2) {
                Tensor* v = g.node(Op::VIEW, Type::F32, {a->ne[0] / 2}, a);
                v->i[0] = static_cast<int32_t>((a->ne[0] / 2) * sizeof(float));
                made.push_back(v);
                continue;
            }
            made.push_back(f32_node(g, Op::ADD, 1 + static_cast<int64_t>(rng() % 4096), a, b));
        }
        std::vector<size_t> steps;
        for (size_t i = 0; i < g.nodes().size(); ++i)
            if (i == 0 || rng() % 3 != 0) steps.push_back(i);
        g.output = made.back();
        if (rng() % 2) g.keep.push_back(made[made.size() / 2]);
        std::vector<const Tensor*> kept = {g.output};
        for (const Tensor* t : g.keep) kept.push_back(t);
        check_plan(g, rng() % 2 ? steps : std::vector<size_t>{}, kept);
        if (QTest::currentTestFailed()) return;
        const MemoryPlan p = plan_memory(g, {}, kAlign);
        QVERIFY(p.bytes <= p.unshared_bytes);
    }
}

void TestMemoryPlan::cpuBackendChainWithSharedArena() {
    // x_{k+1} = x_k + x_k over 10 nodes (the arena reuses memory every other node), plus an
    // early result kept for inspection: every value as the arithmetic says.
    auto be = make_cpu_backend({2, MatmulPrecision::NATIVE, ""});
    Graph g;
    std::vector<float> x(1000);
    for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i);
    Tensor* t = g.leaf(Type::F32, {1000}, x.data(), "x");
    Tensor* second = nullptr;
    for (int k = 0; k < 10; ++k) {
        t = f32_node(g, Op::ADD, 1000, t, t);
        if (k == 1) second = t;
    }
    g.keep.push_back(second);
    g.output = t;
    be->compute(g);
    const auto* out = static_cast<const float*>(g.output->bytes());
    const auto* mid = static_cast<const float*>(second->bytes());
    for (int i = 0; i < 1000; ++i) {
        QCOMPARE(out[i], static_cast<float>(i) * 1024.0f);
        QCOMPARE(mid[i], static_cast<float>(i) * 4.0f);
    }
}

QTEST_APPLESS_MAIN(TestMemoryPlan)
#include "test_memory_plan.moc"
