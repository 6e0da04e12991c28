// BitNet's per-token int8 activations (Q8_K_ROW) against Microsoft's reference codes, and the CPU
// backend's use of them for ternary matrix products.
#include "backend/backend.h"
#include "graph/graph.h"
#include "tensor/quants.h"
#include "test_support.h"

#include <QtTest>

#include <cmath>
#include <vector>

using namespace tern;
using namespace tern::test;

class TestActivationQuant : public QObject {
    Q_OBJECT
private slots:
    void codesMatchBitNetReference();
    void oneScaleForTheWholeRow();
    void matmulUsesPerRowScale();
};

void TestActivationQuant::codesMatchBitNetReference() {
    // ref.int8act.layer0.f32: attn_norm_out [16][256] at float 0, qkv_in_q8 [16][256] (the int8
    // codes model.py's BitLinear.quant_input made of it) at 4096, their scales s [16] at 8192.
    TERN_REQUIRE_SHARED(shared);
    const std::vector<float> f = readF32(shared + "/fixtures/bitnet-b158/ref.int8act.layer0.f32");
    QVERIFY(f.size() >= 8208);
    for (int t = 0; t < 16; ++t) {
        ref::BlockQ8_K q;
        ref::quantize_row(Type::Q8_K_ROW, f.data() + t * 256, &q, 256);
        for (int j = 0; j < 256; ++j)
            QVERIFY2(float(q.qs[j]) == f[4096 + size_t(t) * 256 + size_t(j)],
                     qPrintable(QString("token %1 element %2: %3 vs %4").arg(t).arg(j).arg(q.qs[j]).arg(f[4096 + t * 256 + j])));
        const float s = f[8192 + size_t(t)];
        QVERIFY(std::abs(1.0f / q.d - s) <= 1e-5f * s);
    }
}

void TestActivationQuant::oneScaleForTheWholeRow() {
    // 512 values, the largest (|−2|) in the second block: both blocks get d = 2/127, unlike
    // Q8_K whose first block would use its own maximum.
    std::vector<float> x(512, 0.5f);
    x[300] = -2.0f;
    std::vector<ref::BlockQ8_K> q(2);
    ref::quantize_row(Type::Q8_K_ROW, x.data(), q.data(), 512);
    QCOMPARE(q[0].d, 2.0f / 127.0f);
    QCOMPARE(q[1].d, 2.0f / 127.0f);
    QCOMPARE(int(q[0].qs[0]), 32);    // 0.5 · 63.5 = 31.75 → 32
    QCOMPARE(int(q[1].qs[44]), -127); // element 300
    QCOMPARE(int(q[0].bsums[0]), 16 * 32);
    // Rounding is half to even: 0.5·s = 2.5 → 2, 1.5 → 2 (s = 5 with max|x| = 25.4).
    std::vector<float> y(256, 0.0f);
    y[0] = 25.4f;
    y[1] = 0.5f;
    y[2] = 0.3f;
    ref::BlockQ8_K r;
    ref::quantize_row(Type::Q8_K_ROW, y.data(), &r, 256);
    QCOMPARE(int(r.qs[0]), 127);
    QCOMPARE(int(r.qs[1]), 2);
    QCOMPARE(int(r.qs[2]), 2);  // 1.5 → 2
    // An all-zero row: codes 0 and a finite scale (the 1e-5 floor), so no NaN downstream.
    std::vector<float> z(256, 0.0f);
    ref::quantize_row(Type::Q8_K_ROW, z.data(), &r, 256);
    QVERIFY(std::isfinite(r.d) && r.qs[0] == 0);
}

void TestActivationQuant::matmulUsesPerRowScale() {
    // One TQ2_0 row of 512 weights (+d for even, −d for odd elements; d = 0.25) times an input
    // whose halves differ in scale. Per row: s = 127/4, the codes are round(x·s), the result is
    // Σ w·q / s exactly as BitNet computes it; per block (llama.cpp) it differs.
    std::vector<float> w(512), x(512);
    for (int i = 0; i < 512; ++i) {
        w[size_t(i)] = (i % 2 == 0 ? 0.25f : -0.25f);
        x[size_t(i)] = i < 256 ? 0.013f * float(i % 17) : 4.0f * std::sin(float(i));
    }
    std::vector<ref::BlockTQ2_0> wq(2);
    ref::quantize_row(Type::TQ2_0, w.data(), wq.data(), 512);
    float amax = 0;
    for (float v : x) amax = std::max(amax, std::abs(v));
    const double s = 127.0 / amax;
    double expected = 0;
    for (int i = 0; i < 512; ++i) expected += w[size_t(i)] * std::nearbyint(double(x[size_t(i)]) * s);
    expected /= s;

    float got[2] = {};
    for (int mode = 0; mode < 2; ++mode) {
        auto be = make_cpu_backend({1, MatmulPrecision::NATIVE, ""});
        Graph g;
        Tensor* wt = g.leaf(Type::TQ2_0, {512, 1}, wq.data(), "w");
        Tensor* xt = g.leaf(Type::F32, {512, 1}, x.data(), "x");
        Tensor* y = g.node(Op::MUL_MAT, Type::F32, {1, 1}, wt, xt);
        y->i[1] = static_cast<int32_t>(mode == 0 ? ActivationQuant::PER_ROW : ActivationQuant::PER_BLOCK);
        be->compute(g);
        got[mode] = *static_cast<const float*>(y->bytes());
    }
    QVERIFY2(std::abs(got[0] - expected) < 1e-4 * std::max(1.0, std::abs(expected)),
             qPrintable(QString("per row %1, expected %2").arg(got[0]).arg(expected)));
    QVERIFY(std::abs(got[1] - got[0]) > 1e-3f);  // per 256 values is another rounding
}

QTEST_APPLESS_MAIN(TestActivationQuant)
#include "test_activation_quant.moc"
