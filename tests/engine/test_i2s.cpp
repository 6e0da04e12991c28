// bitnet.cpp's I2_S (formats.md §3): hand-built tensors pin the element order (byte j of block
// b holds elements 128b + j + 32g at shift 6 − 2g), the codes (0/1/2/3 → −1/0/+1/0) and the
// float32 scale at byte n/4; the load-time conversion to TQ2_0_S32 keeps every value and the
// scale exactly; the reader accepts id 36 only with bitnet.cpp provenance; and a model written
// in I2_S runs like the same weights in TQ2_0 (bit for bit) and in F32 (exact math).
#include "model_check.h"
#include "test_support.h"

#include "model/weights.h"
#include "tensor/fp16.h"
#include "tensor/quants.h"
#include "tern/error.h"
#include "tern/gguf.h"
#include "tern/model.h"
#include "tern/session.h"

#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

using namespace tern;
using namespace tern::ref;
using namespace tern::test;

namespace {

// An I2_S tensor of n elements with every code 1 (value 0) and the scale at byte n/4.
std::vector<uint8_t> zeroTensor(int64_t n, float scale) {
    std::vector<uint8_t> t(i2s_tensor_bytes(uint64_t(n)), 0);
    std::memset(t.data(), 0x55, size_t(n / 4));
    std::memcpy(t.data() + n / 4, &scale, 4);
    return t;
}

// Deterministic ternary values ±scale / 0 (a small LCG, no library RNG).
std::vector<float> ternary(int64_t n, float scale, uint32_t seed) {
    std::vector<float> v(static_cast<size_t>(n));
    uint32_t s = seed * 2654435761u + 1;
    for (auto& x : v) {
        s = s * 1664525u + 1013904223u;
        x = float(int((s >> 16) % 3) - 1) * scale;
    }
    return v;
}

std::vector<float> uniform(int64_t n, float center, float amp, uint32_t seed) {
    std::vector<float> v(static_cast<size_t>(n));
    uint32_t s = seed * 2246822519u + 7;
    for (auto& x : v) {
        s = s * 1664525u + 1013904223u;
        x = center + (float((s >> 8) & 0xFFFF) / 65535.0f * 2.0f - 1.0f) * amp;
    }
    return v;
}

std::vector<uint8_t> bytesOf(const std::vector<float>& v) {
    std::vector<uint8_t> b(v.size() * 4);
    std::memcpy(b.data(), v.data(), b.size());
    return b;
}

std::vector<uint8_t> encode(Type t, const std::vector<float>& v) {
    const auto n = int64_t(v.size());
    if (t == Type::F32) return bytesOf(v);
    std::vector<uint8_t> b(t == Type::I2_S ? i2s_tensor_bytes(uint64_t(n)) : row_bytes(t, n));
    if (t == Type::I2_S)
        quantize_i2_s(v.data(), b.data(), n);
    else
        quantize_row(t, v.data(), b.data(), n);
    return b;
}

// A one-layer llama model, as Falcon3 1.58-bit files are (arch llama, I2_S projections): the
// 7 projections are ternary with one scale per tensor (scale0 + k/64 for tensor k, so
// fp16-exact when scale0 is), written as `proj`; embeddings and norms F32.
std::string writeTinyLlama(const QTemporaryDir& dir, const QString& name, Type proj, float scale0,
                           int64_t n_embd = 256) {
    const int64_t E = n_embd, F = 512, V = 64, Q = 256, KV = 128;
    GgufWriter w;
    w.add_string("general.architecture", "llama");
    w.add_u32("llama.embedding_length", uint32_t(E));
    w.add_u32("llama.block_count", 1);
    w.add_u32("llama.attention.head_count", 2);
    w.add_u32("llama.attention.head_count_kv", 1);
    w.add_u32("llama.attention.key_length", 128);
    w.add_u32("llama.attention.value_length", 128);
    w.add_u32("llama.feed_forward_length", uint32_t(F));
    w.add_u32("llama.context_length", 64);
    w.add_tensor("token_embd.weight", Type::F32, {E, V}, bytesOf(uniform(E * V, 0.0f, 0.5f, 1)));
    w.add_tensor("output_norm.weight", Type::F32, {E}, bytesOf(uniform(E, 1.0f, 0.05f, 2)));
    w.add_tensor("blk.0.attn_norm.weight", Type::F32, {E}, bytesOf(uniform(E, 1.0f, 0.05f, 3)));
    w.add_tensor("blk.0.ffn_norm.weight", Type::F32, {E}, bytesOf(uniform(E, 1.0f, 0.05f, 4)));
    const struct { const char* name; int64_t k, n; } mats[] = {
        {"attn_q", E, Q}, {"attn_k", E, KV}, {"attn_v", E, KV}, {"attn_output", Q, E},
        {"ffn_gate", E, F}, {"ffn_up", E, F}, {"ffn_down", F, E}};
    uint32_t k = 0;
    for (const auto& m : mats) {
        const float s = scale0 + float(k) / 64.0f;
        w.add_tensor(std::string("blk.0.") + m.name + ".weight", proj, {m.k, m.n},
                     encode(proj, ternary(m.k * m.n, s, 10 + k)));
        ++k;
    }
    const std::string path = dir.filePath(name).toStdString();
    w.write(path);
    return path;
}

// Rewrites the type id of tensor `name` in a built GGUF (the field after the name and shape).
void patchType(std::vector<uint8_t>& file, const std::string& name, uint32_t id) {
    std::vector<uint8_t> key(8);
    const uint64_t len = name.size();
    std::memcpy(key.data(), &len, 8);
    key.insert(key.end(), name.begin(), name.end());
    const auto at = std::search(file.begin(), file.end(), key.begin(), key.end());
    QVERIFY(at != file.end());
    const size_t pos = size_t(at - file.begin()) + key.size();
    uint32_t n_dims = 0;
    std::memcpy(&n_dims, &file[pos], 4);
    std::memcpy(&file[pos + 4 + 8 * n_dims], &id, 4);
}

// A one-tensor file: arch (none when empty), optional file type, tensor "w" of 256 elements
// written as `type` and then relabelled `as_id`. Returns "" when it opens, else the error.
QString openOneTensor(const QTemporaryDir& dir, const std::string& arch, int file_type, Type type, uint32_t as_id) {
    GgufWriter w;
    if (!arch.empty()) w.add_string("general.architecture", arch);
    if (file_type >= 0) w.add_u32("general.file_type", uint32_t(file_type));
    w.add_tensor("w", type, {256}, encode(type, ternary(256, 0.5f, 1)));
    std::vector<uint8_t> bytes = w.to_bytes();
    patchType(bytes, "w", as_id);
    const QString path = dir.filePath("one.gguf");
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return "<<cannot write>>";
    f.write(reinterpret_cast<const char*>(bytes.data()), qint64(bytes.size()));
    f.close();
    try {
        auto g = GgufFile::open(path.toStdString());
        return {};
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
}

SessionOptions opts(bool exact) {
    SessionOptions o;
    o.n_ctx = 64;
    o.n_threads = 2;
    o.exact_f32 = exact;
    return o;
}

const std::vector<int32_t> kPrompt = {1, 5, 9, 33, 2, 17, 60, 41};

}  // namespace

class TestI2s : public QObject {
    Q_OBJECT
private slots:
    void elementOrderAndCodes();
    void scaleAtByteNOver4();
    void quantizeMatchesHandBuiltBytes();
    void convertKeepsValuesAndScale();
    void convertedLayoutIsTq2();
    void convertedDotProduct();
    void badSizes();
    void readerProvenance();
    void readerForkIds();
    void writerSizes();
    void modelI2sEqualsTq2();
    void modelI2sExactEqualsF32();
    void modelRefusesBadI2s();
};

void TestI2s::elementOrderAndCodes() {
    // Two blocks. Block 0, byte 0 = 10 01 00 11: element 0 code 2 (+1), 32 code 1 (0), 64 code
    // 0 (−1), 96 code 3 (0). Byte 5 = 00 10 10 01: element 5 → −1, 37 → +1, 69 → +1, 101 → 0.
    // Block 1, byte 7 = 01 01 10 00: element 128+7+64 = 199 → +1, 128+7+96 = 231 → −1.
    std::vector<uint8_t> t = zeroTensor(256, 0.75f);
    t[0] = 0b10010011;
    t[5] = 0b00101001;
    t[32 + 7] = 0b01011000;
    std::vector<float> want(256, 0.0f);
    want[0] = 0.75f, want[64] = -0.75f;
    want[5] = -0.75f, want[37] = 0.75f, want[69] = 0.75f;
    want[199] = 0.75f, want[231] = -0.75f;
    std::vector<float> got(256, 99.0f);
    dequantize_i2_s(t.data(), got.data(), 256);
    for (int e = 0; e < 256; ++e) QVERIFY2(got[size_t(e)] == want[size_t(e)], qPrintable(QString("element %1").arg(e)));
}

void TestI2s::scaleAtByteNOver4() {
    // 384 elements: codes fill bytes 0..95, the scale sits at byte 96; the 28 bytes after it
    // are padding that a decoder must ignore (bitnet.cpp zero-fills them).
    std::vector<uint8_t> t = zeroTensor(384, -1.5f);
    QCOMPARE(t.size(), size_t(96 + 32));
    t[0] = 0b10000000;  // element 0 → +1
    std::memset(t.data() + 100, 0xFF, 28);
    QCOMPARE(i2s_scale(t.data(), 384), -1.5f);
    std::vector<float> got(384);
    dequantize_i2_s(t.data(), got.data(), 384);
    QCOMPARE(got[0], -1.5f);
    QCOMPARE(got[1], 0.0f);
    // A scale that fp16 cannot hold comes back exactly.
    const float s = 0.1f;
    std::memcpy(t.data() + 96, &s, 4);
    dequantize_i2_s(t.data(), got.data(), 384);
    QVERIFY(got[0] == 0.1f);  // exact, not fuzzy
    QVERIFY(fp16_to_fp32(fp32_to_fp16(s)) != s);
}

void TestI2s::quantizeMatchesHandBuiltBytes() {
    // Values ±0.25 / 0 at the elements of elementOrderAndCodes give the same bytes, the scale
    // max|x| at byte n/4 and zeros after it.
    std::vector<float> x(256, 0.0f);
    x[0] = 0.25f, x[64] = -0.25f, x[5] = -0.25f, x[37] = 0.25f, x[69] = 0.25f, x[199] = 0.25f, x[231] = -0.25f;
    std::vector<uint8_t> got(i2s_tensor_bytes(256), 0xEE);
    quantize_i2_s(x.data(), got.data(), 256);
    std::vector<uint8_t> want = zeroTensor(256, 0.25f);
    want[0] = 0b10010001;  // element 96 is code 1 here (quantizers never write code 3)
    want[5] = 0b00101001;
    want[32 + 7] = 0b01011000;
    QCOMPARE(got, want);
}

void TestI2s::convertKeepsValuesAndScale() {
    // Random codes including 3 over 512 elements, scale 0.1f (not fp16-exact): the converted
    // tensor dequantizes to exactly what the I2_S decoder gives, code 3 included (→ 0).
    std::vector<uint8_t> t = zeroTensor(512, 0.1f);
    uint32_t s = 12345;
    for (int64_t j = 0; j < 128; ++j) {
        s = s * 1664525u + 1013904223u;
        t[size_t(j)] = uint8_t(s >> 24);
    }
    t[3] = 0xFF;  // four code-3 elements
    std::vector<float> ref(512), got(512);
    dequantize_i2_s(t.data(), ref.data(), 512);
    std::vector<BlockTQ2_0_S32> blocks(2);
    convert_i2_s_to_tq2_0_s32(t.data(), blocks.data(), 512);
    QVERIFY(blocks[0].d == 0.1f && blocks[1].d == 0.1f);  // exact, not fuzzy
    dequantize_row(Type::TQ2_0_S32, blocks.data(), got.data(), 512);
    QCOMPARE(got, ref);
    for (int g = 0; g < 4; ++g) QCOMPARE(got[size_t(3 + 32 * g)], 0.0f);
    int counts[3] = {};
    for (float v : got) ++counts[v == 0.0f ? 1 : v > 0 ? 2 : 0];
    QVERIFY(counts[0] > 50 && counts[1] > 50 && counts[2] > 50);  // all three values occur
}

void TestI2s::convertedLayoutIsTq2() {
    // With an fp16-exact scale the converted codes are byte for byte what TQ2_0's reference
    // quantizer writes for the same values; only the scale's width differs.
    const std::vector<float> x = ternary(512, 0.375f, 7);
    const std::vector<uint8_t> i2s = encode(Type::I2_S, x);
    const std::vector<uint8_t> tq2 = encode(Type::TQ2_0, x);
    std::vector<BlockTQ2_0_S32> conv(2);
    convert_i2_s_to_tq2_0_s32(i2s.data(), conv.data(), 512);
    const auto* want = reinterpret_cast<const BlockTQ2_0*>(tq2.data());
    for (int b = 0; b < 2; ++b) {
        QVERIFY(std::memcmp(conv[size_t(b)].qs, want[b].qs, 64) == 0);
        QVERIFY(conv[size_t(b)].d == fp16_to_fp32(want[b].d));
    }
}

void TestI2s::convertedDotProduct() {
    // Weights zero except element 0 (+1), 37 (−1) and 200 (+1: I2_S block 1, byte 8, shift 2);
    // activations q8[0] = 5, q8[37] = −7, q8[200] = 100, d = 0.25: Σ value·q = 5 + 7 + 100 = 112,
    // scaled by (0.1f · 0.25f) as TQ2_0's formula does.
    std::vector<uint8_t> t = zeroTensor(256, 0.1f);
    t[0] = 0b10010101;
    t[5] = 0b01000101;
    t[32 + 8] = 0b01011001;
    BlockTQ2_0_S32 w{};
    convert_i2_s_to_tq2_0_s32(t.data(), &w, 256);
    BlockQ8_K x{};
    x.d = 0.25f;
    for (int e = 0; e < 256; ++e) x.qs[e] = int8_t(e % 9 - 4);  // elsewhere: multiplied by 0
    x.qs[0] = 5, x.qs[37] = -7, x.qs[200] = 100;
    QVERIFY(vec_dot(Type::TQ2_0_S32, &w, &x, 256) == 112.0f * (0.1f * 0.25f));
    // Same weights as TQ2_0 with an fp16-exact scale: bit-identical dot products.
    const float s = 0.375f;
    std::memcpy(t.data() + 64, &s, 4);
    convert_i2_s_to_tq2_0_s32(t.data(), &w, 256);
    BlockTQ2_0 tq{};
    std::memcpy(tq.qs, w.qs, 64);
    tq.d = fp32_to_fp16(s);
    QVERIFY(vec_dot(Type::TQ2_0_S32, &w, &x, 256) == vec_dot(Type::TQ2_0, &tq, &x, 256));
}

void TestI2s::badSizes() {
    std::vector<uint8_t> t = zeroTensor(256, 1.0f);
    std::vector<float> out(256);
    QVERIFY_THROWS_EXCEPTION(Error, dequantize_i2_s(t.data(), out.data(), 200));
    QVERIFY_THROWS_EXCEPTION(Error, quantize_i2_s(out.data(), t.data(), 100));
    BlockTQ2_0_S32 b[1];
    QVERIFY_THROWS_EXCEPTION(Error, convert_i2_s_to_tq2_0_s32(t.data(), b, 128));  // not whole 256 blocks
    const float inf = INFINITY;
    std::memcpy(t.data() + 64, &inf, 4);
    QVERIFY_THROWS_EXCEPTION(Error, convert_i2_s_to_tq2_0_s32(t.data(), b, 256));
}

void TestI2s::readerProvenance() {
    QTemporaryDir dir;
    // bitnet.cpp's I2_S file type settles it; size n/4 + 32.
    QCOMPARE(openOneTensor(dir, "bitnet-b1.58", 40, Type::I2_S, 36), QString());
    auto f = GgufFile::open(dir.filePath("one.gguf").toStdString());
    QCOMPARE(f->tensors()[0].type, Type::I2_S);
    QCOMPARE(f->tensors()[0].n_bytes, uint64_t(256 / 4 + 32));
    // Falcon3-style llama file without the file type: its size says I2_S.
    QCOMPARE(openOneTensor(dir, "llama", -1, Type::I2_S, 36), QString());
    QCOMPARE(openOneTensor(dir, "bitnet-25", 137, Type::I2_S, 36), QString());  // first 2B4T upload
    // Upstream's removed id 36 (IQ4_NL_4_4-sized data) in an architecture bitnet.cpp writes.
    QCOMPARE(openOneTensor(dir, "llama", 7, Type::Q8_0, 36),
             dir.filePath("one.gguf") + ": tensor 'w' has type id 36, which upstream GGUF no longer defines "
             "(bitnet.cpp writes I2_S with it; this file does not look like one: file type is not I2_S and "
             "the tensor takes 288 bytes, not the 96 of an I2_S tensor)");
    // Architectures bitnet.cpp never writes: refused whatever the size.
    QCOMPARE(openOneTensor(dir, "qwen3moe", 40, Type::I2_S, 36),
             dir.filePath("one.gguf") + ": tensor 'w' has type id 36, which upstream GGUF no longer defines "
             "(bitnet.cpp writes I2_S with it; this file does not look like one: architecture 'qwen3moe')");
    QVERIFY(openOneTensor(dir, "", 40, Type::I2_S, 36).endsWith("does not look like one: no general.architecture)"));
}

void TestI2s::readerForkIds() {
    QTemporaryDir dir;
    const QString p = dir.filePath("one.gguf") + ": tensor 'w' has type id ";
    QCOMPARE(openOneTensor(dir, "bitnet-b1.58", 40, Type::F32, 38),
             p + "38, bitnet.cpp's TL1: it uses bitnet.cpp's TL1/TL2 layout, which Tern does not support; use "
                 "the I2_S or TQ2_0 file");
    QCOMPARE(openOneTensor(dir, "llama", -1, Type::F32, 39),
             p + "39, bitnet.cpp's TL2: it uses bitnet.cpp's TL1/TL2 layout, which Tern does not support; use "
                 "the I2_S or TQ2_0 file");
    QCOMPARE(openOneTensor(dir, "bitnet", -1, Type::F32, 37),
             p + "37, bitnet.cpp's I8_S (an activation type), which Tern does not support; use the I2_S or "
                 "TQ2_0 file");
    // Elsewhere 37–39 are upstream ids Tern does not read; internal ids never come from files.
    const QString u = dir.filePath("one.gguf") + ": tensor 'w' has unknown type id ";
    QCOMPARE(openOneTensor(dir, "qwen3moe", -1, Type::F32, 39), u + "39");
    QCOMPARE(openOneTensor(dir, "llama", -1, Type::F32, uint32_t(Type::TQ2_0_S32)), u + "63");
}

void TestI2s::writerSizes() {
    GgufWriter w;
    QVERIFY_THROWS_EXCEPTION(Error, w.add_tensor("a", Type::I2_S, {256}, std::vector<uint8_t>(64)));  // no tail
    w.add_tensor("b", Type::I2_S, {256, 2}, std::vector<uint8_t>(128 + 32));
    QVERIFY_THROWS_EXCEPTION(Error, w.add_tensor("c", Type::TQ2_0_S32, {256}, std::vector<uint8_t>(68)));
}

void TestI2s::modelI2sEqualsTq2() {
    // Same ternary weights, fp16-exact scales: I2_S (converted) and TQ2_0 give bit-identical
    // logits (the kernel is TQ2_0's, with the same d) and the same greedy tokens.
    QTemporaryDir dir;
    LoadOptions lo;
    lo.load_tokenizer = false;
    auto a = Model::load(writeTinyLlama(dir, "a.gguf", Type::I2_S, 0.0625f), lo);
    auto b = Model::load(writeTinyLlama(dir, "b.gguf", Type::TQ2_0, 0.0625f), lo);
    QCOMPARE(a->main_type(), std::string("I2_S"));
    // 589,824 projection elements, 68 bytes per 256; norms and embeddings stay in the mapping.
    QCOMPARE(a->converted_bytes(), uint64_t(589824 / 256 * 68));
    QCOMPARE(b->converted_bytes(), uint64_t(0));
    const LayerWeights& L = a->weights().layers[0];
    QCOMPARE(L.wq->type, Type::TQ2_0_S32);
    QCOMPARE(L.wq->name, std::string("blk.0.attn_q.weight"));
    QVERIFY(L.wq != a->gguf().find_tensor("blk.0.attn_q.weight"));
    QVERIFY(L.attn_norm == a->gguf().find_tensor("blk.0.attn_norm.weight"));
    QVERIFY(a->weights().token_embd == a->gguf().find_tensor("token_embd.weight"));
    for (bool exact : {false, true}) {
        Session sa(*a, opts(exact)), sb(*b, opts(exact));
        const std::vector<float> la = sa.eval(kPrompt, true), lb = sb.eval(kPrompt, true);
        QCOMPARE(la.size(), kPrompt.size() * 64);
        QVERIFY2(max_abs_diff(la, lb) <= 1e-6f, qPrintable(QString("max abs %1").arg(max_abs_diff(la, lb))));
        const std::vector<float> lasta(la.end() - 64, la.end()), lastb(lb.end() - 64, lb.end());
        QCOMPARE(greedy(sa, lasta, 16), greedy(sb, lastb, 16));
    }
}

void TestI2s::modelI2sExactEqualsF32() {
    // Scales that fp16 cannot hold (0.1 + k/64): with exact math the I2_S model equals the
    // F32 file of the same values, so the float32 scale survived the conversion exactly.
    QTemporaryDir dir;
    LoadOptions lo;
    lo.load_tokenizer = false;
    auto a = Model::load(writeTinyLlama(dir, "a.gguf", Type::I2_S, 0.1f), lo);
    auto f = Model::load(writeTinyLlama(dir, "f.gguf", Type::F32, 0.1f), lo);
    Session sa(*a, opts(true)), sf(*f, opts(true));
    const std::vector<float> la = sa.eval(kPrompt, true), lf = sf.eval(kPrompt, true);
    QVERIFY2(max_abs_diff(la, lf) <= 1e-6f, qPrintable(QString("max abs %1").arg(max_abs_diff(la, lf))));
    float spread = 0;  // the logits are not trivially equal (e.g. all zero)
    for (float v : la) spread = std::max(spread, std::abs(v - la[0]));
    QVERIFY(spread > 0.1f);
}

void TestI2s::modelRefusesBadI2s() {
    QTemporaryDir dir;
    LoadOptions lo;
    lo.load_tokenizer = false;
    // Rows of 128: valid I2_S, but TQ2_0_S32 blocks are 256 long.
    const std::string path = writeTinyLlama(dir, "r.gguf", Type::I2_S, 0.0625f, 128);
    try {
        Model::load(path, lo);
        QFAIL("loaded a model with 128-element I2_S rows");
    } catch (const Error& e) {
        QCOMPARE(QString(e.what()), QString::fromStdString(path) +
                 ": tensor 'blk.0.attn_q.weight': I2_S row length 128 is not a multiple of 256, which Tern's "
                 "ternary kernels need");
    }
}

QTEST_APPLESS_MAIN(TestI2s)
#include "test_i2s.moc"
