// Every model of ../shared/fixtures/models run with each CPU kernel set this machine has
// (SessionOptions::cpu_features) against the scalar set: a 24-token prefill (all logits, the
// mat_mat path) and 4 single-token decode steps (mat_vec). Every SIMD kernel is bit-identical to
// the reference (kernels.h), so the logits and greedy ids must be identical. test_models checks
// the default (best) set against llama.cpp; this test covers the others and pins them to the
// reference.
#include "test_support.h"

#include "backend/cpu/kernels.h"
#include "tern/error.h"
#include "tern/model.h"
#include "tern/session.h"

#include <QDir>
#include <QtTest>


using namespace tern;
using namespace tern::test;

class TestKernelSetsModels : public QObject {
    Q_OBJECT
private slots:
    void models_data();
    void models();
    void unknownSetIsAnError();
};

namespace {

std::vector<float> run(const Model& m, const std::string& set, std::vector<int32_t>* decoded) {
    SessionOptions o;
    o.n_ctx = 64;
    o.n_threads = 2;
    o.cpu_features = set;
    Session s(m, o);
    const int32_t nv = m.hparams().n_vocab;
    std::vector<int32_t> prompt;
    for (int i = 0; i < 24; ++i) prompt.push_back((i * 37 + 5) % nv);
    std::vector<float> all = s.eval(prompt, true);
    int32_t next = 1;
    for (int step = 0; step < 4; ++step) {
        const float* last = all.data() + all.size() - size_t(nv);
        next = static_cast<int32_t>(std::max_element(last, last + nv) - last);
        decoded->push_back(next);
        const int32_t one[1] = {next};
        const std::vector<float> l = s.eval(one);
        all.insert(all.end(), l.begin(), l.end());
    }
    return all;
}

}  // namespace

void TestKernelSetsModels::models_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("set");
    const QString shared = sharedDir();
    if (shared.isEmpty()) {
        QTest::newRow("no-shared") << QString() << QString();
        return;
    }
    const QStringList files = QDir(shared + "/fixtures/models").entryList({"*.gguf"}, QDir::Files, QDir::Name);
    for (std::string_view set : available_kernel_sets()) {
        if (set == "scalar") continue;
        for (const QString& f : files)
            QTest::newRow(qPrintable(QString::fromLatin1(set.data(), qsizetype(set.size())) + " " + f))
                << f << QString::fromLatin1(set.data(), qsizetype(set.size()));
    }
    if (available_kernel_sets().size() == 1) QTest::newRow("scalar-only") << QString() << QString("scalar");
}

void TestKernelSetsModels::models() {
    TERN_REQUIRE_SHARED(shared);
    QFETCH(QString, file);
    QFETCH(QString, set);
    if (file.isEmpty()) QSKIP("this CPU runs only the scalar kernels; nothing to compare");
    auto m = Model::load(fixture(shared, "models/" + file));
    std::vector<int32_t> ids_ref, ids_simd;
    const std::vector<float> ref = run(*m, "scalar", &ids_ref);
    const std::vector<float> got = run(*m, set.toStdString(), &ids_simd);
    QCOMPARE(got.size(), ref.size());
    for (size_t i = 0; i < ref.size(); ++i)
        if (!(got[i] == ref[i]))
            QFAIL(qPrintable(QString("logit %1: %2, scalar %3").arg(i).arg(double(got[i]), 0, 'g', 9).arg(double(ref[i]), 0, 'g', 9)));
    QCOMPARE(ids_simd, ids_ref);
}

void TestKernelSetsModels::unknownSetIsAnError() {
    TERN_REQUIRE_SHARED(shared);
    auto m = Model::load(fixture(shared, "models/tiny-llama-moe.TQ2_0.gguf"), {.load_tokenizer = false});
    SessionOptions o;
    o.cpu_features = "neon9";
    QVERIFY_THROWS_EXCEPTION(Error, Session(*m, o));
    for (std::string_view set : {std::string_view("scalar"), std::string_view("avx2"), std::string_view("avx512"),
                                  std::string_view("neon")}) {
        o.cpu_features = std::string(set);
        bool have = false;
        for (std::string_view s : available_kernel_sets()) have = have || s == set;
        if (!have) {
            QVERIFY_THROWS_EXCEPTION(Error, Session(*m, o));
            continue;
        }
        Session s(*m, o);
        QVERIFY2(s.backend_description().find(std::string(set)) != std::string::npos, s.backend_description().c_str());
    }
}

QTEST_APPLESS_MAIN(TestKernelSetsModels)
#include "test_kernel_sets_models.moc"
