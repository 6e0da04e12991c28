// TQ1_0 → TQ2_0 repacking at load time (LoadOptions::repack_tq1_0, tern-cli --repack): the converted blocks hold
// the same values and scales, dot products are bit-identical, and a TQ1_0 model gives the same
// logits bit for bit repacked or read in place, with every kernel set this CPU runs (the TQ1_0
// kernels themselves stay covered this way and by test_kernels_simd).
#include "test_support.h"

#include "backend/cpu/kernels.h"
#include "tensor/quants.h"
#include "tern/error.h"
#include "tern/gguf.h"
#include "tern/model.h"
#include "tern/session.h"

#include <QDir>
#include <QtTest>

#include <cstring>
#include <random>

using namespace tern;
using namespace tern::test;

class TestRepack : public QObject {
    Q_OBJECT
private slots:
    void blocksKeepValuesAndDots();
    void models_data();
    void models();
};

void TestRepack::blocksKeepValuesAndDots() {
    std::mt19937 rng(11);
    const int64_t n = 256 * 24;
    std::vector<uint8_t> tq1(row_bytes(Type::TQ1_0, n)), tq2(row_bytes(Type::TQ2_0, n));
    for (uint8_t& b : tq1) b = static_cast<uint8_t>(rng());
    for (int64_t i = 0; i < n / 256; ++i) {  // finite scales, every byte value in the codes
        const uint16_t d = static_cast<uint16_t>(0x2000 + rng() % 0x2000);
        std::memcpy(tq1.data() + 54 * i + 52, &d, 2);
        if (i < 6)
            for (int k = 0; k < 52; ++k) tq1[size_t(54 * i + k)] = static_cast<uint8_t>(52 * i + k);
    }
    ref::convert_tq1_0_to_tq2_0(tq1.data(), tq2.data(), n);
    std::vector<float> a(static_cast<size_t>(n)), b(static_cast<size_t>(n));
    ref::dequantize_row(Type::TQ1_0, tq1.data(), a.data(), n);
    ref::dequantize_row(Type::TQ2_0, tq2.data(), b.data(), n);
    QCOMPARE(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    std::vector<float> x(static_cast<size_t>(n));
    std::vector<uint8_t> xq(row_bytes(Type::Q8_K, n));
    for (int round = 0; round < 5; ++round) {
        for (float& v : x) v = nd(rng) * static_cast<float>(round + 1);
        ref::quantize_row(Type::Q8_K, x.data(), xq.data(), n);
        const float d1 = ref::vec_dot(Type::TQ1_0, tq1.data(), xq.data(), n);
        const float d2 = ref::vec_dot(Type::TQ2_0, tq2.data(), xq.data(), n);
        QCOMPARE(std::memcmp(&d1, &d2, sizeof d1), 0);
    }
    QVERIFY_THROWS_EXCEPTION(Error, ref::convert_tq1_0_to_tq2_0(tq1.data(), tq2.data(), 100));
}

void TestRepack::models_data() {
    QTest::addColumn<QString>("file");
    const QString shared = sharedDir();
    if (shared.isEmpty()) {
        QTest::newRow("no-shared") << QString();
        return;
    }
    for (const QString& f : QDir(shared + "/fixtures/models").entryList({"*TQ1_0*.gguf", "*tq1_0*.gguf"}, QDir::Files))
        QTest::newRow(qPrintable(f)) << f;
}

void TestRepack::models() {
    TERN_REQUIRE_SHARED(shared);
    QFETCH(QString, file);
    auto repacked = Model::load(fixture(shared, "models/" + file), {.load_tokenizer = false, .repack_tq1_0 = true});
    auto in_place = Model::load(fixture(shared, "models/" + file), {.load_tokenizer = false});
    // Every TQ1_0 tensor converted: 66 bytes per 256 elements instead of 54.
    uint64_t tq1_elements = 0;
    for (const GgufTensorInfo& t : in_place->gguf().tensors())
        if (t.type == Type::TQ1_0) tq1_elements += static_cast<uint64_t>(t.n_elements());
    QVERIFY(tq1_elements > 0);
    QCOMPARE(repacked->converted_bytes(), tq1_elements / 256 * 66);
    QCOMPARE(in_place->converted_bytes(), uint64_t{0});
    QCOMPARE(repacked->main_type(), std::string("TQ1_0"));  // the file's type, as shown to people
    QCOMPARE(repacked->weight_bytes_per_token() > in_place->weight_bytes_per_token(), true);

    const int32_t nv = repacked->hparams().n_vocab;
    std::vector<int32_t> prompt;
    for (int i = 0; i < 16; ++i) prompt.push_back((i * 53 + 3) % nv);
    for (std::string_view set : available_kernel_sets()) {
        std::vector<float> logits[2];
        int k = 0;
        for (const Model* m : {repacked.get(), in_place.get()}) {
            SessionOptions o;
            o.n_ctx = 32;
            o.n_threads = 2;
            o.backend = BackendKind::CPU;
            o.cpu_features = std::string(set);
            Session s(*m, o);
            logits[k] = s.eval(prompt, true);
            for (int32_t id : {5, 9, 1}) {
                const int32_t one[1] = {id % nv};
                const std::vector<float> l = s.eval(one);
                logits[k].insert(logits[k].end(), l.begin(), l.end());
            }
            ++k;
        }
        QCOMPARE(logits[0].size(), logits[1].size());
        QVERIFY2(std::memcmp(logits[0].data(), logits[1].data(), logits[0].size() * sizeof(float)) == 0,
                 qPrintable(QString("kernel set %1: repacked and in-place logits differ")
                                .arg(QString::fromLatin1(set.data(), qsizetype(set.size())))));
    }
}

QTEST_APPLESS_MAIN(TestRepack)
#include "test_repack.moc"
