// The Stats panel's logic (issue #8): generation records in the store, the records of chat
// answers and benchmark runs against the engine's own counters, the benchmark's cancel and
// skip of an unusable backend, the comparison table's medians and sorting, CSV round trips.
#include "app_context.h"
#include "stats/stats_aggregate.h"
#include "stats/stats_csv.h"
#include "stats/model_cost.h"
#include "catalog/catalog.h"
#include "test_support.h"

#include "tern/chat.h"
#include "tern/error.h"
#include "tern/model.h"
#include "tern/session.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace tern;
using namespace tern::app;

class TestStats : public QObject {
    Q_OBJECT
private slots:
    void recordsRoundTripThroughTheStore();
    void invalidKindIsRefused();
    void chatAnswerRecordMatchesTheEngine();
    void benchmarkRecordMatchesTheEngine();
    void benchmarkCanBeCancelled();
    void vulkanIsRunOrSkippedNeverFatal();
    void comparisonMediansAndBest();
    void comparisonSortsMissingValuesLast();
    void recordsCsvRoundTrips();
    void comparisonCsvRoundTrips();
    void csvRefusesBrokenInput();
    void catalogCostDerivesOnlyWhatItCan();
    void installedCostIsExact();
};

namespace {

const char* kBundled = "tern-tiny-moe-tq2_0.gguf";

GenerationRecord makeRecord(const QString& model, const QString& backend, std::optional<double> decode,
                        std::optional<double> prefill, qint64 ms) {
    GenerationRecord r;
    r.timestamp = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    r.kind = QStringLiteral("benchmark");
    r.modelId = model;
    r.modelFile = "/models/" + model;
    r.modelType = QStringLiteral("TQ2_0");
    r.architecture = QStringLiteral("qwen3moe");
    r.paramsTotal = 3'000'000'000;
    r.paramsActive = 800'000'000;
    r.weightBytes = 2'000'000'000;
    r.backend = backend;
    r.device = QStringLiteral("CPU (avx2, 8 threads)");
    r.threads = 8;
    r.contextSize = 4096;
    r.promptTokens = 512;
    r.promptEvaluated = 500;
    r.generatedTokens = 101;
    r.ttftMs = 4000.25;
    r.prefillMs = 3999.5;
    r.decodeMs = 5000.125;
    r.decodeTps = decode;
    r.prefillTps = prefill;
    r.peakRssBytes = 1'234'567'890;
    r.stopReason = QStringLiteral("max_tokens");
    return r;
}

void expectSame(const GenerationRecord& a, const GenerationRecord& b) {
    QCOMPARE(a.timestamp, b.timestamp);
    QCOMPARE(a.kind, b.kind);
    QCOMPARE(a.modelId, b.modelId);
    QCOMPARE(a.modelFile, b.modelFile);
    QCOMPARE(a.modelType, b.modelType);
    QCOMPARE(a.architecture, b.architecture);
    QCOMPARE(a.paramsTotal, b.paramsTotal);
    QCOMPARE(a.paramsActive, b.paramsActive);
    QCOMPARE(a.weightBytes, b.weightBytes);
    QCOMPARE(a.backend, b.backend);
    QCOMPARE(a.device, b.device);
    QCOMPARE(a.threads, b.threads);
    QCOMPARE(a.contextSize, b.contextSize);
    QCOMPARE(a.promptTokens, b.promptTokens);
    QCOMPARE(a.promptEvaluated, b.promptEvaluated);
    QCOMPARE(a.generatedTokens, b.generatedTokens);
    QCOMPARE(a.ttftMs, b.ttftMs);
    QCOMPARE(a.prefillMs, b.prefillMs);
    QCOMPARE(a.decodeMs, b.decodeMs);
    QCOMPARE(a.prefillTps.has_value(), b.prefillTps.has_value());
    if (a.prefillTps) QCOMPARE(*a.prefillTps, *b.prefillTps);
    QCOMPARE(a.decodeTps.has_value(), b.decodeTps.has_value());
    if (a.decodeTps) QCOMPARE(*a.decodeTps, *b.decodeTps);
    QCOMPARE(a.peakRssBytes, b.peakRssBytes);
    QCOMPARE(a.stopReason, b.stopReason);
}

// The engine's decode rate is (n − 1) tokens over first→last token: the record keeps both.
void checkRateArithmetic(const GenerationRecord& r) {
    if (r.generatedTokens >= 2 && r.decodeMs > 0) {
        QVERIFY(r.decodeTps.has_value());
        QVERIFY(qAbs(*r.decodeTps - (r.generatedTokens - 1) / (r.decodeMs / 1000.0)) <= 1e-9 * *r.decodeTps);
    } else {
        QVERIFY(!r.decodeTps.has_value());
    }
    if (r.promptEvaluated > 0 && r.prefillMs > 0) {
        QVERIFY(r.prefillTps.has_value());
        QVERIFY(qAbs(*r.prefillTps - r.promptEvaluated / (r.prefillMs / 1000.0)) <= 1e-9 * *r.prefillTps);
    }
    QVERIFY(r.ttftMs > 0);
    QVERIFY(r.peakRssBytes > 0);
}

bool waitReady(ChatController& c) {
    if (c.modelReady()) return true;
    QSignalSpy spy(&c, &ChatController::modelChanged);
    for (int i = 0; i < 100 && !c.modelReady(); ++i) spy.wait(200);
    return c.modelReady();
}

}  // namespace

void TestStats::recordsRoundTripThroughTheStore() {
    QTemporaryDir dir;
    const QString path = dir.filePath("chat.db");
    const GenerationRecord a = makeRecord("a.gguf", "cpu", 20.0, 128.0, 1'700'000'000'000);
    const GenerationRecord b = makeRecord("b.gguf", "vulkan", std::nullopt, std::nullopt, 1'700'000'000'500);
    {
        ChatStore s(path);
        QCOMPARE(s.schemaVersion(), 3);
        QVERIFY(s.addGeneration(a) > 0);
        QVERIFY(s.addGeneration(b, 42) > 0);
    }
    ChatStore s(path);  // committed: a new connection reads them back
    const QList<GenerationRecord> got = s.generations();
    QCOMPARE(got.size(), 2);
    expectSame(got[0], a);
    expectSame(got[1], b);  // no rate: NULL in, nullopt out
    QVERIFY(s.integrityOk());
    s.clearGenerations();
    QCOMPARE(s.generations().size(), 0);
}

void TestStats::invalidKindIsRefused() {
    QTemporaryDir dir;
    ChatStore s(dir.filePath("chat.db"));
    GenerationRecord r = makeRecord("a.gguf", "cpu", 1.0, 1.0, 1);
    r.kind = QStringLiteral("other");
    QVERIFY_THROWS_EXCEPTION(StoreError, s.addGeneration(r));
    QCOMPARE(s.generations().size(), 0);
}

void TestStats::chatAnswerRecordMatchesTheEngine() {
    QTemporaryDir dir;
    AppContext ctx(AppPaths::resolve(dir.path()));
    ChatController& chat = ctx.chat();
    QVERIFY(waitReady(chat));
    GenerateParams params;
    params.max_tokens = 24;
    params.sampling.temperature = 0.0f;
    chat.setParamsOverride(params);
    QSignalSpy recorded(&ctx.stats(), &StatsController::recordsChanged);
    QSignalSpy done(&chat, &ChatController::answerFinished);
    const QString prompt = QStringLiteral("Once upon a time");
    QVERIFY(chat.send(prompt));
    // No benchmark while an answer is generated (they would share the cores).
    QVERIFY(!ctx.stats().runBenchmark({QString::fromLatin1(kBundled)}, true, false));
    QVERIFY(ctx.stats().benchmarkStatus().contains("answer"));
    QVERIFY(done.wait(60000));
    QCOMPARE(ctx.stats().recordCount(), 1);
    QVERIFY(recorded.count() >= 1);
    const GenerationRecord r = ctx.stats().records().front();
    QCOMPARE(r.kind, QStringLiteral("chat"));
    QCOMPARE(r.modelId, QString::fromLatin1(kBundled));
    const ModelInfo* info = ctx.models().find(kBundled);
    QVERIFY(info);
    QCOMPARE(r.modelFile, info->path);
    QCOMPARE(r.architecture, info->architecture);
    QCOMPARE(r.paramsTotal, info->paramsTotal);
    QCOMPARE(r.paramsActive, info->paramsActive);
    QCOMPARE(r.backend, QStringLiteral("cpu"));
    QVERIFY(!r.device.isEmpty());
    checkRateArithmetic(r);

    // The message shows the same counters.
    const Message m = ctx.store().message(done.first().at(1).toLongLong()).value();
    QCOMPARE(m.stats.promptTokens, r.promptTokens);
    QCOMPARE(m.stats.generatedTokens, r.generatedTokens);
    QCOMPARE(m.stats.ttftMs, r.ttftMs);
    QCOMPARE(m.stats.decodeTps, r.decodeTps.value_or(0.0));
    QCOMPARE(m.stats.backend, r.backend);

    // The engine, run on its own with the same conversation and settings, counts the same tokens.
    auto model = Model::load(info->path.toStdString());
    std::vector<ChatMessage> history;
    if (!ctx.settings().systemPrompt().isEmpty()) history.push_back({"system", ctx.settings().systemPrompt().toStdString()});
    history.push_back({"user", prompt.toStdString()});
    const std::vector<int32_t> tokens =
        encode_chat_to_fit(model->tokenizer(), history, info->chatFamily, r.contextSize, params.max_tokens);
    SessionOptions o;
    o.n_ctx = r.contextSize;
    Session s(*model, o);
    QCOMPARE(QString::fromStdString(s.backend_description()), r.device);
    const GenerationStats st = s.generate(tokens, params, {});
    QCOMPARE(r.promptTokens, st.n_prompt);
    QCOMPARE(r.promptEvaluated, st.n_prompt_evaluated);
    QCOMPARE(r.generatedTokens, st.n_generated);
    QCOMPARE(r.stopReason, QString::fromLatin1(stop_reason_name(st.stop)));
}

void TestStats::benchmarkRecordMatchesTheEngine() {
    QTemporaryDir dir;
    AppContext ctx(AppPaths::resolve(dir.path()));
    StatsController& stats = ctx.stats();
    stats.setBenchmarkTokens(16);
    QSignalSpy finished(&stats, &StatsController::benchmarkFinished);
    QVERIFY(stats.runBenchmark({QString::fromLatin1(kBundled)}, true, false));
    QVERIFY(stats.benchmarkRunning());
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.first().at(0).toBool(), false);
    QVERIFY(!stats.benchmarkRunning());
    QCOMPARE(stats.benchmarkProgress(), 1.0);
    QCOMPARE(stats.recordCount(), 1);
    const GenerationRecord r = stats.records().front();
    QCOMPARE(r.kind, QStringLiteral("benchmark"));
    QCOMPARE(r.backend, QStringLiteral("cpu"));
    checkRateArithmetic(r);
    QCOMPARE(ctx.store().generations().size(), 1);  // stored, not only shown

    const ModelInfo* info = ctx.models().find(kBundled);
    auto model = Model::load(info->path.toStdString());
    SessionOptions o;
    o.n_ctx = stats.benchmarkSettings().contextSize;
    Session s(*model, o);
    GenerateParams p;
    p.max_tokens = 16;
    p.sampling.temperature = 0.0f;
    const GenerationStats st = s.generate(stats.benchmarkSettings().prompt.toStdString(), p, {});
    QCOMPARE(r.promptTokens, st.n_prompt);
    QCOMPARE(r.generatedTokens, st.n_generated);
    QCOMPARE(r.contextSize, s.n_ctx());
    QCOMPARE(r.stopReason, QString::fromLatin1(stop_reason_name(st.stop)));

    // The table has its row.
    const QVariantList table = stats.comparison();
    QCOMPARE(table.size(), 1);
    QCOMPARE(table[0].toMap()["modelId"].toString(), QString::fromLatin1(kBundled));
    QCOMPARE(table[0].toMap()["runs"].toInt(), 1);
    QCOMPARE(table[0].toMap()["medianDecodeTps"].toDouble(), r.decodeTps.value_or(-1.0));

    // The page's exports (file:// URLs, as the file dialog gives them) read back the same.
    const QString recordsFile = dir.filePath("records.csv"), tableFile = dir.filePath("table.csv");
    QCOMPARE(stats.exportRecordsCsv(QUrl::fromLocalFile(recordsFile).toString()), QString());
    QCOMPARE(stats.exportComparisonCsv(QUrl::fromLocalFile(tableFile).toString()), QString());
    QFile rf(recordsFile), tf(tableFile);
    QVERIFY(rf.open(QIODevice::ReadOnly) && tf.open(QIODevice::ReadOnly));
    const QList<GenerationRecord> back = recordsFromCsv(QString::fromUtf8(rf.readAll()));
    QCOMPARE(back.size(), 1);
    expectSame(back[0], r);
    const QList<QStringList> rows = parseCsv(QString::fromUtf8(tf.readAll()));
    QCOMPARE(rows.size(), 2);
    QCOMPARE(rows[0], comparisonCsvColumns());
    QCOMPARE(rows[1][comparisonCsvColumns().indexOf("runs")], QStringLiteral("1"));
    QCOMPARE(rows[1][comparisonCsvColumns().indexOf("median_decode_tps")].toDouble(), r.decodeTps.value_or(-1.0));
    QVERIFY(stats.exportRecordsCsv(dir.filePath("no/such/dir/x.csv")) != QString());  // an error, not a crash
}

void TestStats::benchmarkCanBeCancelled() {
    QTemporaryDir dir;
    AppContext ctx(AppPaths::resolve(dir.path()));
    StatsController& stats = ctx.stats();
    stats.setBenchmarkTokens(4096);
    QSignalSpy finished(&stats, &StatsController::benchmarkFinished);
    const QString id = QString::fromLatin1(kBundled);
    QVERIFY(stats.runBenchmark({id, id, id}, true, false));
    QVERIFY(!stats.runBenchmark({id}, true, false));  // one at a time
    stats.cancelBenchmark();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.first().at(0).toBool(), true);
    QVERIFY(!stats.benchmarkRunning());
    QVERIFY(stats.recordCount() < 3);
    QVERIFY(stats.benchmarkStatus().contains("cancelled"));
    // And it can run again afterwards.
    stats.setBenchmarkTokens(4);
    QVERIFY(stats.runBenchmark({id}, true, false));
    finished.clear();
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.first().at(0).toBool(), false);
}

void TestStats::vulkanIsRunOrSkippedNeverFatal() {
    QTemporaryDir dir;
    AppContext ctx(AppPaths::resolve(dir.path()));
    StatsController& stats = ctx.stats();
    stats.setBenchmarkTokens(4);
    QSignalSpy finished(&stats, &StatsController::benchmarkFinished);
    QVERIFY(stats.runBenchmark({QString::fromLatin1(kBundled)}, true, true));
    QVERIFY(finished.wait(120000));
    QCOMPARE(finished.first().at(0).toBool(), false);
    // The CPU run is always there; the Vulkan one is there or reported as skipped.
    bool cpu = false, vulkan = false;
    for (const GenerationRecord& r : stats.records()) {
        cpu = cpu || r.backend == "cpu";
        vulkan = vulkan || r.backend == "vulkan";
    }
    QVERIFY(cpu);
    QVERIFY2(vulkan || stats.benchmarkStatus().contains("skipped"), qPrintable(stats.benchmarkStatus()));
}

void TestStats::comparisonMediansAndBest() {
    QCOMPARE(median({}).has_value(), false);
    QCOMPARE(*median({3.0, 1.0, 2.0}), 2.0);
    QCOMPARE(*median({4.0, 1.0, 2.0, 3.0}), 2.5);
    QList<GenerationRecord> recs{makeRecord("a", "cpu", 10.0, 100.0, 1), makeRecord("b", "cpu", 50.0, 500.0, 2),
                                 makeRecord("a", "cpu", 30.0, 300.0, 3), makeRecord("a", "vulkan", 80.0, 900.0, 4),
                                 makeRecord("a", "cpu", std::nullopt, 200.0, 5), makeRecord("a", "cpu", 20.0, 400.0, 6)};
    recs[2].peakRssBytes = 2'000'000'000;
    recs[2].ttftMs = 1000;
    const QList<ComparisonRow> rows = compareRecords(recs);
    QCOMPARE(rows.size(), 3);
    const ComparisonRow& a = rows[0];
    QCOMPARE(a.modelId, QStringLiteral("a"));
    QCOMPARE(a.backend, QStringLiteral("cpu"));
    QCOMPARE(a.runs, 4);
    QCOMPARE(*a.medianDecodeTps, 20.0);  // of 10, 30, 20 (the record without a rate is left out)
    QCOMPARE(*a.bestDecodeTps, 30.0);
    QCOMPARE(*a.medianPrefillTps, 250.0);  // of 100, 300, 200, 400
    QCOMPARE(*a.bestPrefillTps, 400.0);
    QCOMPARE(*a.medianTtftMs, 4000.25);    // of 4000.25 ×3 and 1000
    QCOMPARE(a.peakRssBytes, qint64(2'000'000'000));
    QCOMPARE(*a.decodeTpsPerGB, 10.0);     // 20 tokens/s over 2 GB
    QCOMPARE(rows[1].modelId, QStringLiteral("b"));
    QCOMPARE(rows[2].backend, QStringLiteral("vulkan"));
}

void TestStats::comparisonSortsMissingValuesLast() {
    QList<GenerationRecord> recs{makeRecord("a", "cpu", 10.0, 1.0, 1), makeRecord("b", "cpu", std::nullopt, 1.0, 2),
                                 makeRecord("c", "cpu", 30.0, 1.0, 3)};
    QList<ComparisonRow> rows = compareRecords(recs);
    sortComparison(rows, "medianDecode", false);
    QCOMPARE(rows[0].modelId, QStringLiteral("c"));
    QCOMPARE(rows[1].modelId, QStringLiteral("a"));
    QCOMPARE(rows[2].modelId, QStringLiteral("b"));
    sortComparison(rows, "medianDecode", true);
    QCOMPARE(rows[0].modelId, QStringLiteral("a"));
    QCOMPARE(rows[1].modelId, QStringLiteral("c"));
    QCOMPARE(rows[2].modelId, QStringLiteral("b"));  // no value: last either way
    sortComparison(rows, "model", false);
    QCOMPARE(rows[0].modelId, QStringLiteral("c"));
}

void TestStats::recordsCsvRoundTrips() {
    QList<GenerationRecord> recs{makeRecord("plain.gguf", "cpu", 20.0, 128.0, 1'700'000'000'123),
                                 makeRecord("odd, \"quoted\"\nname é.gguf", "vulkan", std::nullopt, 1.0 / 3.0, 5)};
    recs[1].device = QStringLiteral("GPU, \"lavapipe\"");
    recs[1].kind = QStringLiteral("chat");
    const QString csv = recordsToCsv(recs);
    QVERIFY(csv.startsWith(recordCsvColumns().join(',') + "\r\n"));
    const QList<QStringList> rows = parseCsv(csv);
    QCOMPARE(rows.size(), 3);
    for (const QStringList& row : rows) QCOMPARE(row.size(), recordCsvColumns().size());
    QCOMPARE(rows[1][recordCsvColumns().indexOf("decode_tps")], QStringLiteral("20"));
    QCOMPARE(rows[2][recordCsvColumns().indexOf("decode_tps")], QString());  // no value: empty field
    const QList<GenerationRecord> back = recordsFromCsv(csv);
    QCOMPARE(back.size(), recs.size());
    for (int i = 0; i < recs.size(); ++i) expectSame(back[i], recs[i]);
}

void TestStats::comparisonCsvRoundTrips() {
    const QList<ComparisonRow> rows =
        compareRecords({makeRecord("a", "cpu", 10.0, 100.0, 1), makeRecord("a", "cpu", 30.0, 300.0, 2),
                        makeRecord("b", "vulkan", std::nullopt, 5.0, 3)});
    const QList<QStringList> back = parseCsv(comparisonToCsv(rows));
    QCOMPARE(back.size(), 3);
    QCOMPARE(back[0], comparisonCsvColumns());
    const auto col = [&](const char* name) { return comparisonCsvColumns().indexOf(name); };
    QCOMPARE(back[1][col("model_id")], QStringLiteral("a"));
    QCOMPARE(back[1][col("runs")].toInt(), 2);
    QCOMPARE(back[1][col("median_decode_tps")].toDouble(), 20.0);
    QCOMPARE(back[1][col("best_prefill_tps")].toDouble(), 300.0);
    QCOMPARE(back[1][col("decode_tps_per_gb")].toDouble(), 10.0);
    QCOMPARE(back[2][col("backend")], QStringLiteral("vulkan"));
    QCOMPARE(back[2][col("median_decode_tps")], QString());
}

void TestStats::csvRefusesBrokenInput() {
    QVERIFY_THROWS_EXCEPTION(tern::Error, parseCsv("a,\"b\r\n"));
    QVERIFY_THROWS_EXCEPTION(tern::Error, recordsFromCsv("timestamp,kind\r\n"));  // columns missing
    QString csv = recordsToCsv({makeRecord("a", "cpu", 1.0, 1.0, 1)});
    csv.replace(",512,", ",many,");  // prompt_tokens no longer a number
    QVERIFY_THROWS_EXCEPTION(tern::Error, recordsFromCsv(csv));
}

void TestStats::catalogCostDerivesOnlyWhatItCan() {
    CatalogEntry e;
    e.sizeBytes = 1'000'000'000;
    e.paramsTotal = 4'000'000'000;
    e.paramsActive = 1'000'000'000;
    e.ramBytes = 1'500'000'000;
    ModelCost c = costOf(e);
    QVERIFY(!c.exact);
    QCOMPARE(c.bitsPerWeight, 2.0);                    // 8 × 1 GB ÷ 4 B parameters
    QCOMPARE(c.weightBytesPerToken, qint64(250'000'000));  // a quarter of the weights are active
    QCOMPARE(c.memoryBytes, qint64(1'500'000'000));
    e.paramsActive = -1;  // not listed: no per-token figure
    e.ramBytes = -1;
    c = costOf(e);
    QCOMPARE(c.bitsPerWeight, 2.0);
    QCOMPARE(c.weightBytesPerToken, qint64(-1));
    QCOMPARE(c.memoryBytes, qint64(-1));
    e.sizeBytes = -1;  // size not known exactly: nothing derived from it
    c = costOf(e);
    QCOMPARE(c.bitsPerWeight, -1.0);
    QCOMPARE(c.paramsTotal, qint64(4'000'000'000));
    QCOMPARE(c.toMap()["weightBytesPerToken"].toDouble(), -1.0);
}

void TestStats::installedCostIsExact() {
    QTemporaryDir dir;
    ModelRegistry reg(dir.path());
    const QString src = qEnvironmentVariable("TERN_SOURCE_DIR") + "/resources/models/" + kBundled;
    if (!QFile::exists(src)) QSKIP("bundled model not found (TERN_SOURCE_DIR)");
    QVERIFY(reg.importFile(src).isEmpty());
    const ModelInfo* m = reg.find(kBundled);
    QVERIFY(m);
    auto model = Model::load(m->path.toStdString());
    QCOMPARE(m->weightBytesPerToken, qint64(model->weight_bytes_per_token()));
    QCOMPARE(m->weightBytes, qint64(model->weight_bytes()));
    QVERIFY(m->weightBytesPerToken < m->weightBytes);  // a MoE reads only its active experts
    QCOMPARE(m->bitsPerWeight, 8.0 * double(model->weight_bytes()) / double(model->n_params()));
    QVERIFY(m->bitsPerWeightByType.contains("TQ2_0"));
    const ModelCost c = costOf(*m);
    QVERIFY(c.exact);
    QCOMPARE(c.weightBytesPerToken, m->weightBytesPerToken);
}

QTEST_GUILESS_MAIN(TestStats)
#include "test_stats.moc"
