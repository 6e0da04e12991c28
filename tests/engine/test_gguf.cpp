// GGUF reader/writer: round trips through GgufWriter, hand-built v2 files with every value
// type (nested arrays included), and the real fixtures in ../shared.

#include "test_support.h"

#include "tern/error.h"
#include "tern/gguf.h"
#include "tern/types.h"

#include <QDir>
#include <QTemporaryDir>

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

using namespace tern;

namespace {

// Little-endian raw byte builder for files the writer cannot produce.
struct Bytes {
    std::vector<uint8_t> b;
    Bytes& le(uint64_t v, int n) {
        for (int k = 0; k < n; ++k) b.push_back(static_cast<uint8_t>(v >> (8 * k)));
        return *this;
    }
    Bytes& u8(uint8_t v) { return le(v, 1); }
    Bytes& u16(uint16_t v) { return le(v, 2); }
    Bytes& u32(uint32_t v) { return le(v, 4); }
    Bytes& u64(uint64_t v) { return le(v, 8); }
    Bytes& f32(float v) { return u32(std::bit_cast<uint32_t>(v)); }
    Bytes& f64(double v) { return u64(std::bit_cast<uint64_t>(v)); }
    Bytes& str(const std::string& s) {
        u64(s.size());
        b.insert(b.end(), s.begin(), s.end());
        return *this;
    }
    Bytes& key(const std::string& k, GgufValueType t) { return str(k).u32(static_cast<uint32_t>(t)); }
    Bytes& pad(size_t align) {
        while (b.size() % align) b.push_back(0);
        return *this;
    }
};

void writeFile(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
    std::vector<uint8_t> v(n);
    for (size_t k = 0; k < n; ++k) v[k] = static_cast<uint8_t>(seed + 7 * k);
    return v;
}

}  // namespace

class TestGguf : public QObject {
    Q_OBJECT

private slots:
    void metadataRoundTrip() {
        QTemporaryDir dir;
        GgufWriter w;
        w.add_u32("t.u32", 4000000000u);
        w.add_i32("t.i32", -123456);
        w.add_u64("t.u64", (uint64_t{1} << 40) + 5);
        w.add_f32("t.f32", 1.5f);
        w.add_bool("t.true", true);
        w.add_bool("t.false", false);
        w.add_string("general.name", "h\xc3\xa9llo");
        w.add_string_array("t.strs", {"", "a", "bc"});
        w.add_f32_array("t.f32s", {0.25f, -2.0f, 3e-5f});
        w.add_i32_array("t.i32s", {-1, 0, 7});
        const std::string path = dir.filePath("meta.gguf").toStdString();
        w.write(path);

        auto f = GgufFile::open(path);
        QCOMPARE(f->version(), 3u);
        QCOMPARE(f->alignment(), uint64_t{32});
        QCOMPARE(f->tensors().size(), size_t{0});
        QCOMPARE(f->file_size(), uint64_t(w.to_bytes().size()));
        const char* order[] = {"t.u32", "t.i32", "t.u64", "t.f32", "t.true", "t.false",
                               "general.name", "t.strs", "t.f32s", "t.i32s"};
        QCOMPARE(f->metadata().size(), size_t{10});
        for (size_t k = 0; k < 10; ++k) QCOMPARE(f->metadata()[k].key, std::string(order[k]));

        QCOMPARE(f->find("t.u32")->type, GgufValueType::UINT32);
        QCOMPARE(*f->get_uint("t.u32"), uint64_t{4000000000u});
        QCOMPARE(*f->get_int("t.u32"), int64_t{4000000000});
        QCOMPARE(*f->get_int("t.i32"), int64_t{-123456});
        QCOMPARE(*f->get_uint("t.u64"), (uint64_t{1} << 40) + 5);
        QCOMPARE(*f->get_float("t.f32"), 1.5);
        QCOMPARE(*f->get_float("t.u32"), 4e9);
        QCOMPARE(*f->get_bool("t.true"), true);
        QCOMPARE(*f->get_bool("t.false"), false);
        QCOMPARE(*f->get_string("general.name"), std::string_view("h\xc3\xa9llo"));
        QCOMPARE(f->find("general.name")->str.size(), size_t{6});

        const auto strs = *f->get_string_array("t.strs");
        QCOMPARE(strs.size(), size_t{3});
        QCOMPARE(strs[0], std::string_view(""));
        QCOMPARE(strs[2], std::string_view("bc"));
        QCOMPARE(*f->get_f32_array("t.f32s"), (std::vector<float>{0.25f, -2.0f, 3e-5f}));
        QCOMPARE(*f->get_i32_array("t.i32s"), (std::vector<int32_t>{-1, 0, 7}));
        QCOMPARE(f->find("t.i32s")->elem_type, GgufValueType::INT32);

        // Absent → nullopt; wrong type → tern::Error naming the file.
        QVERIFY(!f->get_uint("nope").has_value());
        QVERIFY(!f->get_string_array("nope").has_value());
        QVERIFY(f->find("nope") == nullptr);
        QVERIFY_THROWS_EXCEPTION(Error, f->get_uint("t.i32"));  // negative
        QVERIFY_THROWS_EXCEPTION(Error, f->get_string("t.u32"));
        QVERIFY_THROWS_EXCEPTION(Error, f->get_bool("t.u32"));
        QVERIFY_THROWS_EXCEPTION(Error, f->get_uint("general.name"));
        QVERIFY_THROWS_EXCEPTION(Error, f->get_float("general.name"));
        QVERIFY_THROWS_EXCEPTION(Error, f->get_f32_array("t.i32s"));
        QVERIFY_THROWS_EXCEPTION(Error, f->get_i32_array("t.f32s"));
        QVERIFY_THROWS_EXCEPTION(Error, f->get_string_array("general.name"));
        try {
            (void)f->get_string("t.u32");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).startsWith(QString::fromStdString(path) + ": "), e.what());
            QVERIFY2(QString(e.what()).contains("'t.u32' is u32"), e.what());
        }
    }

    void tensorRoundTrip() {
        QTemporaryDir dir;
        GgufWriter w;
        w.set_alignment(64);
        w.add_string("general.architecture", "llama");
        const auto f32 = pattern(3 * 2 * 4, 1), f16 = pattern(5 * 2, 2);
        const auto q8 = pattern(2 * 2 * 34, 3), tq2 = pattern(2 * 66, 4);
        w.add_tensor("a.f32", Type::F32, {3, 2}, f32);
        w.add_tensor("b.f16", Type::F16, {5}, f16);
        w.add_tensor("c.q8", Type::Q8_0, {64, 2}, q8);
        w.add_tensor("d.tq2", Type::TQ2_0, {256, 1, 2}, tq2);
        const std::string path = dir.filePath("t.gguf").toStdString();
        w.write(path);

        auto f = GgufFile::open(path);
        QCOMPARE(f->alignment(), uint64_t{64});
        QCOMPARE(*f->get_uint("general.alignment"), uint64_t{64});
        QCOMPARE(f->find("general.alignment")->type, GgufValueType::UINT32);
        QCOMPARE(f->data_offset() % 64, uint64_t{0});
        QCOMPARE(f->tensors().size(), size_t{4});
        // Offsets are running sums of the sizes padded to 64: 24→64, 10→64, 136→192, 132→192.
        struct Want { const char* name; Type type; uint32_t n_dims; int64_t ne[4]; uint64_t off, bytes; const std::vector<uint8_t>* data; };
        const Want want[] = {
            {"a.f32", Type::F32, 2, {3, 2, 1, 1}, 0, 24, &f32},
            {"b.f16", Type::F16, 1, {5, 1, 1, 1}, 64, 10, &f16},
            {"c.q8", Type::Q8_0, 2, {64, 2, 1, 1}, 128, 136, &q8},
            {"d.tq2", Type::TQ2_0, 3, {256, 1, 2, 1}, 320, 132, &tq2},
        };
        for (size_t k = 0; k < 4; ++k) {
            const GgufTensorInfo& t = f->tensors()[k];
            QCOMPARE(t.name, std::string(want[k].name));
            QCOMPARE(t.type, want[k].type);
            QCOMPARE(t.n_dims, want[k].n_dims);
            for (int d = 0; d < 4; ++d) QCOMPARE(t.ne[d], want[k].ne[d]);
            QCOMPARE(t.offset, want[k].off);
            QCOMPARE(t.n_bytes, want[k].bytes);
            QVERIFY(std::memcmp(t.data, want[k].data->data(), t.n_bytes) == 0);
            QCOMPARE(f->find_tensor(want[k].name), &t);
        }
        QCOMPARE(f->tensors()[3].n_elements(), int64_t{512});
        QCOMPARE(f->tensors()[1].data - f->tensors()[0].data, ptrdiff_t{64});
        QCOMPARE(f->file_size(), f->data_offset() + 320 + 192);
        QVERIFY(f->find_tensor("zzz") == nullptr);
    }

    void writerRejectsBadInput() {
        GgufWriter w;
        QVERIFY_THROWS_EXCEPTION(Error, w.add_tensor("x", Type::F32, {4}, pattern(15, 0)));
        QVERIFY_THROWS_EXCEPTION(Error, w.add_tensor("x", Type::Q8_0, {33}, pattern(34, 0)));
        QVERIFY_THROWS_EXCEPTION(Error, w.add_tensor("x", Type::F32, {0}, {}));
        QVERIFY_THROWS_EXCEPTION(Error, w.add_tensor("x", Type::F32, {1, 1, 1, 1, 1}, pattern(4, 0)));
        w.add_tensor("x", Type::F32, {1}, pattern(4, 0));
        QVERIFY_THROWS_EXCEPTION(Error, w.add_tensor("x", Type::F32, {1}, pattern(4, 0)));
        w.add_u32("k", 1);
        QVERIFY_THROWS_EXCEPTION(Error, w.add_string("k", "dup"));
        QVERIFY_THROWS_EXCEPTION(Error, w.set_alignment(12));
        QVERIFY_THROWS_EXCEPTION(Error, w.set_alignment(0));
        QTemporaryDir dir;
        const std::string bad = dir.filePath("no/such/dir/x.gguf").toStdString();
        try {
            w.write(bad);
            QFAIL("write into a missing directory succeeded");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).startsWith(QString::fromStdString(bad) + ": "), e.what());
        }
    }

    // Hand-built version-2 file holding every value type, nested arrays and one tensor.
    void everyValueTypeVersion2() {
        Bytes b;
        b.u32(0x46554747u).u32(2).u64(1).u64(15);
        b.key("u8", GgufValueType::UINT8).u8(200);
        b.key("i8", GgufValueType::INT8).u8(0x80);
        b.key("u16", GgufValueType::UINT16).u16(65000);
        b.key("i16", GgufValueType::INT16).u16(static_cast<uint16_t>(-30000));
        b.key("u32", GgufValueType::UINT32).u32(7);
        b.key("i32", GgufValueType::INT32).u32(static_cast<uint32_t>(-7));
        b.key("f32", GgufValueType::FLOAT32).f32(-0.125f);
        b.key("bool", GgufValueType::BOOL).u8(1);
        b.key("str", GgufValueType::STRING).str("xyz");
        b.key("u64", GgufValueType::UINT64).u64(~uint64_t{0});
        b.key("i64", GgufValueType::INT64).u64(static_cast<uint64_t>(INT64_MIN));
        b.key("f64", GgufValueType::FLOAT64).f64(2.5e300);
        // [[1, 2], [], [3]] as array of arrays of u16
        b.key("nested", GgufValueType::ARRAY).u32(9).u64(3);
        b.u32(2).u64(2).u16(1).u16(2);
        b.u32(2).u64(0);
        b.u32(2).u64(1).u16(3);
        b.key("empty", GgufValueType::ARRAY).u32(8).u64(0);
        b.key("bools", GgufValueType::ARRAY).u32(7).u64(2).u8(0).u8(1);
        b.str("w").u32(1).u64(4).u32(0).u64(0);  // F32 [4] at offset 0
        b.pad(32);
        const size_t data_at = b.b.size();
        b.f32(1).f32(2).f32(3).f32(4);

        QTemporaryDir dir;
        const std::string path = dir.filePath("v2.gguf").toStdString();
        writeFile(path, b.b);
        auto f = GgufFile::open(path);
        QCOMPARE(f->version(), 2u);
        QCOMPARE(*f->get_uint("u8"), uint64_t{200});
        QCOMPARE(*f->get_int("i8"), int64_t{-128});
        QCOMPARE(*f->get_uint("u16"), uint64_t{65000});
        QCOMPARE(*f->get_int("i16"), int64_t{-30000});
        QCOMPARE(*f->get_uint("u32"), uint64_t{7});
        QCOMPARE(*f->get_int("i32"), int64_t{-7});
        QCOMPARE(*f->get_float("f32"), -0.125);
        QCOMPARE(*f->get_bool("bool"), true);
        QCOMPARE(*f->get_string("str"), std::string_view("xyz"));
        QCOMPARE(*f->get_uint("u64"), ~uint64_t{0});
        QVERIFY_THROWS_EXCEPTION(Error, f->get_int("u64"));  // does not fit int64
        QCOMPARE(*f->get_int("i64"), INT64_MIN);
        QCOMPARE(*f->get_float("f64"), 2.5e300);
        for (const char* k : {"u8", "i8", "u16", "i16", "u32", "i32", "u64", "i64"})
            QVERIFY2(f->find(k)->is_integer(), k);
        QVERIFY(!f->find("f32")->is_integer() && f->find("f64")->is_float() && !f->find("bool")->is_integer());

        const GgufValue* n = f->find("nested");
        QCOMPARE(n->type, GgufValueType::ARRAY);
        QCOMPARE(n->elem_type, GgufValueType::ARRAY);
        QCOMPARE(n->array.size(), size_t{3});
        QCOMPARE(n->array[0].elem_type, GgufValueType::UINT16);
        QCOMPARE(n->array[0].array.size(), size_t{2});
        QCOMPARE(n->array[0].array[1].u, uint64_t{2});
        QCOMPARE(n->array[1].array.size(), size_t{0});
        QCOMPARE(n->array[2].array[0].u, uint64_t{3});
        QCOMPARE(f->get_string_array("empty")->size(), size_t{0});
        QCOMPARE(f->find("bools")->array[1].u, uint64_t{1});

        QCOMPARE(f->data_offset(), uint64_t(data_at));
        const GgufTensorInfo* w = f->find_tensor("w");
        QVERIFY(w);
        float got[4];
        std::memcpy(got, w->data, sizeof got);
        QCOMPARE(got[3], 4.0f);
        QCOMPARE(w->n_bytes, uint64_t{16});
    }

    void valueTypeNames() {
        QCOMPARE(gguf_value_type_name(GgufValueType::UINT32), std::string_view("u32"));
        QCOMPARE(gguf_value_type_name(GgufValueType::STRING), std::string_view("string"));
        QCOMPARE(gguf_value_type_name(GgufValueType::FLOAT64), std::string_view("f64"));
        QCOMPARE(gguf_value_type_name(static_cast<GgufValueType>(13)), std::string_view("unknown"));
    }

    void stories260K() {
        TERN_REQUIRE_SHARED(shared);
        const std::string path = test::fixture(shared, "models/stories260K.gguf");
        auto f = GgufFile::open(path);
        QCOMPARE(f->version(), 3u);
        QCOMPARE(f->file_size(), uint64_t{1185376});
        QCOMPARE(*f->get_string("general.architecture"), std::string_view("llama"));
        QCOMPARE(*f->get_uint("llama.embedding_length"), uint64_t{64});
        QCOMPARE(*f->get_uint("llama.block_count"), uint64_t{5});
        QCOMPARE(*f->get_uint("llama.feed_forward_length"), uint64_t{172});
        QCOMPARE(*f->get_uint("llama.attention.head_count_kv"), uint64_t{4});
        QVERIFY(std::fabs(*f->get_float("llama.attention.layer_norm_rms_epsilon") - 1e-5) < 1e-10);
        const auto tokens = *f->get_string_array("tokenizer.ggml.tokens");
        QCOMPARE(tokens.size(), size_t{512});
        QCOMPARE(tokens[1], std::string_view("<s>"));
        QCOMPARE(tokens[3], std::string_view("<0x00>"));
        QCOMPARE(f->get_f32_array("tokenizer.ggml.scores")->size(), size_t{512});
        const auto types = *f->get_i32_array("tokenizer.ggml.token_type");
        QCOMPARE(types.size(), size_t{512});
        QCOMPARE(types[0], 2);
        QCOMPARE(types[3], 6);

        // 2 (token_embd, output_norm) + output + 5 layers x 9 tensors
        QCOMPARE(f->tensors().size(), size_t{48});
        QCOMPARE(f->data_offset(), uint64_t{14176});
        const GgufTensorInfo* emb = f->find_tensor("token_embd.weight");
        QVERIFY(emb);
        QCOMPARE(emb->type, Type::F32);
        QCOMPARE(emb->n_dims, 2u);
        QCOMPARE(emb->ne[0], int64_t{64});
        QCOMPARE(emb->ne[1], int64_t{512});
        QCOMPARE(emb->n_bytes, uint64_t{64 * 512 * 4});
        QCOMPARE(emb->offset, uint64_t{0});
        // The data pointer must address the bytes at data_offset + offset in the file.
        const QByteArray raw = test::readAll(QString::fromStdString(path));
        QCOMPARE(uint64_t(raw.size()), f->file_size());
        for (const GgufTensorInfo& t : f->tensors()) {
            QVERIFY(f->data_offset() + t.offset + t.n_bytes <= f->file_size());
            QVERIFY(std::memcmp(t.data, raw.constData() + f->data_offset() + t.offset, t.n_bytes) == 0);
        }
        float first;
        std::memcpy(&first, emb->data, 4);
        QCOMPARE(first, -0.29474878311157227f);
        const GgufTensorInfo* last = f->find_tensor("blk.4.ffn_norm.weight");
        QCOMPARE(f->data_offset() + last->offset + last->n_bytes, f->file_size());
    }

    void everyFixtureParses() {
        TERN_REQUIRE_SHARED(shared);
        int opened = 0;
        for (const char* sub : {"models", "vocab"}) {
            const QDir d(shared + "/fixtures/" + sub);
            for (const QString& name : d.entryList({"*.gguf"}, QDir::Files)) {
                const std::string path = d.filePath(name).toStdString();
                try {
                    auto f = GgufFile::open(path);
                    QVERIFY2(f->get_string("general.architecture").has_value(), path.c_str());
                    QVERIFY2(!f->metadata().empty(), path.c_str());
                    if (QString(sub) == "models") QVERIFY2(!f->tensors().empty(), path.c_str());
                    for (const GgufTensorInfo& t : f->tensors())
                        QVERIFY(f->data_offset() + t.offset + t.n_bytes <= f->file_size());
                    ++opened;
                } catch (const Error& e) {
                    QFAIL(e.what());
                }
            }
        }
        QVERIFY2(opened >= 30, qPrintable(QString::number(opened)));
    }
};

QTEST_APPLESS_MAIN(TestGguf)
#include "test_gguf.moc"
