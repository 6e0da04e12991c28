// Every model of ../shared/fixtures/models through the Vulkan backend (lavapipe in CI): logits
// against the CPU backend (and llama.cpp's reference where the fixture has one) within the
// fixture tolerance, greedy tokens identical to the CPU backend's, MoE routing identical.
#include "model_check.h"
#include "test_support.h"
#include "vulkan_support.h"

#include "tern/error.h"
#include "tern/model.h"
#include "tern/tokenizer.h"
#include "tern/session.h"

#include <QDir>
#include <QtTest>

using namespace tern;
using namespace tern::test;

class TestVulkanModels : public QObject {
    Q_OBJECT
private slots:
    void models_data();
    void models();
    void decodeMatchesPrefill();
    void f16CacheMatchesCpu_data();
    void f16CacheMatchesCpu();
    void missingDriverFallsBack();
};

namespace {

SessionOptions opts(BackendKind kind) {
    SessionOptions o;
    o.n_ctx = 64;
    o.n_threads = 2;
    o.backend = kind;
    o.record_routing = true;
    return o;
}

constexpr int kGreedy = 4;

}  // namespace

void TestVulkanModels::models_data() {
    QTest::addColumn<QString>("file");
    const QString shared = sharedDir();
    if (shared.isEmpty()) {
        QTest::newRow("no-shared") << QString();
        return;
    }
    for (const QString& f : QDir(shared + "/fixtures/models").entryList({"*.gguf"}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(f.chopped(5))) << f;
    const QString bitnet = shared + "/fixtures/bitnet-b158";
    for (const QString& f : QDir(bitnet).entryList({"*.gguf"}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable("bitnet-b158/" + f.chopped(5))) << "../bitnet-b158/" + f;
}

void TestVulkanModels::models() {
    TERN_REQUIRE_SHARED(shared);
    TERN_REQUIRE_VULKAN();
    QFETCH(QString, file);
    auto m = Model::load(fixture(shared, "models/" + file));
    Session cpu(*m, opts(BackendKind::CPU));
    Session gpu(*m, opts(BackendKind::VULKAN));
    QCOMPARE(gpu.backend_kind(), BackendKind::VULKAN);
    QVERIFY(gpu.backend_description().rfind("Vulkan (", 0) == 0);

    const QString name = file.section('/', -1).chopped(5);
    const QJsonObject js = readJson(shared + "/fixtures/ref/" + name + ".json");
    std::vector<int32_t> prompt = ids(js["prompt_ids"]);
    if (prompt.empty()) prompt = m->tokenizer().encode("Once upon a time", true);
    if (prompt.size() > 24) prompt.resize(24);
    const std::vector<float> a = cpu.eval(prompt, true);
    const std::vector<float> b = gpu.eval(prompt, true);
    QCOMPARE(b.size(), a.size());
    // The same int8 activations and integer block sums as the CPU backend: only float summation
    // order differs (fixture tolerance 0.02 vs llama.cpp; measured here far below).
    const float d = max_abs_diff(a, b);
    qInfo("%s: max |vulkan - cpu| = %g", qPrintable(name), double(d));
    QVERIFY2(d <= 0.02f, qPrintable(QString("max abs vulkan vs cpu %1").arg(d)));
    if (const std::vector<float> ref = readF32(shared + "/fixtures/ref/" + name + ".logits.f32"); ref.size() == b.size()) {
        const float dr = max_abs_diff(b, ref);
        QVERIFY2(dr <= 0.02f, qPrintable(QString("max abs vulkan vs llama.cpp %1").arg(dr)));
    }
    QCOMPARE(gpu.routing(), cpu.routing());

    const int32_t nv = m->hparams().n_vocab;
    const std::vector<float> la(a.end() - nv, a.end()), lb(b.end() - nv, b.end());
    const std::vector<int32_t> ga = greedy(cpu, la, kGreedy), gb = greedy(gpu, lb, kGreedy);
    QCOMPARE(gb, ga);
}

void TestVulkanModels::decodeMatchesPrefill() {
    // Token-by-token decode (KV cache on the device, one submission per token) against one
    // prefill of the same tokens.
    TERN_REQUIRE_SHARED(shared);
    TERN_REQUIRE_VULKAN();
    auto m = Model::load(fixture(shared, "models/tern-tiny-moe-tq2_0.gguf"));
    Session pre(*m, opts(BackendKind::VULKAN)), dec(*m, opts(BackendKind::VULKAN));
    const std::vector<int32_t> prompt = m->tokenizer().encode("The quick brown fox jumps over the lazy dog", true);
    const std::vector<float> all = pre.eval(prompt, true);
    const int32_t nv = m->hparams().n_vocab;
    for (size_t i = 0; i < prompt.size(); ++i) {
        const std::vector<float> l = dec.eval(std::span<const int32_t>(prompt).subspan(i, 1));
        const std::vector<float> want(all.begin() + long(i) * nv, all.begin() + long(i + 1) * nv);
        QVERIFY2(max_abs_diff(l, want) <= 1e-3f, qPrintable(QString("position %1").arg(i)));
    }
}

void TestVulkanModels::f16CacheMatchesCpu_data() {
    QTest::addColumn<QString>("file");
    QTest::newRow("stories260K") << "stories260K.gguf";
    QTest::newRow("tern-tiny-moe-tq2_0") << "tern-tiny-moe-tq2_0.gguf";
}

void TestVulkanModels::f16CacheMatchesCpu() {
    // The F16 KV cache on the device (F16 pairs in 32-bit words, rounded as the CPU rounds):
    // prompt logits and greedy tokens as the CPU backend's F16 cache gives them, half the bytes.
    TERN_REQUIRE_SHARED(shared);
    TERN_REQUIRE_VULKAN();
    QFETCH(QString, file);
    auto m = Model::load(fixture(shared, "models/" + file));
    SessionOptions o16 = opts(BackendKind::CPU);
    o16.kv_cache_type = Type::F16;
    Session cpu(*m, o16);
    o16.backend = BackendKind::VULKAN;
    Session gpu(*m, o16);
    Session gpu32(*m, opts(BackendKind::VULKAN));
    QCOMPARE(gpu.backend_kind(), BackendKind::VULKAN);
    QCOMPARE(gpu.kv_cache_type(), Type::F16);
    QCOMPARE(gpu32.kv_cache_type(), Type::F32);
    QCOMPARE(gpu.kv_cache_bytes() * 2, gpu32.kv_cache_bytes());
    QCOMPARE(gpu.kv_cache_bytes(), cpu.kv_cache_bytes());
    const std::vector<int32_t> prompt = m->tokenizer().encode("Once upon a time, there was a little dog named", true);
    const std::vector<float> a = cpu.eval(prompt, true);
    const std::vector<float> b = gpu.eval(prompt, true);
    QCOMPARE(b.size(), a.size());
    const float d = max_abs_diff(a, b);
    qInfo("%s, F16 cache: max |vulkan - cpu| = %g", qPrintable(file), double(d));
    QVERIFY2(d <= 0.02f, qPrintable(QString("max abs vulkan vs cpu %1").arg(d)));
    const int32_t nv = m->hparams().n_vocab;
    const std::vector<float> la(a.end() - nv, a.end()), lb(b.end() - nv, b.end());
    QCOMPARE(greedy(gpu, lb, 16), greedy(cpu, la, 16));
}

void TestVulkanModels::missingDriverFallsBack() {
    // Runs in a child process (this executable again), whose loader sees only a missing driver.
    TERN_REQUIRE_SHARED(shared);
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("VK_DRIVER_FILES", "/nonexistent/tern_icd.json");
    env.insert("VK_ICD_FILENAMES", "/nonexistent/tern_icd.json");
    env.insert("TERN_VK_FALLBACK_CHILD", "1");
    p.setProcessEnvironment(env);
    p.start(QCoreApplication::applicationFilePath(), QStringList{});
    QVERIFY(p.waitForFinished(120000));
    const QString out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
    QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, qPrintable(out));
    QVERIFY2(out.contains("PASS   : TestVulkanModels::missingDriverChild"), qPrintable(out));
}

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsSet("TERN_VK_FALLBACK_CHILD")) {
        // The child: no driver, so AUTO runs (and generates) on the CPU, VULKAN throws clearly.
        const QString shared = sharedDir();
        auto m = Model::load(fixture(shared, "models/tern-tiny-moe-tq2_0.gguf"));
        const DeviceList list = list_vulkan_devices();
        if (!list.devices.empty() || list.error.empty()) {
            std::fprintf(stderr, "FAIL: devices listed without a driver\n");
            return 1;
        }
        Session s(*m, opts(BackendKind::AUTO));
        if (s.backend_kind() != BackendKind::CPU || s.backend_fallback_reason().rfind("Vulkan unavailable: ", 0) != 0) {
            std::fprintf(stderr, "FAIL: AUTO did not fall back: '%s'\n", s.backend_fallback_reason().c_str());
            return 1;
        }
        GenerateParams gp;
        gp.max_tokens = 3;
        gp.sampling.temperature = 0;
        int n = 0;
        s.generate("Once upon a time", gp, [&](int32_t, std::string_view) { ++n; });
        if (n == 0) {
            std::fprintf(stderr, "FAIL: nothing generated\n");
            return 1;
        }
        try {
            Session v(*m, opts(BackendKind::VULKAN));
            std::fprintf(stderr, "FAIL: VULKAN did not throw\n");
            return 1;
        } catch (const Error& e) {
            if (std::string(e.what()).rfind("Vulkan unavailable: ", 0) != 0) {
                std::fprintf(stderr, "FAIL: unclear error '%s'\n", e.what());
                return 1;
            }
        }
        std::printf("PASS   : TestVulkanModels::missingDriverChild (%s)\n", s.backend_fallback_reason().c_str());
        return 0;
    }
    TestVulkanModels t;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&t, argc, argv);
}

#include "test_vulkan_models.moc"
