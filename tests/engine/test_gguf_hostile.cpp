// Hostile GGUF files: every malformed input must give a one-line tern::Error naming the file
// and the problem, never a crash, an abort or a huge allocation (run this under ASan/UBSan).

#include "test_support.h"

#include "tern/error.h"
#include "tern/gguf.h"

#include <QTemporaryDir>

#include <fstream>
#include <string>
#include <vector>

using namespace tern;

namespace {

constexpr uint32_t kMagic = 0x46554747u;
constexpr uint32_t U8 = 0, U32 = 4, I32 = 5, BOOL = 7, STRING = 8, ARRAY = 9, U64 = 10;
constexpr uint32_t F32 = 0, Q8_0 = 8;

// Little-endian raw byte builder.
struct Bytes {
    std::vector<uint8_t> b;
    Bytes& le(uint64_t v, int n) {
        for (int k = 0; k < n; ++k) b.push_back(static_cast<uint8_t>(v >> (8 * k)));
        return *this;
    }
    Bytes& u8(uint8_t v) { return le(v, 1); }
    Bytes& u32(uint32_t v) { return le(v, 4); }
    Bytes& u64(uint64_t v) { return le(v, 8); }
    Bytes& str(const std::string& s) {
        u64(s.size());
        b.insert(b.end(), s.begin(), s.end());
        return *this;
    }
    Bytes& key(const std::string& k, uint32_t type) { return str(k).u32(type); }
    Bytes& zeros(size_t n) {
        b.insert(b.end(), n, 0);
        return *this;
    }
};

struct TensorSpec {
    std::string name;
    std::vector<uint64_t> ne;
    uint32_t type = F32;
    uint64_t offset = 0;
    int n_dims = -1;  // written n_dims; -1: ne.size()
};

// A small file: header, metadata records, tensor infos, padding to 32, data bytes.
struct Spec {
    uint32_t magic = kMagic;
    uint32_t version = 3;
    std::vector<std::vector<uint8_t>> kvs;
    std::vector<TensorSpec> tensors;
    int64_t n_kv = -1, n_tensors = -1;  // -1: the real counts
    size_t data_bytes = 0;

    // Where each part starts in the built file, for cutting it inside a given section.
    std::vector<size_t> kv_at, info_at;
    size_t data_at = 0;

    Spec& kv(const Bytes& record) {
        kvs.push_back(record.b);
        return *this;
    }
    std::vector<uint8_t> build() {
        Bytes o;
        o.u32(magic).u32(version);
        o.u64(n_tensors >= 0 ? uint64_t(n_tensors) : tensors.size());
        o.u64(n_kv >= 0 ? uint64_t(n_kv) : kvs.size());
        kv_at.clear();
        info_at.clear();
        for (const auto& r : kvs) {
            kv_at.push_back(o.b.size());
            o.b.insert(o.b.end(), r.begin(), r.end());
        }
        for (const TensorSpec& t : tensors) {
            info_at.push_back(o.b.size());
            o.str(t.name).u32(t.n_dims >= 0 ? uint32_t(t.n_dims) : uint32_t(t.ne.size()));
            for (uint64_t n : t.ne) o.u64(n);
            o.u32(t.type).u64(t.offset);
        }
        while (o.b.size() % 32) o.b.push_back(0);
        data_at = o.b.size();
        for (size_t k = 0; k < data_bytes; ++k) o.b.push_back(static_cast<uint8_t>(k * 13 + 5));
        return o.b;
    }
};

// Valid: 3 metadata values (string, u32, i32 array), w0 F32 [4,2] at 0 and w1 F32 [32] at 32.
// The data ends exactly on the alignment, so every shorter prefix is a truncated file.
Spec base() {
    Spec s;
    s.kv(Bytes().key("general.architecture", STRING).str("llama"));
    s.kv(Bytes().key("t.count", U32).u32(7));
    s.kv(Bytes().key("t.arr", ARRAY).u32(I32).u64(3).u32(1).u32(2).u32(3));
    s.tensors = {{"w0", {4, 2}, F32, 0}, {"w1", {32}, F32, 32}};
    s.data_bytes = 32 + 128;
    return s;
}

QByteArray qba(const std::vector<uint8_t>& v) {
    return QByteArray(reinterpret_cast<const char*>(v.data()), static_cast<qsizetype>(v.size()));
}
QByteArray cut(Spec s, size_t n) {
    const auto v = s.build();
    return qba(std::vector<uint8_t>(v.begin(), v.begin() + static_cast<ptrdiff_t>(n)));
}

// Writes the bytes and opens them: "" when the file opened, else the error message.
// Any exception other than tern::Error is reported with a marker that no check accepts.
QString tryOpen(const QString& path, const QByteArray& bytes) {
    {
        std::ofstream out(path.toStdString(), std::ios::binary | std::ios::trunc);
        out.write(bytes.constData(), bytes.size());
    }
    try {
        auto f = GgufFile::open(path.toStdString());
        return {};
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        return QString("<<NOT a tern::Error>> ") + e.what();
    }
}

}  // namespace

class TestGgufHostile : public QObject {
    Q_OBJECT

private slots:
    void baseIsValid() {
        QTemporaryDir dir;
        Spec s = base();
        const QString path = dir.filePath("base.gguf");
        QCOMPARE(tryOpen(path, qba(s.build())), QString());
        auto f = GgufFile::open(path.toStdString());
        QCOMPARE(f->tensors()[1].offset, uint64_t{32});
        QCOMPARE(f->data_offset() + 160, f->file_size());
    }

    void rejects_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("phrase");
        const uint64_t big60 = uint64_t{1} << 60;

        { Spec s = base(); s.magic = 0x58554747u; QTest::newRow("bad magic") << qba(s.build()) << "bad magic"; }
        { Spec s = base(); s.version = 1; QTest::newRow("version 1") << qba(s.build()) << "unsupported GGUF version 1"; }
        { Spec s = base(); s.version = 4; QTest::newRow("version 4") << qba(s.build()) << "unsupported GGUF version 4"; }
        { Spec s = base(); s.version = 0x03000000u; QTest::newRow("byte-swapped") << qba(s.build()) << "byte-swapped"; }
        QTest::newRow("empty file") << QByteArray() << "file is empty";
        QTest::newRow("short header") << cut(base(), 23) << "truncated in header";

        // Truncated inside each section.
        Spec s = base();
        s.build();
        const size_t k1 = s.kv_at[1], k2 = s.kv_at[2], i0 = s.info_at[0], i1 = s.info_at[1];
        QTest::newRow("cut header") << cut(s, 20) << "truncated in header";
        QTest::newRow("cut key length") << cut(s, k1 + 4) << "truncated in metadata key 1";
        QTest::newRow("cut key bytes") << cut(s, k1 + 10) << "truncated in metadata key 1";
        QTest::newRow("cut value type") << cut(s, k1 + 8 + 7 + 2) << "truncated in metadata key 1";
        QTest::newRow("cut string value") << cut(s, k1 - 2) << "truncated in metadata value 0 ('general.architecture')";
        QTest::newRow("cut u32 value") << cut(s, k2 - 1) << "truncated in metadata value 1";
        QTest::newRow("cut array header") << cut(s, k2 + 8 + 5 + 4 + 6) << "truncated in metadata value 2";
        QTest::newRow("cut array elements") << cut(s, i0 - 3) << "truncated in metadata value 2";
        QTest::newRow("cut tensor info 0") << cut(s, i0 + 3) << "truncated in tensor info 0";
        QTest::newRow("cut tensor info 1") << cut(s, i1 + 14) << "truncated in tensor info 1 ('w1')";
        QTest::newRow("cut tensor data") << cut(s, s.data_at + 40) << "tensor 'w1' data extends past end of file";
        QTest::newRow("cut before data") << cut(s, s.data_at) << "data extends past end of file";

        // Lengths and counts far beyond the file: rejected before any allocation.
        { Spec h = base(); h.kvs[0] = Bytes().u64(uint64_t{1} << 62).b;
          QTest::newRow("key length 2^62") << qba(h.build()) << "truncated in metadata key 0: string length 4611686018427387904"; }
        { Spec h = base(); h.kvs[0] = Bytes().key("general.architecture", STRING).u64(uint64_t{1} << 40).b;
          QTest::newRow("string length past EOF") << qba(h.build()) << "metadata value 0 ('general.architecture'): string length 1099511627776"; }
        { Spec h = base(); h.n_tensors = int64_t(big60); QTest::newRow("tensor count 2^60") << qba(h.build()) << "tensor count 1152921504606846976 is too large"; }
        { Spec h = base(); h.n_kv = int64_t(big60); QTest::newRow("kv count 2^60") << qba(h.build()) << "metadata count 1152921504606846976 is too large"; }
        { Spec h = base(); h.kvs[2] = Bytes().key("t.arr", ARRAY).u32(U8).u64(big60).b;
          QTest::newRow("array count 2^60") << qba(h.build()) << "array count 1152921504606846976"; }
        // 300 bytes would hold 300 u8 but only 37 strings (8-byte length each) or 25 arrays (12 bytes).
        { Spec h; h.kv(Bytes().key("s", ARRAY).u32(STRING).u64(100).zeros(300));
          QTest::newRow("string array count") << qba(h.build()) << "array count 100 of string"; }
        { Spec h; h.kv(Bytes().key("a", ARRAY).u32(ARRAY).u64(30).zeros(300));
          QTest::newRow("nested array count") << qba(h.build()) << "array count 30 of array"; }
        // Every element becomes a GgufValue, so the total is capped at 2^24 whatever the file size.
        { Spec h; h.kv(Bytes().key("big", ARRAY).u32(U8).u64((uint64_t{1} << 24) + 1).zeros((size_t{1} << 24) + 1));
          QTest::newRow("2^24+1 elements") << qba(h.build()) << "'big': arrays hold more than 16777216 elements in total"; }
        { Bytes r = Bytes().key("deep", ARRAY);
          for (int d = 0; d < 8; ++d) r.u32(ARRAY).u64(1);
          r.u32(U8).u64(1).u8(5);
          Spec h; h.kv(r);
          QTest::newRow("nesting depth 9") << qba(h.build()) << "arrays nested deeper than 8"; }

        // Tensor infos.
        { Spec h = base(); h.tensors[0].ne = {4, 0}; QTest::newRow("dimension 0") << qba(h.build()) << "tensor 'w0' has a dimension of 0"; }
        { Spec h = base(); h.tensors[0].ne = {uint64_t{1} << 32, uint64_t{1} << 32};
          QTest::newRow("dims overflow") << qba(h.build()) << "tensor 'w0': element count overflows int64"; }
        { Spec h = base(); h.tensors[0].ne = {uint64_t{1} << 63};
          QTest::newRow("dim 2^63") << qba(h.build()) << "element count overflows int64"; }
        { Spec h = base(); h.tensors[0].ne = {uint64_t{1} << 62};
          QTest::newRow("bytes overflow") << qba(h.build()) << "tensor 'w0': data size overflows"; }
        { Spec h = base(); h.tensors[0].ne = {4, 2, 1, 1, 1}; QTest::newRow("n_dims 5") << qba(h.build()) << "tensor 'w0' has 5 dimensions"; }
        { Spec h = base(); h.tensors[0].ne = {}; QTest::newRow("n_dims 0") << qba(h.build()) << "tensor 'w0' has 0 dimensions"; }
        { Spec h = base(); h.tensors[0].type = 99; QTest::newRow("unknown type") << qba(h.build()) << "tensor 'w0' has unknown type id 99"; }
        { Spec h = base(); h.tensors[0].type = Q8_0; h.tensors[0].ne = {33};
          QTest::newRow("row not whole blocks") << qba(h.build()) << "not a multiple of the Q8_0 block size 32"; }
        { Spec h = base(); h.tensors[1].name = "w0"; QTest::newRow("duplicate tensor") << qba(h.build()) << "duplicate tensor name 'w0'"; }
        { Spec h = base(); h.tensors[0].name = std::string(300, 'n'); QTest::newRow("long name") << qba(h.build()) << "longer than 256"; }

        // Alignment.
        { Spec h = base(); h.kv(Bytes().key("general.alignment", U32).u32(0));
          QTest::newRow("alignment 0") << qba(h.build()) << "general.alignment must be a non-zero power of two, not 0"; }
        { Spec h = base(); h.kv(Bytes().key("general.alignment", U32).u32(12));
          QTest::newRow("alignment 12") << qba(h.build()) << "general.alignment must be a non-zero power of two, not 12"; }
        { Spec h = base(); h.kv(Bytes().key("general.alignment", STRING).str("32"));
          QTest::newRow("alignment string") << qba(h.build()) << "general.alignment must be u32"; }
        { Spec h = base(); h.kv(Bytes().key("general.alignment", U64).u64(32));
          QTest::newRow("alignment u64") << qba(h.build()) << "general.alignment must be u32"; }

        // Tensor data placement.
        { Spec h = base(); h.tensors[1].offset = 64; QTest::newRow("data past EOF") << qba(h.build()) << "tensor 'w1' data extends past end of file"; }
        { Spec h = base(); h.tensors[1].offset = ~uint64_t{0} - 31;
          QTest::newRow("offset wraps") << qba(h.build()) << "tensor 'w1' data extends past end of file"; }
        { Spec h = base(); h.tensors[1].offset = 16;
          QTest::newRow("misaligned offset") << qba(h.build()) << "tensor 'w1' offset 16 is not a multiple of the alignment 32"; }
        { Spec h = base(); h.tensors[0].offset = 32; h.tensors[1].offset = 0;
          QTest::newRow("overlap") << qba(h.build()) << "tensor data of 'w1' and 'w0' overlap"; }

        // Metadata values.
        { Spec h = base(); h.kv(Bytes().key("flag", BOOL).u8(2)); QTest::newRow("bool 2") << qba(h.build()) << "'flag': bool value 2 is not 0 or 1"; }
        { Spec h = base(); h.kvs[1] = Bytes().key("t.count", 13).u32(7).b;
          QTest::newRow("value type 13") << qba(h.build()) << "'t.count' has unknown value type 13"; }
        { Spec h = base(); h.kvs[2] = Bytes().key("t.arr", ARRAY).u32(13).u64(1).u32(0).b;
          QTest::newRow("element type 13") << qba(h.build()) << "'t.arr' has unknown array element type 13"; }
        { Spec h = base(); h.kv(Bytes().key("t.count", U32).u32(8)); QTest::newRow("duplicate key") << qba(h.build()) << "duplicate metadata key 't.count'"; }
        { Spec h = base(); h.kv(Bytes().key("a\nb", U32).u32(1)).kv(Bytes().key("a\nb", U32).u32(2));
          QTest::newRow("control bytes in key") << qba(h.build()) << "duplicate metadata key 'a\\x0ab'"; }
    }

    void rejects() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, phrase);
        QTemporaryDir dir;
        const QString path = dir.filePath("hostile.gguf");
        const QString msg = tryOpen(path, bytes);
        QVERIFY2(!msg.isEmpty(), "the file opened");
        QVERIFY2(msg.startsWith(path + ": "), qPrintable(msg));
        QVERIFY2(msg.contains(phrase), qPrintable(msg));
        QVERIFY2(!msg.contains('\n'), qPrintable(msg));
    }

    void nestingLimitAllowsEight() {
        Bytes r = Bytes().key("deep", ARRAY);
        for (int d = 0; d < 7; ++d) r.u32(ARRAY).u64(1);
        r.u32(U8).u64(1).u8(5);
        Spec h;
        h.kv(r);
        QTemporaryDir dir;
        const QString path = dir.filePath("deep.gguf");
        QCOMPARE(tryOpen(path, qba(h.build())), QString());
        auto f = GgufFile::open(path.toStdString());
        const GgufValue* v = f->find("deep");
        for (int d = 0; d < 7; ++d) v = &v->array.at(0);
        QCOMPARE(v->elem_type, GgufValueType::UINT8);
        QCOMPARE(v->array.at(0).u, uint64_t{5});
    }

    void missingPathAndDirectory() {
        QTemporaryDir dir;
        const std::string missing = dir.filePath("nope.gguf").toStdString();
        try {
            GgufFile::open(missing);
            QFAIL("opened a missing file");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).startsWith(QString::fromStdString(missing) + ": cannot open"), e.what());
        }
        try {
            GgufFile::open(dir.path().toStdString());
            QFAIL("opened a directory");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).startsWith(dir.path() + ": "), e.what());
            QVERIFY2(QString(e.what()).contains("directory"), e.what());
        }
    }

    // Every prefix of a valid file is a truncated file: each must give an error, none a crash.
    void everyPrefixFails() {
        QTemporaryDir dir;
        const QString path = dir.filePath("prefix.gguf");
        const QByteArray full = qba(base().build());
        for (qsizetype n = 0; n < full.size(); ++n) {
            const QString msg = tryOpen(path, full.left(n));
            QVERIFY2(msg.startsWith(path + ": ") && !msg.contains("NOT a tern::Error"),
                     qPrintable(QString::number(n) + ": " + msg));
        }
        QCOMPARE(tryOpen(path, full), QString());
    }

    // Each byte flipped in three ways: the file either opens or gives a tern::Error.
    void byteFlips() {
        QTemporaryDir dir;
        const QString path = dir.filePath("flip.gguf");
        Spec s = base();
        const QByteArray good = qba(s.build());
        int opened = 0, rejected = 0;
        for (qsizetype p = 0; p < good.size(); ++p) {
            for (uint8_t mask : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xFF}}) {
                QByteArray bad = good;
                bad[p] = static_cast<char>(static_cast<uint8_t>(bad[p]) ^ mask);
                const QString msg = tryOpen(path, bad);
                QVERIFY2(msg.isEmpty() || (msg.startsWith(path + ": ") && !msg.contains("NOT a tern::Error")),
                         qPrintable(QString::number(p) + ": " + msg));
                // A changed magic byte always breaks the file; a changed data byte never does.
                if (p < 4) QVERIFY2(!msg.isEmpty(), qPrintable(QString::number(p)));
                if (p >= qsizetype(s.data_at)) QVERIFY2(msg.isEmpty(), qPrintable(QString::number(p) + ": " + msg));
                (msg.isEmpty() ? opened : rejected)++;
            }
        }
        QVERIFY(rejected > 0 && opened >= 3 * 160);
    }
};

QTEST_APPLESS_MAIN(TestGgufHostile)
#include "test_gguf_hostile.moc"
