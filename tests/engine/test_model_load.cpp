// Model-level validation: a GGUF that parses but is not a model we can run gives an error naming
// the problem (unknown architecture, missing key or tensor, wrong shape or type), never a crash.
#include "backend/cpu/kernels.h"
#include "model/weights.h"
#include "tern/error.h"
#include "tern/gguf.h"
#include "tern/model.h"
#include "tern/session.h"

#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <functional>
#include <set>

using namespace tern;
using namespace tern::test;

class TestModelLoad : public QObject {
    Q_OBJECT
private slots:
    void validModelLoadsAndRuns();
    void rejects_data();
    void rejects();
    void weightBytesPerTokenCountsActiveExperts();
};

namespace {

// A tiny llama with F32 weights: n_embd 8, 2 heads (kv 1), n_ff 16, 1 layer, 4 tokens.
struct Spec {
    std::string arch = "llama";
    std::set<std::string> drop_keys, drop_tensors;
    std::string reshape_tensor;      // gets one row too many
    std::string f16_tensor;          // stored as F16 instead of F32
    uint32_t head_count_kv = 1;
};

std::vector<uint8_t> f32_bytes(size_t n, float v) {
    std::vector<float> f(n, v);
    std::vector<uint8_t> b(n * 4);
    std::memcpy(b.data(), f.data(), b.size());
    return b;
}

std::string build(const QTemporaryDir& dir, const Spec& s) {
    GgufWriter w;
    const std::string a = s.arch + ".";
    auto u32 = [&](const std::string& k, uint32_t v) { if (!s.drop_keys.count(k)) w.add_u32(k, v); };
    w.add_string("general.architecture", s.arch);
    u32(a + "embedding_length", 8);
    u32(a + "block_count", 1);
    u32(a + "attention.head_count", 2);
    u32(a + "attention.head_count_kv", s.head_count_kv);
    u32(a + "feed_forward_length", 16);
    u32(a + "context_length", 32);
    w.add_f32(a + "attention.layer_norm_rms_epsilon", 1e-5f);
    w.add_string("tokenizer.ggml.model", "llama");
    w.add_string_array("tokenizer.ggml.tokens", {"<unk>", "<s>", "</s>", "\u2581a"});
    w.add_f32_array("tokenizer.ggml.scores", {0, 0, 0, -1});
    w.add_i32_array("tokenizer.ggml.token_type", {2, 3, 3, 1});
    w.add_u32("tokenizer.ggml.bos_token_id", 1);
    w.add_u32("tokenizer.ggml.eos_token_id", 2);
    auto tensor = [&](const std::string& name, std::vector<int64_t> ne) {
        if (s.drop_tensors.count(name)) return;
        if (name == s.reshape_tensor) ne.back() += 1;
        size_t n = 1;
        for (int64_t d : ne) n *= size_t(d);
        if (name == s.f16_tensor) {
            w.add_tensor(name, Type::F16, ne, std::vector<uint8_t>(n * 2, 0));
            return;
        }
        w.add_tensor(name, Type::F32, ne, f32_bytes(n, name.find("norm") != std::string::npos ? 1.0f : 0.01f));
    };
    tensor("token_embd.weight", {8, 4});
    tensor("output_norm.weight", {8});
    tensor("blk.0.attn_norm.weight", {8});
    tensor("blk.0.attn_q.weight", {8, 8});
    tensor("blk.0.attn_k.weight", {8, 4});
    tensor("blk.0.attn_v.weight", {8, 4});
    tensor("blk.0.attn_output.weight", {8, 8});
    tensor("blk.0.ffn_norm.weight", {8});
    tensor("blk.0.ffn_gate.weight", {8, 16});
    tensor("blk.0.ffn_up.weight", {8, 16});
    tensor("blk.0.ffn_down.weight", {16, 8});
    const std::string path = dir.filePath("m.gguf").toStdString();
    w.write(path);
    return path;
}

}  // namespace

void TestModelLoad::validModelLoadsAndRuns() {
    QTemporaryDir dir;
    auto m = Model::load(build(dir, {}));
    QCOMPARE(m->hparams().n_embd, 8);
    QCOMPARE(m->hparams().head_dim, 4);
    QCOMPARE(m->hparams().n_vocab, 4);
    QVERIFY(m->weights().output == m->weights().token_embd);  // no output.weight: tied
    SessionOptions o;
    o.n_threads = 1;
    Session s(*m, o);
    QCOMPARE(s.n_ctx(), 32);
    const std::vector<int32_t> ids = {1, 3};
    const std::vector<float> logits = s.eval(ids);
    QCOMPARE(logits.size(), size_t{4});
    for (float v : logits) QVERIFY(std::isfinite(v));
    QCOMPARE(s.backend_kind(), BackendKind::CPU);
    QCOMPARE(s.backend_description(), "CPU (" + std::string(cpu_kernels("").name) + ", 1 thread)");
    // Bytes one decoded token reads: one embedding row (32) + the tied table as LM head (128) +
    // output norm (32) + the layer: norms 2·32, q/o 2·256, k/v 2·128, gate/up/down 3·512.
    QCOMPARE(m->weight_bytes_per_token(), uint64_t{32 + 128 + 32 + 64 + 512 + 256 + 1536});
    QCOMPARE(m->weight_bytes(), uint64_t{128 + 32 + 64 + 512 + 256 + 1536});
}

void TestModelLoad::weightBytesPerTokenCountsActiveExperts() {
    TERN_REQUIRE_SHARED(shared);
    auto m = Model::load(fixture(shared, "models/tiny-llama-moe.TQ2_0.gguf"), {.load_tokenizer = false});
    const HParams& hp = m->hparams();
    QVERIFY(hp.n_expert > hp.n_expert_used && hp.n_expert_used > 0);
    // Independently from the file's tensor table: expert tensors count n_expert_used / n_expert.
    uint64_t expected = 0;
    for (const GgufTensorInfo& t : m->gguf().tensors()) {
        if (t.name.find("_exps") != std::string::npos)
            expected += t.n_bytes / uint64_t(hp.n_expert) * uint64_t(hp.n_expert_used);
        else if (t.name == "token_embd.weight")
            expected += t.n_bytes / uint64_t(t.ne[1]) + (m->gguf().find_tensor("output.weight") ? 0 : t.n_bytes);
        else
            expected += t.n_bytes;
    }
    QCOMPARE(m->weight_bytes_per_token(), expected);
    QVERIFY(m->weight_bytes_per_token() < m->weight_bytes());
}

void TestModelLoad::rejects_data() {
    QTest::addColumn<std::function<void(Spec&)>>("mutate");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown architecture") << std::function<void(Spec&)>([](Spec& s) { s.arch = "gpt-j"; })
                                          << "unknown architecture 'gpt-j'";
    QTest::newRow("missing key") << std::function<void(Spec&)>([](Spec& s) { s.drop_keys = {"llama.block_count"}; })
                                 << "required key 'llama.block_count' is missing";
    QTest::newRow("missing tensor")
        << std::function<void(Spec&)>([](Spec& s) { s.drop_tensors = {"blk.0.attn_q.weight"}; })
        << "required tensor 'blk.0.attn_q.weight' is missing";
    QTest::newRow("missing embeddings")
        << std::function<void(Spec&)>([](Spec& s) { s.drop_tensors = {"token_embd.weight"}; })
        << "'token_embd.weight' is missing";
    QTest::newRow("wrong shape")
        << std::function<void(Spec&)>([](Spec& s) { s.reshape_tensor = "blk.0.ffn_down.weight"; })
        << "tensor 'blk.0.ffn_down.weight' has shape [16, 9], expected [16, 8]";
    QTest::newRow("norm not F32")
        << std::function<void(Spec&)>([](Spec& s) { s.f16_tensor = "blk.0.attn_norm.weight"; })
        << "'blk.0.attn_norm.weight' must be F32";
    QTest::newRow("heads not a multiple of kv heads")
        << std::function<void(Spec&)>([](Spec& s) { s.head_count_kv = 3; }) << "head_count_kv";
    QTest::newRow("optional key absent loads")
        << std::function<void(Spec&)>([](Spec& s) { s.drop_keys = {"llama.context_length"}; })
        << "";  // context_length is optional: this one must load
}

void TestModelLoad::rejects() {
    QFETCH(std::function<void(Spec&)>, mutate);
    QFETCH(QString, message);
    QTemporaryDir dir;
    Spec s;
    mutate(s);
    const std::string path = build(dir, s);
    if (message.isEmpty()) {
        QVERIFY(Model::load(path) != nullptr);
        return;
    }
    try {
        Model::load(path);
        QFAIL("loaded a model that should have been refused");
    } catch (const Error& e) {
        const QString what = e.what();
        QVERIFY2(what.contains(message), qPrintable(what));
        QVERIFY2(what.contains(QString::fromStdString(path)), qPrintable(what));
    }
}

QTEST_APPLESS_MAIN(TestModelLoad)
#include "test_model_load.moc"
