// Synthetic random-weight models (tern/synth.h): the file loads as the model it describes
// (hyperparameters, tensor names, types and shapes as llama.cpp's `llama`), its weights have
// the documented statistics, it runs to finite logits, its vocabulary tokenizes any text, and
// bad parameters are clear errors. Also the GgufWriter's streamed tensors.
#include "tensor/fp16.h"
#include "tensor/quants.h"
#include "tern/error.h"
#include "tern/gguf.h"
#include "tern/model.h"
#include "tern/session.h"
#include "tern/synth.h"
#include "tern/tokenizer.h"

#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <map>
#include <set>

using namespace tern;

namespace {

// A small model of the anchor's layout: every matrix row a multiple of 256.
SynthParams tiny(bool moe, Type type) {
    SynthParams p;
    p.n_vocab = 512;
    p.n_ctx = 128;
    p.n_embd = 256;
    p.n_layer = 2;
    p.n_head = 4;
    p.n_head_kv = 2;
    p.n_ff = 512;
    p.n_expert = moe ? 4 : 0;
    p.n_expert_used = moe ? 2 : 0;
    p.type = type;
    p.seed = 7;
    p.n_threads = 2;
    return p;
}

std::vector<int64_t> shape(const GgufTensorInfo& t) { return {t.ne, t.ne + t.n_dims}; }

std::vector<float> dequantize(const GgufTensorInfo& t) {
    std::vector<float> out(static_cast<size_t>(t.n_elements()));
    ref::dequantize_row(t.type, t.data, out.data(), t.n_elements());
    return out;
}

QByteArray fileBytes(const std::string& path) { return test::readAll(QString::fromStdString(path)); }

}  // namespace

class TestSynth : public QObject {
    Q_OBJECT
private slots:
    void loadsAndRuns_data() {
        QTest::addColumn<bool>("moe");
        QTest::addColumn<int>("type");
        QTest::newRow("moe TQ2_0") << true << int(Type::TQ2_0);
        QTest::newRow("moe TQ1_0") << true << int(Type::TQ1_0);
        QTest::newRow("moe Q8_0") << true << int(Type::Q8_0);
        QTest::newRow("dense TQ2_0") << false << int(Type::TQ2_0);
        QTest::newRow("dense Q4_0") << false << int(Type::Q4_0);
        QTest::newRow("dense F16") << false << int(Type::F16);
    }

    void mainTypeCountsWeightsNotBytes() {
        // A dense TQ2_0 model whose Q8_0 embedding table and head take more bytes (1.1 MB) than
        // its ternary matrices (0.3 MB) but hold fewer weights: shown as TQ2_0.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("m.gguf").toStdString();
        SynthParams p = tiny(false, Type::TQ2_0);
        p.n_vocab = 2048;
        write_synthetic_model(path, p);
        auto model = Model::load(path, {.load_tokenizer = false});
        uint64_t q8_bytes = 0, tq2_bytes = 0;
        for (const GgufTensorInfo& t : model->gguf().tensors()) {
            if (t.type == Type::Q8_0) q8_bytes += t.n_bytes;
            if (t.type == Type::TQ2_0) tq2_bytes += t.n_bytes;
        }
        QVERIFY(q8_bytes > tq2_bytes);
        QCOMPARE(model->main_type(), std::string("TQ2_0"));
    }

    void loadsAndRuns() {
        QFETCH(bool, moe);
        QFETCH(int, type);
        const Type t = static_cast<Type>(type);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("m.gguf").toStdString();
        const SynthParams p = tiny(moe, t);
        write_synthetic_model(path, p);

        auto model = Model::load(path);
        const HParams& hp = model->hparams();
        QCOMPARE(hp.arch, std::string("llama"));
        QCOMPARE(hp.n_vocab, 512);
        QCOMPARE(hp.n_ctx_train, 128);
        QCOMPARE(hp.n_embd, 256);
        QCOMPARE(hp.n_layer, 2);
        QCOMPARE(hp.n_head, 4);
        QCOMPARE(hp.n_head_kv, 2);
        QCOMPARE(hp.head_dim, 64);
        QCOMPARE(hp.n_rot, 64);
        QCOMPARE(hp.n_expert, moe ? 4 : 0);
        QCOMPARE(hp.n_expert_used, moe ? 2 : 0);
        QCOMPARE(moe ? hp.n_ff_exp : hp.n_ff, 512);
        QCOMPARE(hp.rms_eps, 1e-5f);
        QCOMPARE(hp.rope_freq_base, 10000.0f);
        QCOMPARE(model->n_params(), synth_n_params(p));
        QCOMPARE(model->main_type(), std::string(type_name(t)));

        const GgufFile& f = model->gguf();
        const std::map<Type, uint64_t> ftype{{Type::TQ2_0, 37}, {Type::TQ1_0, 36}, {Type::Q8_0, 7},
                                             {Type::Q4_0, 2}, {Type::F16, 1}};
        QCOMPARE(f.get_uint("general.file_type").value_or(999), ftype.at(t));
        QCOMPARE(f.get_uint("general.quantization_version").value_or(0), uint64_t(2));
        QCOMPARE(std::string(f.get_string("general.name").value_or("")), std::string("tern-synth"));
        QCOMPARE(f.get_uint("llama.feed_forward_length").value_or(0), uint64_t(512));
        QCOMPARE(f.find("llama.expert_count") != nullptr, moe);

        // Every tensor of llama.cpp's `llama` with its type and shape, and nothing else.
        std::map<std::string, std::pair<Type, std::vector<int64_t>>> want{
            {"token_embd.weight", {Type::Q8_0, {256, 512}}},
            {"output.weight", {Type::Q8_0, {256, 512}}},
            {"output_norm.weight", {Type::F32, {256}}},
        };
        for (int il = 0; il < 2; ++il) {
            const std::string b = "blk." + std::to_string(il) + ".";
            want[b + "attn_norm.weight"] = {Type::F32, {256}};
            want[b + "ffn_norm.weight"] = {Type::F32, {256}};
            want[b + "attn_q.weight"] = {t, {256, 256}};
            want[b + "attn_k.weight"] = {t, {256, 128}};
            want[b + "attn_v.weight"] = {t, {256, 128}};
            want[b + "attn_output.weight"] = {t, {256, 256}};
            if (moe) {
                want[b + "ffn_gate_inp.weight"] = {Type::F32, {256, 4}};
                want[b + "ffn_gate_exps.weight"] = {t, {256, 512, 4}};
                want[b + "ffn_up_exps.weight"] = {t, {256, 512, 4}};
                want[b + "ffn_down_exps.weight"] = {t, {512, 256, 4}};
            } else {
                want[b + "ffn_gate.weight"] = {t, {256, 512}};
                want[b + "ffn_up.weight"] = {t, {256, 512}};
                want[b + "ffn_down.weight"] = {t, {512, 256}};
            }
        }
        QCOMPARE(f.tensors().size(), want.size());
        for (const GgufTensorInfo& ti : f.tensors()) {
            QVERIFY2(want.count(ti.name), ti.name.c_str());
            QVERIFY2(ti.type == want[ti.name].first, ti.name.c_str());
            QVERIFY2(shape(ti) == want[ti.name].second, ti.name.c_str());
        }
        for (float x : dequantize(*f.find_tensor("blk.1.ffn_norm.weight"))) QCOMPARE(x, 1.0f);

        // Finite logits for a batch, then for one more token.
        SessionOptions so;
        so.n_threads = 2;
        Session s(*model, so);
        const std::vector<int32_t> ids = model->tokenizer().encode("Once upon a time", true);
        QVERIFY(ids.size() >= 2);
        std::vector<float> logits = s.eval(ids, true);
        QCOMPARE(logits.size(), ids.size() * 512);
        const std::vector<float> next = s.eval(std::vector<int32_t>{5});
        logits.insert(logits.end(), next.begin(), next.end());
        double sum_abs = 0;
        for (float x : logits) {
            QVERIFY(std::isfinite(x));
            sum_abs += std::fabs(x);
        }
        QVERIFY(sum_abs > 0);  // random weights give non-zero logits
    }

    // Ternary codes: each of −1, 0, +1 about a third of the time, one scale d = 0.02·√1.5 (fp16);
    // float weights: mean 0, standard deviation 0.02.
    void weightStatistics() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        for (Type t : {Type::TQ2_0, Type::TQ1_0}) {
            const std::string path = dir.filePath(QString("s%1.gguf").arg(int(t))).toStdString();
            write_synthetic_model(path, tiny(true, t));
            auto f = GgufFile::open(path);
            const float d = fp16_to_fp32(fp32_to_fp16(0.02f * std::sqrt(1.5f)));
            const std::vector<float> w = dequantize(*f->find_tensor("blk.0.ffn_up_exps.weight"));
            size_t neg = 0, zero = 0, pos = 0;
            for (float x : w) {
                if (x == -d) ++neg;
                else if (x == 0) ++zero;
                else if (x == d) ++pos;
                else QFAIL(qPrintable(QString("value %1 is not in {-d, 0, d}").arg(x)));
            }
            for (size_t c : {neg, zero, pos}) QVERIFY2(std::fabs(double(c) / double(w.size()) - 1.0 / 3) < 0.01, type_name(t).data());

            const std::vector<float> e = dequantize(*f->find_tensor("token_embd.weight"));
            double sum = 0, sum2 = 0;
            for (float x : e) sum += x, sum2 += double(x) * x;
            const double mean = sum / double(e.size()), sd = std::sqrt(sum2 / double(e.size()) - mean * mean);
            QVERIFY2(std::fabs(mean) < 1e-3, qPrintable(QString::number(mean)));
            QVERIFY2(std::fabs(sd - 0.02) < 0.001, qPrintable(QString::number(sd)));
        }
    }

    void vocabularyTokenizesAnyText() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("v.gguf").toStdString();
        SynthParams p = tiny(false, Type::Q8_0);
        p.n_vocab = 2000;
        write_synthetic_model(path, p);
        auto f = GgufFile::open(path);
        const auto tokens = f->get_string_array("tokenizer.ggml.tokens").value();
        const auto types = f->get_i32_array("tokenizer.ggml.token_type").value();
        QCOMPARE(tokens.size(), size_t(2000));
        QCOMPARE(std::string(tokens[0]), std::string("<unk>"));
        QCOMPARE(std::string(tokens[1]), std::string("<s>"));
        QCOMPARE(std::string(tokens[2]), std::string("</s>"));
        QCOMPARE(std::string(tokens[3]), std::string("<0x00>"));
        QCOMPARE(std::string(tokens[258]), std::string("<0xFF>"));
        QCOMPARE(types[3], 6);
        QCOMPARE(std::string(tokens[259]), std::string("\xE2\x96\x81"));
        QCOMPARE(std::string(tokens[260]), std::string("!"));
        QCOMPARE(std::set<std::string_view>(tokens.begin(), tokens.end()).size(), tokens.size());  // unique

        auto tok = Tokenizer::from_gguf(*f);
        const std::string text = "Hello, world! the cat sat on a mat. \xC3\xBC\xE2\x82\xAC\n\t{x}";
        const std::vector<int32_t> ids = tok->encode(text, true);
        QCOMPARE(ids.front(), 1);
        QCOMPARE(tok->decode(std::vector<int32_t>(ids.begin() + 1, ids.end())), text);
        // Words are merged into pieces: far fewer tokens than bytes.
        QVERIFY2(ids.size() < text.size(), qPrintable(QString::number(ids.size())));
    }

    void deterministic() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string a = dir.filePath("a.gguf").toStdString(), b = dir.filePath("b.gguf").toStdString(),
                          c = dir.filePath("c.gguf").toStdString();
        SynthParams p = tiny(true, Type::TQ2_0);
        write_synthetic_model(a, p);
        p.n_threads = 1;  // chunks are seeded on their own: the thread count does not matter
        write_synthetic_model(b, p);
        p.seed = 8;
        write_synthetic_model(c, p);
        const QByteArray A = fileBytes(a), B = fileBytes(b), C = fileBytes(c);
        QVERIFY(A.size() > 100000);
        QCOMPARE(A, B);
        QCOMPARE(C.size(), A.size());
        QVERIFY(C != A);
    }

    void rejectsBadParameters_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<int>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("embedding row") << "n_embd" << 48 << "n_embd 48 is not a multiple of the Q8_0 block size 32 (row length of token_embd)";
        QTest::newRow("matrix row") << "n_embd" << 320 << "n_embd 320 is not a multiple of the TQ2_0 block size 256 (row length of blk.N.attn_q)";
        QTest::newRow("n_ff not a block multiple") << "n_ff" << 100 << "n_ff 100 is not a multiple of the TQ2_0 block size 256";
        QTest::newRow("kv heads") << "n_head_kv" << 3 << "n_head 4 is not a multiple of n_head_kv 3";
        QTest::newRow("too many kv heads") << "n_head_kv" << 8 << "n_head_kv must be from 1 to 4, got 8";
        QTest::newRow("odd head dim") << "n_head" << 256 << "must be a whole, even head dimension";
        QTest::newRow("used > experts") << "n_expert_used" << 5 << "n_expert_used must be from 1 to 4, got 5";
        QTest::newRow("small vocab") << "n_vocab" << 100 << "n_vocab must be from 259";
        QTest::newRow("no layers") << "n_layer" << 0 << "n_layer must be from 1";
        QTest::newRow("dense with used") << "dense" << 2 << "n_expert_used must be 0 for a dense model";
        QTest::newRow("arch") << "arch" << 0 << "architecture 'gpt2' is not supported";
        QTest::newRow("type") << "type" << int(Type::Q8_K) << "type Q8_K is not supported";
    }

    void rejectsBadParameters() {
        QFETCH(QString, field);
        QFETCH(int, value);
        QFETCH(QString, message);
        SynthParams p = tiny(true, Type::TQ2_0);
        if (field == "n_embd") p.n_embd = value;
        if (field == "n_ff") p.n_ff = value;
        if (field == "n_head_kv") p.n_head_kv = value;
        if (field == "n_head") p.n_head = value;
        if (field == "n_expert_used") p.n_expert_used = value;
        if (field == "n_vocab") p.n_vocab = value;
        if (field == "n_layer") p.n_layer = value;
        if (field == "dense") p.n_expert = 0, p.n_expert_used = value;
        if (field == "arch") p.arch = "gpt2";
        if (field == "type") p.type = static_cast<Type>(value);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("bad.gguf").toStdString();
        try {
            write_synthetic_model(path, p);
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
        QVERIFY(!QFile::exists(QString::fromStdString(path)));
    }

    void unwritablePathIsAnError() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("no-such-dir/m.gguf").toStdString();
        try {
            write_synthetic_model(path, tiny(false, Type::TQ2_0));
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains(QString::fromStdString(path)), e.what());
        }
    }

    void typeNames() {
        QCOMPARE(synth_type_from_name("tq2_0").value(), Type::TQ2_0);
        QCOMPARE(synth_type_from_name("TQ1_0").value(), Type::TQ1_0);
        QCOMPARE(synth_type_from_name("q4_0").value(), Type::Q4_0);
        QVERIFY(!synth_type_from_name("Q8_K").has_value());
        QVERIFY(!synth_type_from_name("I2_S").has_value());
        QVERIFY(!synth_type_from_name("").has_value());
    }

    // A streamed tensor gives the same file as the same bytes given up front; a fill that throws
    // fails the write and leaves no file.
    void writerStreamsTensors() {
        std::vector<uint8_t> data(4 * 34);
        for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7);
        const auto build = [&](GgufWriter& w, bool stream, bool fail) {
            w.add_u32("x", 1);
            w.add_tensor("a", Type::F32, {3}, std::vector<uint8_t>(12, 1));
            if (stream)
                w.add_tensor_streamed("b", Type::Q8_0, {32, 4}, [&, fail](uint8_t* dst, size_t n) {
                    if (fail) throw Error("fill failed");
                    QCOMPARE(n, data.size());
                    std::memcpy(dst, data.data(), n);
                });
            else
                w.add_tensor("b", Type::Q8_0, {32, 4}, data);
        };
        GgufWriter streamed, whole, failing;
        build(streamed, true, false);
        build(whole, false, false);
        build(failing, true, true);
        const std::vector<uint8_t> want = whole.to_bytes();
        QCOMPARE(streamed.to_bytes(), want);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string ok = dir.filePath("ok.gguf").toStdString(), bad = dir.filePath("bad.gguf").toStdString();
        streamed.write(ok);
        QCOMPARE(fileBytes(ok), QByteArray(reinterpret_cast<const char*>(want.data()), qsizetype(want.size())));
        QVERIFY_THROWS_EXCEPTION(Error, failing.write(bad));
        QVERIFY(!QFile::exists(QString::fromStdString(bad)));
        GgufWriter w;
        QVERIFY_THROWS_EXCEPTION(Error, w.add_tensor_streamed("c", Type::Q8_0, {32, 4}, GgufWriter::TensorFill{}));
    }
};

QTEST_APPLESS_MAIN(TestSynth)
#include "test_synth.moc"
