// End-to-end tests of the tern-cli binary (path in $TERN_CLI): each case runs the process with
// a timeout and checks stdout, stderr and the exit code against the fixtures in ../shared.
#include "cli_support.h"
#include "test_support.h"
#include "tern/chat.h"
#include "tern/model.h"
#include "vulkan_support.h"

#include <QByteArray>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QStringList>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace tern::test;

namespace {


QString model(const QString& shared, const char* file) {
    return shared + "/fixtures/models/" + file;
}

// The 64 greedy tokens after "Once upon a time" of all three tern-tiny-moe files
// (fixtures/models/tern-tiny-moe.md, llama-simple -n 64).
const char* kMoeGreedy64 =
    ", there was a little girl named Lily. She loved to play outside in the sunshine. One day, she saw a big box of "
    "cloth in the sky. She wanted to see what was ins";

QString storiesGreedy(const QString& shared) {
    return tern::test::readJson(shared + "/fixtures/ref/stories260K.json").value("greedy_text").toString();
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        const QString cli = qEnvironmentVariable("TERN_CLI");
        if (cli.isEmpty() || !QFile::exists(cli))
            QFAIL("TERN_CLI does not name the tern-cli binary (run this test through ctest)");
    }

    // --- generation -------------------------------------------------------------------------

    void generateGreedyStories260K() {
        TERN_REQUIRE_SHARED(shared);
        const QString expected = storiesGreedy(shared);
        QVERIFY(expected.startsWith(", there was a little girl named Lily."));
        for (const char* threads : {"0", "1"}) {
            const QStringList args{"generate", "-m", model(shared, "stories260K.gguf"), "-p", "Once upon a time",
                                   "-n", "64", "--temp", "0", "--threads", threads};
            const CliResult r = runCli(args);
            CHECK_EXIT(args, r, 0);
            QCOMPARE(QString::fromUtf8(r.out), expected + "\n");
            QVERIFY2(r.err.contains("tokens/s"), r.err.constData());
            QVERIFY2(r.err.contains("prompt 5 tokens (5 evaluated)"), r.err.constData());
            QVERIFY2(r.err.contains("generated 64 tokens"), r.err.constData());
            QVERIFY2(r.err.contains("stop: max_tokens"), r.err.constData());
        }
    }

    // --cache-type f16 (half the KV cache): the same greedy 64 tokens as the F32 references.
    void generateCacheTypeF16_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("stories260K") << "stories260K.gguf";
        QTest::newRow("tern-tiny-moe-tq2_0") << "tern-tiny-moe-tq2_0.gguf";
    }

    void generateCacheTypeF16() {
        TERN_REQUIRE_SHARED(shared);
        QFETCH(QString, file);
        const QStringList args{"generate", "-m", shared + "/fixtures/models/" + file, "-p", "Once upon a time",
                               "-n", "64", "--temp", "0", "--cache-type", "f16"};
        const CliResult r = runCli(args);
        CHECK_EXIT(args, r, 0);
        const QString expected = file.startsWith("stories") ? storiesGreedy(shared) : QString::fromUtf8(kMoeGreedy64);
        QCOMPARE(QString::fromUtf8(r.out), expected + "\n");
        QVERIFY2(r.err.contains("generated 64 tokens"), r.err.constData());
    }

    void generateGreedyTernTinyMoe_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("tq2_0") << "tern-tiny-moe-tq2_0.gguf";
        QTest::newRow("tq1_0") << "tern-tiny-moe-tq1_0.gguf";
        QTest::newRow("f32") << "tern-tiny-moe-f32.gguf";
    }

    void generateGreedyTernTinyMoe() {
        TERN_REQUIRE_SHARED(shared);
        QFETCH(QString, file);
        const QStringList args{"generate", "-m", shared + "/fixtures/models/" + file, "-p", "Once upon a time",
                               "-n", "64", "--temp", "0"};
        const CliResult r = runCli(args);
        CHECK_EXIT(args, r, 0);
        QCOMPARE(QString::fromUtf8(r.out), QString::fromUtf8(kMoeGreedy64) + "\n");
        QVERIFY2(r.err.contains("tokens/s"), r.err.constData());
        QVERIFY2(r.err.contains("generated 64 tokens"), r.err.constData());
    }

    void devices() {
        const QStringList args{"devices"};
        const CliResult r = runCli(args);
        CHECK_EXIT(args, r, 0);
        const tern::DeviceList list = tern::list_vulkan_devices();
        if (list.devices.empty()) {
            QVERIFY2(r.out.startsWith("No Vulkan devices: "), r.out.constData());
        } else {
            for (const tern::DeviceInfo& d : list.devices) {
                QVERIFY2(r.out.contains(QByteArray::number(d.index) + "  " + QByteArray::fromStdString(d.name) + "  (" +
                                        tern::device_type_name(d.type)), r.out.constData());
            }
            QVERIFY2(r.out.contains("max storage buffer"), r.out.constData());
            QVERIFY2(r.out.contains("int8 dot product"), r.out.constData());
        }
    }

    void generateVulkanMatchesCpu() {
        // The bundled model on Vulkan device 0 (lavapipe in CI) gives the CPU's greedy text.
        TERN_REQUIRE_VULKAN();
        const QString bundled = qEnvironmentVariable("TERN_SOURCE_DIR") + "/resources/models/tern-tiny-moe-tq2_0.gguf";
        QStringList args{"generate", "-m", bundled, "-p", "Once upon a time", "-n", "12", "--temp", "0", "--backend", "cpu"};
        const CliResult cpu = runCli(args);
        CHECK_EXIT(args, cpu, 0);
        args.replace(args.size() - 1, "vulkan");
        args << "--device" << "0";
        const CliResult vk = runCli(args);
        CHECK_EXIT(args, vk, 0);
        QCOMPARE(QString::fromUtf8(vk.out), QString::fromUtf8(cpu.out));
        QVERIFY(cpu.out.size() > 20);
        QVERIFY2(vk.err.contains("running on Vulkan ("), vk.err.constData());
        const QStringList bad{"generate", "-m", bundled, "-p", "x", "--backend", "vulkan", "--device", "99"};
        const CliResult r = runCli(bad);
        CHECK_EXIT(bad, r, 1);
        QVERIFY2(r.err.contains("Vulkan unavailable: there is no Vulkan device 99"), r.err.constData());
    }

    void statsJson() {
        TERN_REQUIRE_SHARED(shared);
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString jsonPath = tmp.filePath("stats.json");
        const QString path = model(shared, "stories260K.gguf");
        const QStringList args{"generate", "-m", path, "-p", "Once upon a time", "-n", "64", "--temp", "0",
                               "--stats-json", jsonPath};
        const CliResult r = runCli(args);
        CHECK_EXIT(args, r, 0);
        QCOMPARE(QString::fromUtf8(r.out), storiesGreedy(shared) + "\n");  // the JSON goes to the file only

        QJsonParseError perr{};
        const QJsonDocument doc = QJsonDocument::fromJson(tern::test::readAll(jsonPath), &perr);
        QVERIFY2(perr.error == QJsonParseError::NoError, qPrintable(perr.errorString()));
        QVERIFY(doc.isObject());
        const QJsonObject o = doc.object();
        QCOMPARE(o.value("model").toString(), path);
        QCOMPARE(o.value("n_prompt").toInt(-1), 5);
        QCOMPARE(o.value("n_prompt_evaluated").toInt(-1), 5);
        QCOMPARE(o.value("n_generated").toInt(-1), 64);
        QCOMPARE(o.value("stop_reason").toString(), QStringLiteral("max_tokens"));
        QVERIFY(o.value("decode_tokens_per_s").toDouble(-1) > 0);
        QVERIFY(o.value("prefill_tokens_per_s").toDouble(-1) > 0);
        QVERIFY(o.value("time_to_first_token_ms").toDouble(-1) > 0);
        QVERIFY(o.value("decode_ms").toDouble(-1) > 0);
        const double rss = o.value("peak_rss_bytes").toDouble(-1);
        QVERIFY(rss > 1024 * 1024);           // a process that loaded a model uses more than 1 MiB
        QVERIFY(rss < 4.0 * (1u << 30));      // and far less than 4 GiB for a 1 MiB model
    }

    void seededSampling() {
        TERN_REQUIRE_SHARED(shared);
        const auto argsFor = [&](const char* seed) {
            return QStringList{"generate", "-m", model(shared, "stories260K.gguf"), "-p", "Once upon a time",
                               "-n", "64", "--temp", "0.8", "--seed", seed};
        };
        const CliResult r1 = runCli(argsFor("1"));
        const CliResult r1again = runCli(argsFor("1"));
        const CliResult r2 = runCli(argsFor("2"));
        CHECK_EXIT(argsFor("1"), r1, 0);
        CHECK_EXIT(argsFor("1"), r1again, 0);
        CHECK_EXIT(argsFor("2"), r2, 0);
        const QString a1 = QString::fromUtf8(r1.out);
        const QString a2 = QString::fromUtf8(r1again.out);
        const QString b = QString::fromUtf8(r2.out);
        QVERIFY2(r1.err.contains("stop: "), r1.err.constData());
        QVERIFY(a1.size() > 20);
        QCOMPARE(a2, a1);
        // Seeds 1 and 2 were checked to give different 64-token samples (sampling is deterministic).
        QVERIFY2(b != a1, qPrintable(b));
        QVERIFY(a1 != storiesGreedy(shared) + "\n");
    }

    void contextFullIsACleanStop() {
        TERN_REQUIRE_SHARED(shared);
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString jsonPath = tmp.filePath("stats.json");
        const QStringList args{"generate", "-m", model(shared, "stories260K.gguf"), "-p", "Once upon a time",
                               "--ctx", "16", "-n", "100", "--temp", "0", "--stats-json", jsonPath};
        const CliResult r = runCli(args);
        CHECK_EXIT(args, r, 0);
        QVERIFY2(r.err.contains("stop: context_full"), r.err.constData());
        // 5 prompt + 11 generated tokens fill the 16 slots; the 12th is sampled from the last
        // logits and needs no slot. They are the first 12 greedy tokens of the reference.
        const QString text = QString::fromUtf8(r.out);
        QCOMPARE(text, QStringLiteral(", there was a little girl named Lily. She\n"));
        QVERIFY(storiesGreedy(shared).startsWith(text.chopped(1)));
        const QJsonObject o = tern::test::readJson(jsonPath);
        QCOMPARE(o.value("n_generated").toInt(-1), 12);
        QCOMPARE(o.value("stop_reason").toString(), QStringLiteral("context_full"));
    }

    // A bitnet-b1.58 model (I2_S) holds a conversation in BitNet 2B4T's chat format: the second
    // turn's prompt is the whole history rendered with that template.
    void chatTemplateModeBitnet() {
        TERN_REQUIRE_SHARED(shared);
        const QString path = shared + "/fixtures/bitnet-b158/tiny-bitnet-b158.I2_S.gguf";
        const QStringList args{"chat", "-m", path, "-n", "6", "--temp", "0"};
        const CliResult r = runCli(args, "Hello\nAnd then?\n\n");
        CHECK_EXIT(args, r, 0);
        QVERIFY2(r.err.contains("chat mode, bitnet format"), r.err.constData());
        const QStringList turns = QString::fromUtf8(r.out).split('\n');
        QCOMPARE(turns.size(), 3);
        auto m = tern::Model::load(path.toStdString());
        const std::vector<tern::ChatMessage> first{{"user", "Hello"}};
        const std::vector<tern::ChatMessage> second{
            {"user", "Hello"}, {"assistant", turns[0].toStdString()}, {"user", "And then?"}};
        const size_t n1 = tern::encode_chat(m->tokenizer(), first, tern::ChatFamily::BITNET).size();
        const size_t n2 = tern::encode_chat(m->tokenizer(), second, tern::ChatFamily::BITNET).size();
        QVERIFY2(r.err.contains(QByteArray("[prompt ") + QByteArray::number(qulonglong(n1)) + " tokens (" +
                                QByteArray::number(qulonglong(n1)) + " evaluated)"), r.err.constData());
        QVERIFY2(r.err.contains(QByteArray("[prompt ") + QByteArray::number(qulonglong(n2)) + " tokens"), r.err.constData());
        QCOMPARE(r.err.count("generated 6 tokens"), 2);
    }

    // Two lines typed into chat: each is appended to the transcript, and the second turn reuses
    // the KV cache of the first.
    void chatCompletionMode() {
        TERN_REQUIRE_SHARED(shared);
        const QStringList args{"chat", "-m", model(shared, "stories260K.gguf"), "-n", "16", "--temp", "0"};
        const CliResult r = runCli(args, "Once upon a time\nShe\n\n");
        CHECK_EXIT(args, r, 0);
        const QStringList turns = QString::fromUtf8(r.out).split('\n');
        QCOMPARE(turns.size(), 3);
        // The first 16 greedy tokens of the stories260K reference.
        QCOMPARE(turns[0], QStringLiteral(", there was a little girl named Lily. She loved to play"));
        QVERIFY(storiesGreedy(shared).startsWith(turns[0]));
        QVERIFY(!turns[1].isEmpty());
        QCOMPARE(turns[2], QString());
        // Turn 2: BOS + 4 prompt + 16 answer + "She" = 22 tokens. The cache holds 20 (the last
        // answer token was sampled, never evaluated), so 2 are evaluated.
        QVERIFY2(r.err.contains("[prompt 5 tokens (5 evaluated)"), r.err.constData());
        QVERIFY2(r.err.contains("[prompt 22 tokens (2 evaluated)"), r.err.constData());
        QCOMPARE(r.err.count("generated 16 tokens"), 2);
    }

    // --- tokenize / logits / info -----------------------------------------------------------

    void tokenize() {
        TERN_REQUIRE_SHARED(shared);
        const QString path = model(shared, "stories260K.gguf");
        const QStringList withBos{"tokenize", "-m", path, "-p", "Once upon a time"};
        const CliResult a = runCli(withBos);
        CHECK_EXIT(withBos, a, 0);
        QCOMPARE(a.out, QByteArray("1,403,407,261,378\n"));
        const QStringList noBos{"tokenize", "-m", path, "-p", "Once upon a time", "--no-bos"};
        const CliResult b = runCli(noBos);
        CHECK_EXIT(noBos, b, 0);
        QCOMPARE(b.out, QByteArray("403,407,261,378\n"));
    }

    // Vocab-only files (tokenizer keys, no tensors) of ../shared/fixtures/vocab: per vocab, the
    // first case with non-ASCII text (emoji, CJK); for the two llama vocabs also the first with a
    // whitespace run and with digits. (The engine tests check every case of every vocab.)
    void tokenizeVocabOnlyFiles_data() {
        QTest::addColumn<QString>("vocab");
        for (const char* v : {"llama-spm", "llama-bpe", "qwen2", "gpt-2", "falcon", "deepseek-llm", "mpt",
                              "starcoder", "phi-3"})
            QTest::newRow(v) << QString(v);
    }
    void tokenizeVocabOnlyFiles() {
        TERN_REQUIRE_SHARED(shared);
        QFETCH(QString, vocab);
        const QString path = shared + "/fixtures/vocab/ggml-vocab-" + vocab + ".gguf";
        const std::vector<std::string> inputs = vocabTestInputs(readAll(path + ".inp"));
        const std::vector<std::vector<int32_t>> expected = vocabTestExpected(readAll(path + ".out"));
        QCOMPARE(inputs.size(), expected.size());
        auto first = [&](auto pred) {
            for (size_t i = 0; i < inputs.size(); ++i)
                if (!inputs[i].empty() && pred(inputs[i])) return i;
            return inputs.size();
        };
        std::vector<size_t> cases{
            first([](const std::string& s) { return std::any_of(s.begin(), s.end(), [](char c) { return c & 0x80; }); })};
        if (vocab.startsWith("llama")) {
            cases.push_back(first([](const std::string& s) { return s.find("   ") != std::string::npos; }));
            cases.push_back(first([](const std::string& s) {
                return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
            }));
        }
        for (const size_t i : cases) {
            QVERIFY(i < inputs.size());
            const QStringList args{"tokenize", "-m", path, "-p", QString::fromStdString(inputs[i]), "--no-bos"};
            const CliResult r = runCli(args);
            CHECK_EXIT(args, r, 0);
            QByteArray want;
            for (size_t k = 0; k < expected[i].size(); ++k) want += (k ? "," : "") + QByteArray::number(expected[i][k]);
            QCOMPARE(r.out, want + "\n");
        }
    }

    void logitsMatchReference() {
        TERN_REQUIRE_SHARED(shared);
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString out = tmp.filePath("logits.f32");
        const QStringList args{"logits", "-m", model(shared, "stories260K.gguf"), "--tokens", "1,403,407,261,378",
                               "-o", out};
        const CliResult r = runCli(args);
        CHECK_EXIT(args, r, 0);
        QVERIFY2(r.err.contains("wrote 5 x 512 logits"), r.err.constData());
        QCOMPARE(QFile(out).size(), qint64(5 * 512 * 4));
        const std::vector<float> got = tern::test::readF32(out);
        const std::vector<float> ref = tern::test::readF32(shared + "/fixtures/ref/stories260K.logits.f32");
        QCOMPARE(ref.size(), size_t(5 * 512));
        QCOMPARE(got.size(), ref.size());
        double maxAbs = 0;
        for (size_t i = 0; i < ref.size(); ++i) {
            QVERIFY2(std::isfinite(got[i]), qPrintable(QString("logit %1 is not finite").arg(i)));
            maxAbs = std::max(maxAbs, std::fabs(static_cast<double>(got[i]) - static_cast<double>(ref[i])));
        }
        QVERIFY2(maxAbs < 1e-3, qPrintable(QString("max abs diff %1").arg(maxAbs)));
    }

    void infoTernTinyMoe() {
        TERN_REQUIRE_SHARED(shared);
        const QString path = model(shared, "tern-tiny-moe-tq2_0.gguf");
        const QStringList args{"info", "-m", path};
        const CliResult r = runCli(args);
        CHECK_EXIT(args, r, 0);
        const QString out = QString::fromUtf8(r.out);
        const QStringList lines = out.split('\n');
        for (const char* line : {
                 "GGUF version:    3, 33 tensors, 27 metadata keys, 1.26 MiB",
                 "name:            tern-tiny-moe",
                 "architecture:    llama (mixture of experts)",
                 "type:            TQ2_0",
                 // 3,216,128 in all; 3 layers x 3 tensors x 2 unused experts x 256*256 = 1,179,648 idle
                 "parameters:      3.216 M total, 2.036 M active per token",
                 "n_vocab:         512",
                 "n_ctx_train:     256",
                 "n_embd:          256",
                 "n_layer:         3",
                 "n_head:          4 (kv 2, head_dim 64)",
                 "experts:         4, 2 used per token, n_ff per expert 256, router softmax + renormalised top-k",
                 "rope:            normal, n_rot 64, freq_base 10000",
                 "rms_norm_eps:    1e-05",
                 "tokenizer:       llama, 512 tokens, bos 1, eos 2, add_bos yes",
             })
            QVERIFY2(lines.contains(QString::fromUtf8(line)), qPrintable(QString("no line '%1' in:\n%2").arg(line, out)));
        QVERIFY(lines.contains("file:            " + path));
        QVERIFY(!out.contains("n_ff:"));  // a MoE model reports n_ff per expert instead

        // One row per tensor: name, type, shape, size.
        const qsizetype at = lines.indexOf("tensors:");
        QVERIFY(at > 0);
        QStringList rows;
        for (qsizetype i = at + 1; i < lines.size(); ++i)
            if (!lines[i].isEmpty()) rows << lines[i].simplified();
        QCOMPARE(rows.size(), 33);
        QVERIFY2(rows.contains("blk.0.ffn_gate_exps.weight TQ2_0 [256, 256, 4] 66.0 KiB"), qPrintable(out));
        QVERIFY2(rows.contains("blk.2.ffn_gate_inp.weight F32 [256, 4] 4.0 KiB"), qPrintable(out));
        QVERIFY2(rows.contains("token_embd.weight F16 [256, 512] 256.0 KiB"), qPrintable(out));
        QVERIFY2(rows.contains("blk.1.attn_k.weight TQ2_0 [256, 128] 8.2 KiB"), qPrintable(out));  // 128 blocks x 66 B
    }

    void infoStories260K() {
        TERN_REQUIRE_SHARED(shared);
        const QStringList args{"info", "-m", model(shared, "stories260K.gguf")};
        const CliResult r = runCli(args);
        CHECK_EXIT(args, r, 0);
        const QStringList lines = QString::fromUtf8(r.out).split('\n');
        for (const char* line : {"architecture:    llama", "type:            F32", "n_vocab:         512",
                                 "n_ctx_train:     2048", "n_embd:          64", "n_layer:         5",
                                 "n_head:          8 (kv 4, head_dim 8)", "n_ff:            172"})
            QVERIFY2(lines.contains(QString::fromUtf8(line)), qPrintable(QString("no line '%1' in:\n%2").arg(line, r.out)));
        QVERIFY(!r.out.contains("experts:"));
    }

    // --- errors -------------------------------------------------------------------------------

    void missingFile_data() {
        QTest::addColumn<QString>("command");
        for (const char* c : {"generate", "info", "tokenize", "logits"}) QTest::newRow(c) << c;
    }

    void missingFile() {
        QFETCH(QString, command);
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString path = tmp.filePath("no-such-model.gguf");
        QStringList args{command, "-m", path};
        if (command == "generate" || command == "tokenize") args << "-p" << "hi";
        if (command == "logits") args << "--tokens" << "1" << "-o" << tmp.filePath("out.f32");
        const CliResult r = runCli(args);
        CHECK_EXIT(args, r, 1);
        QVERIFY(r.out.isEmpty());
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY(r.err.endsWith('\n'));
        QVERIFY2(r.err.contains(path.toUtf8()), r.err.constData());
    }

    void badModelFile_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<qint64>("bytes");  // prefix length of stories260K.gguf for "truncated"
        QTest::newRow("random bytes") << "random" << qint64(0);
        QTest::newRow("text file") << "text" << qint64(0);
        QTest::newRow("empty") << "truncated" << qint64(0);
        QTest::newRow("truncated 16") << "truncated" << qint64(16);
        QTest::newRow("truncated 1000") << "truncated" << qint64(1000);
        QTest::newRow("truncated 5000") << "truncated" << qint64(5000);      // inside the vocabulary
        QTest::newRow("truncated 600000") << "truncated" << qint64(600000);  // inside the tensor data
        QTest::newRow("last byte missing") << "truncated" << qint64(1185375);
    }

    void badModelFile() {
        TERN_REQUIRE_SHARED(shared);
        QFETCH(QString, kind);
        QFETCH(qint64, bytes);
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString path = tmp.filePath("bad.gguf");
        QByteArray data;
        if (kind == "random") {
            QRandomGenerator gen(20240601);
            data.resize(64 * 1024);
            for (char& c : data) c = static_cast<char>(gen.bounded(256));
        } else if (kind == "text") {
            data = "This is a plain text file that was renamed to .gguf.\nIt has two lines.\n";
        } else {
            const QByteArray full = tern::test::readAll(model(shared, "stories260K.gguf"));
            QCOMPARE(full.size(), qsizetype(1185376));
            data = full.left(bytes);
        }
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QCOMPARE(f.write(data), qint64(data.size()));
        f.close();

        const QList<QStringList> runs{
            {"generate", "-m", path, "-p", "Once upon a time", "-n", "4"},
            {"info", "-m", path},
            {"tokenize", "-m", path, "-p", "Once upon a time"},
            {"logits", "-m", path, "--tokens", "1,2", "-o", tmp.filePath("out.f32")},
        };
        for (const QStringList& args : runs) {
            const CliResult r = runCli(args);
            CHECK_EXIT(args, r, 1);
            QVERIFY2(r.out.isEmpty(), qPrintable(describe(args, r)));
            QVERIFY2(r.err.count('\n') == 1 && r.err.endsWith('\n'), qPrintable(describe(args, r)));
            QVERIFY2(r.err.contains(path.toUtf8()), qPrintable(describe(args, r)));
        }
    }

    void unknownCommand() {
        const QStringList args{"frobnicate", "-m", "x.gguf"};
        const CliResult r = runCli(args);
        CHECK_EXIT(args, r, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.startsWith("tern-cli: unknown command 'frobnicate'\n"), r.err.constData());
        QVERIFY(r.err.contains("usage: tern-cli COMMAND"));

        const QStringList none;
        const CliResult n = runCli(none);
        CHECK_EXIT(none, n, 2);
        QVERIFY(n.out.isEmpty());
        QVERIFY2(n.err.startsWith("usage: tern-cli COMMAND"), n.err.constData());
    }

    void usageErrors_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");  // part of the one line on stderr
        const QString m = QStringLiteral("@MODEL@");
        QTest::newRow("generate without -p") << QStringList{"generate", "-m", m} << "missing -p TEXT";
        QTest::newRow("tokenize without -p") << QStringList{"tokenize", "-m", m} << "missing -p TEXT";
        QTest::newRow("generate without -m") << QStringList{"generate", "-p", "hi"} << "missing -m MODEL";
        QTest::newRow("info without -m") << QStringList{"info"} << "missing -m MODEL";
        QTest::newRow("logits without --tokens") << QStringList{"logits", "-m", m, "-o", "x.f32"} << "missing --tokens";
        QTest::newRow("logits without -o") << QStringList{"logits", "-m", m, "--tokens", "1"} << "missing -o FILE";
        QTest::newRow("-n abc") << QStringList{"generate", "-m", m, "-p", "hi", "-n", "abc"} << "'abc'";
        QTest::newRow("-n -2") << QStringList{"generate", "-m", m, "-p", "hi", "-n", "-2"} << "n-predict";
        QTest::newRow("--temp abc") << QStringList{"generate", "-m", m, "-p", "hi", "--temp", "abc"} << "--temp";
        QTest::newRow("--temp -1") << QStringList{"generate", "-m", m, "-p", "hi", "--temp", "-1"} << "--temp";
        QTest::newRow("--top-p 2") << QStringList{"generate", "-m", m, "-p", "hi", "--top-p", "2"} << "--top-p";
        QTest::newRow("--ctx -5") << QStringList{"generate", "-m", m, "-p", "hi", "--ctx", "-5"} << "--ctx";
        QTest::newRow("--seed x") << QStringList{"generate", "-m", m, "-p", "hi", "--seed", "x"} << "--seed";
        QTest::newRow("unknown option") << QStringList{"generate", "-m", m, "-p", "hi", "--bogus"} << "bogus";
        QTest::newRow("--backend gpu") << QStringList{"generate", "-m", m, "-p", "hi", "--backend", "gpu"} << "--backend";
        QTest::newRow("--device with cpu")
            << QStringList{"generate", "-m", m, "-p", "hi", "--backend", "cpu", "--device", "0"} << "--device";
        QTest::newRow("stray argument") << QStringList{"info", "-m", m, "extra"} << "'extra'";
        QTest::newRow("bad token id") << QStringList{"logits", "-m", m, "--tokens", "1,x", "-o", "x.f32"} << "'x'";
        QTest::newRow("prompt longer than context")
            << QStringList{"generate", "-m", m, "-p", "Once upon a time", "--ctx", "4"} << "context";
    }

    void usageErrors() {
        TERN_REQUIRE_SHARED(shared);
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        args.replaceInStrings("@MODEL@", model(shared, "stories260K.gguf"));
        QTemporaryDir tmp;  // "x.f32" must never be written: run where it does no harm
        QVERIFY(tmp.isValid());
        for (QString& a : args)
            if (a == "x.f32") a = tmp.filePath("x.f32");
        const CliResult r = runCli(args);
        CHECK_EXIT(args, r, 1);
        QVERIFY2(r.out.isEmpty(), qPrintable(describe(args, r)));
        QVERIFY2(r.err.startsWith("tern-cli: ") && r.err.count('\n') == 1 && r.err.endsWith('\n'),
                 qPrintable(describe(args, r)));
        QVERIFY2(r.err.contains(message.toUtf8()), qPrintable(describe(args, r)));
        QVERIFY(!QFile::exists(tmp.filePath("x.f32")));
    }

    void help_data() {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("option");  // an option the help must list
        QTest::newRow("generate") << "generate" << "--stats-json <FILE>";
        QTest::newRow("chat") << "chat" << "--temp <T>";
        QTest::newRow("tokenize") << "tokenize" << "--no-bos";
        QTest::newRow("logits") << "logits" << "--tokens <IDS>";
        QTest::newRow("info") << "info" << "-m, --model <FILE>";
    }

    void help() {
        QFETCH(QString, command);
        QFETCH(QString, option);
        for (const char* flag : {"--help", "-h"}) {
            const QStringList args{command, flag};
            const CliResult r = runCli(args);
            CHECK_EXIT(args, r, 0);
            QVERIFY2(r.err.isEmpty(), r.err.constData());
            const QString out = QString::fromUtf8(r.out);
            QVERIFY2(out.startsWith("Usage: "), qPrintable(out));
            QVERIFY2(out.contains(option), qPrintable(out));
            QVERIFY2(out.contains("-h, --help"), qPrintable(out));
        }
    }

    void topLevelHelpAndVersion() {
        const QStringList helpArgs{"--help"};
        const CliResult h = runCli(helpArgs);
        CHECK_EXIT(helpArgs, h, 0);
        QVERIFY(h.err.isEmpty());
        QVERIFY(h.out.startsWith("usage: tern-cli COMMAND"));
        for (const char* c : {"generate", "chat", "tokenize", "logits", "info"}) QVERIFY(h.out.contains(c));

        const QStringList versionArgs{"--version"};
        const CliResult v = runCli(versionArgs);
        CHECK_EXIT(versionArgs, v, 0);
        // Version, then the build's backends and this CPU's features (app/core/build_info.h).
        QVERIFY2(QRegularExpression("^tern-cli \\d+\\.\\d+\\.\\d+\\nbackends: CPU(, Vulkan)?\\nCPU features: [^\\n]+\\n$")
                     .match(QString::fromUtf8(v.out))
                     .hasMatch(),
                 v.out.constData());
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
