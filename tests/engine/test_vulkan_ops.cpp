// Each Vulkan shader against the scalar CPU backend (the reference) on random data: decode
// (1 token) and prefill (17 tokens) shapes, odd sizes, every weight type, MoE with non-zero,
// last and duplicate expert ids, weights split across bindings, and clear errors for bad ids.
#include "vulkan_support.h"

#define VK_NO_PROTOTYPES
#include "backend/backend.h"
#include "test_support.h"
#include "backend/vulkan/context.h"
#include "graph/graph.h"
#include "tensor/quants.h"
#include "tern/error.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <random>

using namespace tern;
using namespace tern::test;

class TestVulkanOps : public QObject {
    Q_OBJECT
private slots:
    void mulMat_data();
    void mulMat();
    void getRows_data();
    void getRows();
    void mulMatId_data();
    void mulMatId();
    void splitWeights();
    void floatOps_data();
    void floatOps();
    void routing();
    void attention_data();
    void attention();
    void badIds();
    void chooseDevice();
};

namespace {

// Rows of random weights in type t (TQ2_0_S32: TQ2_0 codes with a non-fp16 float scale).
std::vector<uint8_t> weights(Type t, int64_t K, int64_t rows, uint32_t seed) {
    const std::vector<float> f = randoms(static_cast<size_t>(K * rows), seed);
    std::vector<uint8_t> out(row_bytes(t, K) * static_cast<size_t>(rows));
    if (t == Type::TQ2_0_S32) {
        for (int64_t r = 0; r < rows; ++r) {
            std::vector<uint8_t> tq(row_bytes(Type::TQ2_0, K));
            ref::quantize_row(Type::TQ2_0, f.data() + r * K, tq.data(), K);
            for (int64_t b = 0; b < K / 256; ++b) {
                auto* dst = reinterpret_cast<ref::BlockTQ2_0_S32*>(out.data() + r * row_bytes(t, K)) + b;
                std::memcpy(dst->qs, tq.data() + b * 66, 64);
                dst->d = 0.0123456789f * static_cast<float>(r % 7 + 1);
            }
        }
        return out;
    }
    for (int64_t r = 0; r < rows; ++r)
        ref::quantize_row(t, f.data() + r * K, out.data() + static_cast<size_t>(r) * row_bytes(t, K), K);
    return out;
}

std::unique_ptr<Backend> cpu() {
    CpuBackendOptions o;
    o.n_threads = 1;
    return make_cpu_backend(o);
}

std::unique_ptr<Backend> gpu(uint64_t max_binding = 0, uint32_t row_threads = 0) {
    VulkanBackendOptions o;
    o.allow_cpu_device = true;
    o.max_binding_bytes = max_binding;
    o.row_threads = row_threads;
    return make_vulkan_backend(o);
}

template <typename T>
std::vector<T> result(Backend& b, Graph& g) {
    b.compute(g);
    const auto* p = static_cast<const T*>(g.output->out);
    return std::vector<T>(p, p + g.output->n_elements());
}

// max |a − b| ≤ rel · max |a| + abs_tol
bool close(const std::vector<float>& a, const std::vector<float>& b, float rel, QString* why, float abs_tol = 1e-6f) {
    if (a.size() != b.size()) return *why = "sizes differ", false;
    float amax = 0.0f, d = 0.0f;
    size_t at = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        amax = std::max(amax, std::fabs(a[i]));
        if (!(std::fabs(a[i] - b[i]) <= d)) d = std::fabs(a[i] - b[i]), at = i;
    }
    *why = QString("max abs diff %1 at %2 (cpu %3, vulkan %4), max |cpu| %5").arg(d).arg(at).arg(a[at]).arg(b[at]).arg(amax);
    return d <= rel * amax + abs_tol;
}

const Type kTypes[] = {Type::F32, Type::F16, Type::Q4_0, Type::Q8_0, Type::TQ1_0, Type::TQ2_0, Type::TQ2_0_S32};

int64_t row_len(Type t) {  // odd sizes: odd element counts for float types, odd block counts else
    switch (t) {
    case Type::F32: return 67;
    case Type::F16: return 66;
    case Type::Q4_0: case Type::Q8_0: return 32 * 7;
    default: return 256 * 3;
    }
}

}  // namespace

void TestVulkanOps::mulMat_data() {
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("tokens");
    QTest::addColumn<int>("aq");
    for (Type t : kTypes)
        for (int T : {1, 17})
            for (int aq : {0, 1}) {
                const bool ternary = type_traits(t).vec_dot_type == Type::Q8_K;
                if (aq == 1 && !ternary) continue;
                QTest::newRow(qPrintable(QString("%1/T%2%3").arg(QString::fromStdString(std::string(type_name(t)))).arg(T)
                                             .arg(aq ? "/per-row" : "")))
                    << int(t) << T << aq;
            }
}

void TestVulkanOps::mulMat() {
    TERN_REQUIRE_VULKAN();
    QFETCH(int, type);
    QFETCH(int, tokens);
    QFETCH(int, aq);
    const Type t = Type(type);
    const int64_t K = row_len(t), N = 37;
    const std::vector<uint8_t> w = weights(t, K, N, 1);
    const std::vector<float> x = randoms(static_cast<size_t>(K * tokens), 2);
    Graph g;
    Tensor* wl = g.leaf(t, {K, N}, w.data(), "w");
    Tensor* xl = g.leaf(Type::F32, {K, tokens}, x.data(), "x");
    Tensor* y = g.node(Op::MUL_MAT, Type::F32, {N, tokens}, wl, xl);
    y->i[1] = aq;
    g.output = y;
    auto c = cpu();
    const std::vector<float> a = result<float>(*c, g);
    // Every matmul shader split: one invocation per row (CPU devices) and 4 or 32 per row (GPUs).
    for (uint32_t r : {1u, 4u, 32u}) {
        auto v = gpu(0, r);
        QString why;
        QVERIFY2(close(a, result<float>(*v, g), 1e-5f, &why), qPrintable(QString("%1 per row: ").arg(r) + why));
    }
}

void TestVulkanOps::getRows_data() {
    QTest::addColumn<int>("type");
    for (Type t : kTypes) QTest::newRow(std::string(type_name(t)).c_str()) << int(t);
}

void TestVulkanOps::getRows() {
    TERN_REQUIRE_VULKAN();
    QFETCH(int, type);
    const Type t = Type(type);
    const int64_t K = row_len(t), N = 19;
    const std::vector<uint8_t> w = weights(t, K, N, 3);
    const int32_t ids[] = {18, 0, 5, 5, 18, 7};
    Graph g;
    Tensor* table = g.leaf(t, {K, N}, w.data(), "table");
    Tensor* il = g.leaf(Type::I32, {6}, ids, "ids");
    g.output = g.node(Op::GET_ROWS, Type::F32, {K, 6}, table, il);
    auto c = cpu();
    auto v = gpu();
    QCOMPARE(result<float>(*v, g), result<float>(*c, g));  // dequantization is exact
}

void TestVulkanOps::mulMatId_data() {
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("tokens");
    QTest::addColumn<bool>("shared_input");
    for (Type t : {Type::F32, Type::Q4_0, Type::Q8_0, Type::TQ1_0, Type::TQ2_0, Type::TQ2_0_S32})
        for (int T : {1, 17})
            for (bool sh : {true, false})
                QTest::newRow(qPrintable(QString("%1/T%2/%3").arg(QString::fromStdString(std::string(type_name(t))))
                                             .arg(T).arg(sh ? "shared" : "per-slot")))
                    << int(t) << T << sh;
}

void TestVulkanOps::mulMatId() {
    TERN_REQUIRE_VULKAN();
    QFETCH(int, type);
    QFETCH(int, tokens);
    QFETCH(bool, shared_input);
    const Type t = Type(type);
    const int64_t K = row_len(t), N = 21, E = 5, S = 3;
    const std::vector<uint8_t> w = weights(t, K, N * E, 4);
    const int64_t xs = shared_input ? 1 : S;
    const std::vector<float> x = randoms(static_cast<size_t>(K * xs * tokens), 5);
    // Non-zero and last experts, and duplicate ids within a row (exact: independent columns).
    std::vector<int32_t> ids;
    for (int tok = 0; tok < tokens; ++tok) {
        const int32_t rows[4][3] = {{4, 1, 2}, {3, 3, 4}, {0, 4, 4}, {2, 1, 1}};
        ids.insert(ids.end(), rows[tok % 4], rows[tok % 4] + 3);
    }
    Graph g;
    Tensor* wl = g.leaf(t, {K, N, E}, w.data(), "experts");
    Tensor* xl = g.leaf(Type::F32, {K, xs, tokens}, x.data(), "x");
    Tensor* il = g.leaf(Type::I32, {S, tokens}, ids.data(), "ids");
    g.output = g.node(Op::MUL_MAT_ID, Type::F32, {N, S, tokens}, wl, xl, il);
    auto c = cpu();
    const std::vector<float> a = result<float>(*c, g);
    for (uint32_t r : {4u, 32u}) {
        auto v = gpu(0, r);
        QString why;
        QVERIFY2(close(a, result<float>(*v, g), 1e-5f, &why), qPrintable(QString("%1 per row: ").arg(r) + why));
    }
    auto v = gpu();
    const std::vector<float> b = result<float>(*v, g);
    QString why;
    QVERIFY2(close(a, b, 1e-5f, &why), qPrintable(why));
    // Duplicate ids on a shared input give bit-identical columns (token 1: experts 3, 3, 4).
    if (shared_input && tokens > 1) {
        auto col = [&](int64_t i) { return std::vector<float>(b.begin() + i * N, b.begin() + (i + 1) * N); };
        QCOMPARE(col(1 * S + 0), col(1 * S + 1));
    }
}

void TestVulkanOps::splitWeights() {
    // A binding limit of 12 KiB splits the 36 KiB weight into four parts (as maxStorageBufferRange
    // splits a large LM head or expert tensor on a real device).
    TERN_REQUIRE_VULKAN();
    const int64_t K = 1024, N = 45, E = 3, T = 2;  // x (an F32 leaf) must fit one binding
    const std::vector<uint8_t> w = weights(Type::TQ2_0, K, N * E, 6);
    const std::vector<float> x = randoms(static_cast<size_t>(K * T), 7);
    std::vector<int32_t> ids;
    for (int tok = 0; tok < T; ++tok) ids.insert(ids.end(), {tok % 3, 2});
    const int32_t rows[] = {134, 44};  // in the last and in the second part
    auto c = cpu();
    auto v = gpu(12 * 1024);
    {
        Graph g;
        Tensor* wl = g.leaf(Type::TQ2_0, {K, N * E}, w.data(), "w");
        g.output = g.node(Op::MUL_MAT, Type::F32, {N * E, T}, wl, g.leaf(Type::F32, {K, T}, x.data(), "x"));
        QString why;
        QVERIFY2(close(result<float>(*c, g), result<float>(*v, g), 1e-5f, &why), qPrintable(why));
    }
    {
        Graph g;
        Tensor* wl = g.leaf(Type::TQ2_0, {K, N, E}, w.data(), "w");
        Tensor* xl = g.leaf(Type::F32, {K, 1, T}, x.data(), "x");
        g.output = g.node(Op::MUL_MAT_ID, Type::F32, {N, 2, T}, wl, xl, g.leaf(Type::I32, {2, T}, ids.data(), "ids"));
        QString why;
        QVERIFY2(close(result<float>(*c, g), result<float>(*v, g), 1e-5f, &why), qPrintable(why));
    }
    {
        Graph g;
        Tensor* wl = g.leaf(Type::TQ2_0, {K, N * E}, w.data(), "w");
        g.output = g.node(Op::GET_ROWS, Type::F32, {K, 2}, wl, g.leaf(Type::I32, {2}, rows, "rows"));
        QCOMPARE(result<float>(*v, g), result<float>(*c, g));
    }
}

void TestVulkanOps::floatOps_data() {
    QTest::addColumn<int>("op");
    QTest::addColumn<int>("tokens");
    for (Op op : {Op::RMS_NORM, Op::ROPE, Op::SOFTMAX, Op::SILU_MUL, Op::RELU2_MUL, Op::ADD})
        for (int T : {1, 17}) QTest::newRow(qPrintable(QString("%1/T%2").arg(op_name(op)).arg(T))) << int(op) << T;
}

void TestVulkanOps::floatOps() {
    TERN_REQUIRE_VULKAN();
    QFETCH(int, op);
    QFETCH(int, tokens);
    const int64_t hd = 40, nh = 3, D = hd * nh;
    const std::vector<float> a = randoms(static_cast<size_t>(D * tokens), 8, 2.0f);
    const std::vector<float> b = randoms(static_cast<size_t>(D * tokens), 9);
    const std::vector<float> nw = randoms(static_cast<size_t>(D), 10);
    std::vector<int32_t> pos(static_cast<size_t>(tokens));
    for (int i = 0; i < tokens; ++i) pos[size_t(i)] = 3 + 5 * i;
    for (int mode : {0, 2}) {
        if (Op(op) != Op::ROPE && mode == 2) break;
        Graph g;
        Tensor* al = g.leaf(Type::F32, {hd, nh, tokens}, a.data(), "a");
        Tensor* bl = g.leaf(Type::F32, {hd, nh, tokens}, b.data(), "b");
        Tensor* y = nullptr;
        switch (Op(op)) {
        case Op::RMS_NORM:
            y = g.node(Op::RMS_NORM, Type::F32, {D, tokens}, al, g.leaf(Type::F32, {D}, nw.data(), "norm"));
            y->f[0] = 1e-5f;
            break;
        case Op::ROPE:
            y = g.node(Op::ROPE, Type::F32, {hd, nh, tokens}, al, g.leaf(Type::I32, {tokens}, pos.data(), "pos"));
            y->i[0] = mode;
            y->i[1] = 32;  // n_rot < head size: the tail passes through
            y->f[0] = 10000.0f;
            break;
        case Op::SOFTMAX:
            y = g.node(Op::SOFTMAX, Type::F32, {D, tokens}, al);
            break;
        default:
            y = g.node(Op(op), Type::F32, {hd, nh, tokens}, al, bl);
        }
        g.output = y;
        auto c = cpu();
        auto v = gpu();
        QString why;
        QVERIFY2(close(result<float>(*c, g), result<float>(*v, g), 1e-5f, &why), qPrintable(QString("mode %1: ").arg(mode) + why));
    }
}

void TestVulkanOps::routing() {
    // SOFTMAX → TOP_K → MOE_WEIGHTS → MOE_SUM on the device, as layers::moe_ffn builds them.
    TERN_REQUIRE_VULKAN();
    const int64_t E = 9, k = 3, N = 23, T = 17;
    std::vector<float> logits = randoms(static_cast<size_t>(E * T), 11, 3.0f);
    logits[4] = logits[5];  // a tie: the lower index wins
    const std::vector<float> x = randoms(static_cast<size_t>(N * k * T), 12);
    for (int norm : {0, 1}) {
        Graph g;
        Tensor* probs = g.node(Op::SOFTMAX, Type::F32, {E, T}, g.leaf(Type::F32, {E, T}, logits.data(), "logits"));
        Tensor* ids = g.node(Op::TOP_K, Type::I32, {k, T}, probs);
        ids->i[0] = int32_t(k);
        g.routing.push_back(ids);
        Tensor* wts = g.node(Op::MOE_WEIGHTS, Type::F32, {k, T}, probs, ids);
        wts->i[0] = norm;
        g.output = g.node(Op::MOE_SUM, Type::F32, {N, T}, g.leaf(Type::F32, {N, k, T}, x.data(), "x"), wts);
        auto c = cpu();
        auto v = gpu();
        const std::vector<float> a = result<float>(*c, g);
        const std::vector<int32_t> ia(static_cast<const int32_t*>(ids->out), static_cast<const int32_t*>(ids->out) + k * T);
        const std::vector<float> b = result<float>(*v, g);
        const std::vector<int32_t> ib(static_cast<const int32_t*>(ids->out), static_cast<const int32_t*>(ids->out) + k * T);
        QCOMPARE(ib, ia);
        QString why;
        QVERIFY2(close(a, b, 1e-5f, &why), qPrintable(why));
    }
}

void TestVulkanOps::attention_data() {
    QTest::addColumn<int>("type");
    QTest::newRow("f32-cache") << int(Type::F32);
    QTest::newRow("f16-cache") << int(Type::F16);
}

void TestVulkanOps::attention() {
    // Prefill 17 tokens, then decode 1 at position 17, GQA 6 query heads over 2 KV heads; the KV
    // cache stays on the device between the two computes. F16 cache: both backends round K and
    // V to the same F16 values, so only the float summation order differs.
    TERN_REQUIRE_VULKAN();
    QFETCH(int, type);
    const int64_t hd = 72, nh = 6, nkv = 2;
    auto c = cpu();
    auto v = gpu();
    for (Backend* b : {c.get(), v.get()}) b->init_kv_cache({2, 80, int32_t(nkv * hd), static_cast<Type>(type)});
    QCOMPARE(v->kv_cache_bytes(), c->kv_cache_bytes());
    int32_t pos0 = 0;
    for (int64_t T : {17, 1, 70}) {
        const std::vector<float> q = randoms(static_cast<size_t>(hd * nh * T), 13 + uint32_t(T));
        const std::vector<float> k = randoms(static_cast<size_t>(hd * nkv * T), 14 + uint32_t(T));
        const std::vector<float> vv = randoms(static_cast<size_t>(hd * nkv * T), 15 + uint32_t(T));
        Graph g;
        Tensor* a = g.node(Op::ATTENTION, Type::F32, {hd * nh, T}, g.leaf(Type::F32, {hd, nh, T}, q.data(), "q"),
                           g.leaf(Type::F32, {hd, nkv, T}, k.data(), "k"), g.leaf(Type::F32, {hd, nkv, T}, vv.data(), "v"));
        a->i[0] = 1;
        a->i[1] = pos0;
        a->f[0] = 1.0f / std::sqrt(float(hd));
        g.output = a;
        if (pos0 + T > 80) {
            QVERIFY_THROWS_EXCEPTION(Error, v->compute(g));
            break;
        }
        QString why;
        QVERIFY2(close(result<float>(*c, g), result<float>(*v, g), 1e-5f, &why), qPrintable(QString("T %1: ").arg(T) + why));
        pos0 += int32_t(T);
    }
}

void TestVulkanOps::badIds() {
    TERN_REQUIRE_VULKAN();
    const std::vector<uint8_t> w = weights(Type::TQ2_0, 256, 8 * 2, 16);
    const std::vector<float> x = randoms(256, 17);
    const int32_t bad_expert[] = {0, 2};
    const int32_t bad_token[] = {16};
    auto v = gpu();
    {
        Graph g;
        g.output = g.node(Op::MUL_MAT_ID, Type::F32, {8, 2, 1}, g.leaf(Type::TQ2_0, {256, 8, 2}, w.data(), "experts"),
                          g.leaf(Type::F32, {256, 1, 1}, x.data(), "x"), g.leaf(Type::I32, {2, 1}, bad_expert, "ids"));
        QVERIFY_THROWS_EXCEPTION(Error, v->compute(g));
    }
    {
        Graph g;
        g.output = g.node(Op::GET_ROWS, Type::F32, {256, 1}, g.leaf(Type::TQ2_0, {256, 16}, w.data(), "table"),
                          g.leaf(Type::I32, {1}, bad_token, "ids"));
        QVERIFY_THROWS_EXCEPTION(Error, v->compute(g));
    }
    QVERIFY(!v->supports(Op::MUL_MAT, Type::BF16));
    // A model larger than the device's memory is refused up front (Session's AUTO then runs on the CPU).
    VulkanBackendOptions o;
    o.allow_cpu_device = true;
    o.reserve_bytes = uint64_t(1) << 50;
    try {
        make_vulkan_backend(o);
        QFAIL("a 1 PiB reserve was accepted");
    } catch (const Error& e) {
        QVERIFY2(QString(e.what()).startsWith("Vulkan unavailable: the model needs"), e.what());
    }
    QVERIFY(v->supports(Op::MUL_MAT, Type::TQ2_0_S32));
}

void TestVulkanOps::chooseDevice() {
    // Discrete before integrated before virtual GPUs; CPU-type devices (lavapipe) only when
    // allowed or chosen by index; a missing index is a clear error. Needs no device.
    auto dev = [](int i, DeviceType t) {
        DeviceInfo d;
        d.index = i;
        d.type = t;
        return d;
    };
    std::string why;
    const std::vector<DeviceInfo> all{dev(0, DeviceType::CPU), dev(1, DeviceType::INTEGRATED_GPU),
                                      dev(2, DeviceType::DISCRETE_GPU)};
    QCOMPARE(vk::choose_device(all, -1, false, why), 2);
    QCOMPARE(vk::choose_device({all[0], all[1]}, -1, false, why), 1);
    QCOMPARE(vk::choose_device({all[0]}, -1, false, why), -1);
    QVERIFY(why.find("no Vulkan GPU") != std::string::npos);
    QCOMPARE(vk::choose_device({all[0]}, -1, true, why), 0);
    QCOMPARE(vk::choose_device(all, 0, false, why), 0);
    QCOMPARE(vk::choose_device(all, 3, false, why), -1);
    QVERIFY(why.find("there is no Vulkan device 3") != std::string::npos);
    QCOMPARE(vk::choose_device({}, -1, true, why), -1);
}

QTEST_GUILESS_MAIN(TestVulkanOps)
#include "test_vulkan_ops.moc"
