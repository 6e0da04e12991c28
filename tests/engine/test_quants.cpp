// Scalar reference quantization: hand-built blocks pin every element's position in the block
// (formats.md §1.3, §2.2, §2.3), hand-computed quantizer outputs pin the rounding rules
// (§2.1, §2.4), and dot products are checked against hand sums and against dequantized rows.
#include "test_support.h"

#include "tensor/fp16.h"
#include "tensor/quants.h"
#include "tern/error.h"

#include <cmath>
#include <cstring>
#include <vector>

using namespace tern;
using namespace tern::ref;

namespace {

constexpr uint16_t kHalfOne = 0x3C00, kHalfTwo = 0x4000, kHalfHalf = 0x3800, kHalfQuarter = 0x3400;

// Compares n floats exactly, naming the first element that differs.
QString firstMismatch(const float* got, const float* want, int n) {
    for (int i = 0; i < n; ++i)
        if (!(got[i] == want[i]))
            return QString("element %1: got %2, want %3").arg(i).arg(double(got[i])).arg(double(want[i]));
    return {};
}
#define COMPARE_FLOATS(got, want, n)                                      \
    do {                                                                  \
        const QString why_ = firstMismatch((got), (want), (n));           \
        QVERIFY2(why_.isEmpty(), qPrintable(why_));                       \
    } while (0)

// A fixed ternary pattern over a 256 block with every value represented, plus the elements the
// brief singles out: 0 → +1, 33 → −1, 130 → +1. Returns -1, 0 or +1.
int patternTrit(int e) {
    if (e == 0 || e == 130) return 1;
    if (e == 33) return -1;
    return (e * 5 + e / 7) % 3 - 1;
}

// TQ2_0 written from the byte side (§2.2): byte 32c+m holds element 128c+m+32l at bits 2l.
BlockTQ2_0 encodeTQ2(const int* trit, uint16_t d) {
    BlockTQ2_0 b{};
    for (int c = 0; c < 2; ++c)
        for (int m = 0; m < 32; ++m) {
            int byte = 0;
            for (int l = 0; l < 4; ++l) byte |= (trit[128 * c + m + 32 * l] + 1) << (2 * l);
            b.qs[32 * c + m] = static_cast<uint8_t>(byte);
        }
    b.d = d;
    return b;
}

// One TQ1_0 byte: the trits (first = most significant) as a 5-digit base-3 number, padded
// with low zero digits, then stored as the smallest byte b with b·243 ≥ v·256.
uint8_t tq1Byte(std::initializer_list<int> trits) {
    int v = 0, digits = 0;
    for (int t : trits) {
        v = 3 * v + (t + 1);
        ++digits;
    }
    for (; digits < 5; ++digits) v *= 3;
    int b = v * 256 / 243;
    if (b * 243 < v * 256) ++b;
    return static_cast<uint8_t>(b);
}

BlockTQ1_0 encodeTQ1(const int* t, uint16_t d) {
    BlockTQ1_0 b{};
    for (int m = 0; m < 32; ++m) b.qs[m] = tq1Byte({t[m], t[m + 32], t[m + 64], t[m + 96], t[m + 128]});
    for (int m = 0; m < 16; ++m) {
        const int* g = t + 160 + m;
        b.qs[32 + m] = tq1Byte({g[0], g[16], g[32], g[48], g[64]});
    }
    for (int j = 0; j < 4; ++j) {
        const int* g = t + 240 + j;
        b.qh[j] = tq1Byte({g[0], g[4], g[8], g[12]});
    }
    b.d = d;
    return b;
}

// Deterministic floats in [-1, 1) (xorshift32), the same on every platform.
std::vector<float> randomRow(int n, uint32_t seed) {
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        x = static_cast<float>(seed >> 8) / 8388608.0f - 1.0f;
    }
    return v;
}

std::vector<uint8_t> quantized(Type t, const std::vector<float>& x) {
    std::vector<uint8_t> q(row_bytes(t, static_cast<int64_t>(x.size())));
    quantize_row(t, x.data(), q.data(), static_cast<int64_t>(x.size()));
    return q;
}

std::vector<float> dequantized(Type t, const void* q, int n) {
    std::vector<float> y(static_cast<size_t>(n));
    dequantize_row(t, q, y.data(), n);
    return y;
}

}  // namespace

class TestQuants : public QObject {
    Q_OBJECT

private slots:
    void dequantFloatTypes() {
        const uint16_t h[6] = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x3555, 0x8000};
        const float hw[6] = {1.0f, -2.0f, 65504.0f, std::ldexp(1.0f, -24), 0.333251953125f, -0.0f};
        float y[6];
        dequantize_row(Type::F16, h, y, 6);
        COMPARE_FLOATS(y, hw, 6);

        const uint16_t b[4] = {0x3F80, 0x4049, 0xC2F7, 0x0000};
        const float bw[4] = {1.0f, 3.140625f, -123.5f, 0.0f};
        dequantize_row(Type::BF16, b, y, 4);
        COMPARE_FLOATS(y, bw, 4);

        const float f[3] = {1.5f, -7.25f, 1e-30f};
        dequantize_row(Type::F32, f, y, 3);
        COMPARE_FLOATS(y, f, 3);

        uint16_t back[6];
        quantize_row(Type::F16, hw, back, 6);
        QVERIFY(std::memcmp(back, h, sizeof h) == 0);
        quantize_row(Type::BF16, bw, back, 4);
        QVERIFY(std::memcmp(back, b, sizeof b) == 0);
    }

    void dequantQ8_0() {
        BlockQ8_0 blk[2];
        for (int j = 0; j < 32; ++j) {
            blk[0].qs[j] = static_cast<int8_t>(j - 16);
            blk[1].qs[j] = static_cast<int8_t>(127 - 8 * j);  // 127 .. -121
        }
        blk[0].d = kHalfHalf;
        blk[1].d = 0xB400;  // -0.25
        float want[64];
        for (int j = 0; j < 32; ++j) {
            want[j] = 0.5f * static_cast<float>(j - 16);
            want[32 + j] = -0.25f * static_cast<float>(127 - 8 * j);
        }
        float y[64];
        dequantize_row(Type::Q8_0, blk, y, 64);
        COMPARE_FLOATS(y, want, 64);
    }

    void dequantQ4_0() {
        BlockQ4_0 blk;
        blk.d = kHalfQuarter;
        float want[32];
        for (int j = 0; j < 16; ++j) {
            const int lo = j, hi = 15 - (j * 7) % 16;  // low nibble: element j, high: element j+16
            blk.qs[j] = static_cast<uint8_t>(lo | (hi << 4));
            want[j] = 0.25f * static_cast<float>(lo - 8);
            want[j + 16] = 0.25f * static_cast<float>(hi - 8);
        }
        float y[32];
        dequantize_row(Type::Q4_0, &blk, y, 32);
        COMPARE_FLOATS(y, want, 32);
        // Literal byte: 0x9F → element 0 = (15−8)·0.25, element 16 = (9−8)·0.25.
        blk.qs[0] = 0x9F;
        dequantize_row(Type::Q4_0, &blk, y, 32);
        QCOMPARE(y[0], 1.75f);
        QCOMPARE(y[16], 0.25f);
    }

    void dequantQ8_K() {
        BlockQ8_K blk{};
        blk.d = 0.125f;
        float want[256];
        for (int j = 0; j < 256; ++j) {
            blk.qs[j] = static_cast<int8_t>(j - 128);
            want[j] = 0.125f * static_cast<float>(j - 128);
        }
        float y[256];
        dequantize_row(Type::Q8_K, &blk, y, 256);
        COMPARE_FLOATS(y, want, 256);
    }

    void dequantTQ2_0Literal() {
        // All codes 1 (0x55 = 01 01 01 01) except: qs[0] bits 0-1 = 2 → element 0 = +d;
        // qs[1] bits 2-3 = 0 → element 1+32 = 33 = −d; qs[34] bits 0-1 = 2 → element 128+2 = +d.
        BlockTQ2_0 blk;
        std::memset(blk.qs, 0x55, sizeof blk.qs);
        blk.qs[0] = 0x56;
        blk.qs[1] = 0x51;
        blk.qs[34] = 0x56;
        blk.d = kHalfTwo;
        float want[256] = {};
        want[0] = 2.0f;
        want[33] = -2.0f;
        want[130] = 2.0f;
        float y[256];
        dequantize_row(Type::TQ2_0, &blk, y, 256);
        COMPARE_FLOATS(y, want, 256);
    }

    void dequantTQ2_0Pattern() {
        int t[256];
        float want[256];
        for (int e = 0; e < 256; ++e) {
            t[e] = patternTrit(e);
            want[e] = 0.5f * static_cast<float>(t[e]);
        }
        const BlockTQ2_0 blk = encodeTQ2(t, kHalfHalf);
        float y[256];
        dequantize_row(Type::TQ2_0, &blk, y, 256);
        COMPARE_FLOATS(y, want, 256);
    }

    void dequantTQ1_0Literal() {
        // Bytes worked out by hand (§2.3): all-zero trits (digit 1) give v = 121 → byte 128 for
        // qs and v = 40·3 = 120 → byte 127 for qh. Element 0 = +1 (qs[0], first trit):
        // v = 2·81+40 = 202 → ceil(202·256/243) = 213. Element 37 = −1 (qs[5], trit 1):
        // v = 81+13 = 94 → 100. Element 175 = +1 (qs[32+15], trit 0) → 213. Element 250 = −1
        // (qh[2], trit 2): v = (27+9+0+1)·3 = 111 → 117.
        BlockTQ1_0 blk;
        std::memset(blk.qs, 128, sizeof blk.qs);
        std::memset(blk.qh, 127, sizeof blk.qh);
        blk.qs[0] = 213;
        blk.qs[5] = 100;
        blk.qs[47] = 213;
        blk.qh[2] = 117;
        blk.d = kHalfTwo;
        float want[256] = {};
        want[0] = 2.0f;
        want[37] = -2.0f;
        want[175] = 2.0f;
        want[250] = -2.0f;
        float y[256];
        dequantize_row(Type::TQ1_0, &blk, y, 256);
        COMPARE_FLOATS(y, want, 256);

        // The test's own encoder reproduces those bytes.
        int t[256] = {};
        t[0] = 1;
        t[37] = -1;
        t[175] = 1;
        t[250] = -1;
        const BlockTQ1_0 enc = encodeTQ1(t, kHalfTwo);
        QVERIFY(std::memcmp(&enc, &blk, sizeof blk) == 0);
    }

    void dequantTQ1_0Pattern() {
        int t[256];
        float want[256];
        for (int e = 0; e < 256; ++e) {
            t[e] = patternTrit(e);
            want[e] = 0.5f * static_cast<float>(t[e]);
        }
        const BlockTQ1_0 blk = encodeTQ1(t, kHalfHalf);
        float y[256];
        dequantize_row(Type::TQ1_0, &blk, y, 256);
        COMPARE_FLOATS(y, want, 256);
    }

    void zeroBlocks() {
        uint8_t bytes[292] = {};
        float y[256];
        for (Type t : {Type::Q4_0, Type::Q8_0, Type::Q8_K, Type::TQ1_0, Type::TQ2_0}) {
            const int n = static_cast<int>(type_traits(t).block_size);
            dequantize_row(t, bytes, y, n);
            for (int i = 0; i < n; ++i) QCOMPARE(y[i], 0.0f);
        }

        const std::vector<float> zero(256, 0.0f);
        const std::vector<uint8_t> q8 = quantized(Type::Q8_0, zero);
        for (size_t i = 0; i < q8.size(); ++i) QCOMPARE(q8[i], uint8_t(0));  // d = 0, qs = 0
        const std::vector<uint8_t> q4 = quantized(Type::Q4_0, zero);
        for (size_t b = 0; b < 8; ++b) {
            const auto* blk = reinterpret_cast<const BlockQ4_0*>(q4.data()) + b;
            // d = max / −8 = 0 / −8 = −0: ggml stores the fp16 bits of −0.
            QCOMPARE(blk->d, uint16_t(0x8000));
            for (uint8_t q : blk->qs) QCOMPARE(q, uint8_t(0x88));  // code 8 = value 0
        }
        const std::vector<uint8_t> qk = quantized(Type::Q8_K, zero);
        for (uint8_t byte : qk) QCOMPARE(byte, uint8_t(0));  // d, qs and bsums all 0
        const std::vector<uint8_t> t1 = quantized(Type::TQ1_0, zero);
        const auto* b1 = reinterpret_cast<const BlockTQ1_0*>(t1.data());
        QCOMPARE(b1->d, uint16_t(0));
        for (uint8_t q : b1->qs) QCOMPARE(q, uint8_t(128));
        for (uint8_t q : b1->qh) QCOMPARE(q, uint8_t(127));
        const std::vector<uint8_t> t2 = quantized(Type::TQ2_0, zero);
        const auto* b2 = reinterpret_cast<const BlockTQ2_0*>(t2.data());
        QCOMPARE(b2->d, uint16_t(0));
        for (uint8_t q : b2->qs) QCOMPARE(q, uint8_t(0x55));

        const std::vector<float> act = randomRow(256, 7);
        for (Type wt : {Type::Q4_0, Type::Q8_0, Type::TQ1_0, Type::TQ2_0}) {
            const Type at = type_traits(wt).vec_dot_type;
            const std::vector<uint8_t> w = quantized(wt, zero);
            const float zz = vec_dot(wt, w.data(), quantized(at, zero).data(), 256);
            const float za = vec_dot(wt, w.data(), quantized(at, act).data(), 256);
            QCOMPARE(zz, 0.0f);
            QCOMPARE(za, 0.0f);
        }
    }

    void quantizeQ8_0() {
        float x[64] = {};
        x[0] = 127.0f;  // amax → d = 1
        x[1] = 2.5f;    // roundf: halves go away from zero
        x[2] = -2.5f;
        x[3] = 0.5f;
        x[4] = -0.5f;
        x[5] = 1.4f;
        x[31] = -126.5f;  // second half of the block; block 2 (x[32..63]) stays all zero
        BlockQ8_0 q[2];
        quantize_row(Type::Q8_0, x, q, 64);
        QCOMPARE(q[0].d, kHalfOne);
        int8_t want[32] = {};
        want[0] = 127;
        want[1] = 3;
        want[2] = -3;
        want[3] = 1;
        want[4] = -1;
        want[5] = 1;
        want[31] = -127;
        for (int j = 0; j < 32; ++j) QCOMPARE(q[0].qs[j], want[j]);
        QCOMPARE(q[1].d, uint16_t(0));
        for (int j = 0; j < 32; ++j) QCOMPARE(q[1].qs[j], int8_t(0));
    }

    void quantizeQ4_0() {
        float x[64] = {};
        // Block 0: the extreme is negative (−8, first of the |8| tie) → d = −8/−8 = 1.
        x[0] = -8.0f;  // → code 0
        x[16] = 8.0f;  // → 16.5 truncated to 16, capped at 15
        x[1] = 7.0f;   // 15.5 → 15
        x[17] = 0.5f;  // 9.0 → 9: halves round up in code space
        x[2] = -0.5f;  // 8.0 → 8
        x[18] = 1.49f; // 9.99 → 9
        x[3] = -7.6f;  // 0.9 → 0
        x[19] = 2.0f;  // 10.5 → 10
        // Block 1: the extreme is positive (4) → d = 4/−8 = −0.5, id = −2.
        x[32] = 4.0f;      // −8 → code 0, decodes to (0−8)·(−0.5) = 4
        x[33] = -4.0f;     // 8 → 16.5 → 15
        x[48] = 1.0f;      // −2 → 6.5 → 6
        x[49] = 0.25f;     // −0.5 → 8.0 → 8
        x[34] = -0.25f;    // 0.5 → 9.0 → 9
        BlockQ4_0 q[2];
        quantize_row(Type::Q4_0, x, q, 64);
        QCOMPARE(q[0].d, kHalfOne);
        QCOMPARE(q[1].d, uint16_t(0xB800));  // −0.5
        const uint8_t want0[16] = {0xF0, 0x9F, 0x98, 0xA0, 0x88, 0x88, 0x88, 0x88,
                                   0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88};
        const uint8_t want1[16] = {0x60, 0x8F, 0x89, 0x88, 0x88, 0x88, 0x88, 0x88,
                                   0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88, 0x88};
        for (int j = 0; j < 16; ++j) {
            QCOMPARE(q[0].qs[j], want0[j]);
            QCOMPARE(q[1].qs[j], want1[j]);
        }
        float y[64];
        dequantize_row(Type::Q4_0, q, y, 64);
        QCOMPARE(y[16], 7.0f);
        QCOMPARE(y[32], 4.0f);
        QCOMPARE(y[33], -3.5f);
        QCOMPARE(y[34], -0.5f);
    }

    void quantizeQ8_K() {
        // iscale = −127/max where max is the signed element of largest |x|, so the element equal
        // to max always becomes −127 and d = 1/iscale has the OPPOSITE sign of max: a negative
        // max gives d > 0, a positive max gives d < 0. Rounding is half to even.
        float x[512] = {};
        // Block 0: max = −127 (x[5]; x[9] = +127 ties later and does not replace it) → d = 1.
        x[0] = 2.5f;     // → 2 (even)
        x[1] = 3.5f;     // → 4
        x[2] = -2.5f;    // → −2
        x[3] = 1.5f;     // → 2
        x[5] = -127.0f;  // → −127
        x[9] = 127.0f;   // → 127
        x[20] = 0.4f;    // → 0
        x[21] = -0.6f;   // → −1
        x[255] = 100.5f; // → 100
        // Block 1: max = +63.5 → iscale = −2, d = −0.5.
        x[256] = 63.5f;   // → −127
        x[257] = 1.25f;   // −2.5 → −2
        x[258] = 0.75f;   // −1.5 → −2
        x[259] = -63.5f;  // 127
        x[260] = -0.25f;  // 0.5 → 0
        x[261] = 0.25f;   // −0.5 → 0
        BlockQ8_K q[2];
        quantize_row(Type::Q8_K, x, q, 512);
        QCOMPARE(q[0].d, 1.0f);
        QCOMPARE(q[1].d, -0.5f);
        int want0[256] = {}, want1[256] = {};
        want0[0] = 2;
        want0[1] = 4;
        want0[2] = -2;
        want0[3] = 2;
        want0[5] = -127;
        want0[9] = 127;
        want0[21] = -1;
        want0[255] = 100;
        want1[0] = -127;
        want1[1] = -2;
        want1[2] = -2;
        want1[3] = 127;
        for (int j = 0; j < 256; ++j) {
            QCOMPARE(int(q[0].qs[j]), want0[j]);
            QCOMPARE(int(q[1].qs[j]), want1[j]);
        }
        const int bsums0[16] = {6, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100};
        const int bsums1[16] = {-4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        for (int k = 0; k < 16; ++k) {
            QCOMPARE(int(q[0].bsums[k]), bsums0[k]);
            QCOMPARE(int(q[1].bsums[k]), bsums1[k]);
        }
        // bsums are the sums of 16 consecutive qs on arbitrary data too.
        const std::vector<float> r = randomRow(1024, 99);
        std::vector<BlockQ8_K> rq(4);
        quantize_row(Type::Q8_K, r.data(), rq.data(), 1024);
        for (const BlockQ8_K& b : rq)
            for (int k = 0; k < 16; ++k) {
                int s = 0;
                for (int i = 0; i < 16; ++i) s += b.qs[16 * k + i];
                QCOMPARE(int(b.bsums[k]), s);
            }
    }

    void quantizeTQ2_0() {
        float x[256] = {};
        x[0] = 2.0f;     // d = max|x| = 2 → +1
        x[33] = -1.0f;   // −0.5: lroundf goes away from zero → −1
        x[130] = 1.0f;   // 0.5 → +1
        x[200] = 0.9f;   // 0.45 → 0
        x[255] = -0.99f; // → 0
        BlockTQ2_0 q;
        quantize_row(Type::TQ2_0, x, &q, 256);
        QCOMPARE(q.d, kHalfTwo);
        for (int i = 0; i < 64; ++i) {
            const uint8_t want = i == 0 ? 0x56 : i == 1 ? 0x51 : i == 34 ? 0x56 : 0x55;
            QCOMPARE(q.qs[i], want);
        }
    }

    void quantizeTQ1_0() {
        float x[256] = {};
        x[0] = 2.0f;     // +1 in qs[0]
        x[37] = -1.0f;   // −0.5 → −1, qs[5]
        x[175] = 1.5f;   // 0.75 → +1, qs[47]
        x[250] = -2.0f;  // −1, qh[2]
        x[100] = 0.99f;  // 0.495 → 0
        BlockTQ1_0 q;
        quantize_row(Type::TQ1_0, x, &q, 256);
        QCOMPARE(q.d, kHalfTwo);
        for (int i = 0; i < 48; ++i) {
            const uint8_t want = (i == 0 || i == 47) ? 213 : i == 5 ? 100 : 128;
            QCOMPARE(q.qs[i], want);
        }
        const uint8_t wantQh[4] = {127, 127, 117, 127};
        for (int j = 0; j < 4; ++j) QCOMPARE(q.qh[j], wantQh[j]);
    }

    void ternaryRoundTrip() {
        // {−s, 0, +s} with s exact in fp16: d = s, so both types reproduce the input exactly.
        const float s = 0.375f;
        const int n = 256 * 5;
        std::vector<float> x(n);
        const std::vector<float> r = randomRow(n, 2024);
        for (int i = 0; i < n; ++i) x[i] = r[i] < -0.33f ? -s : r[i] > 0.33f ? s : 0.0f;
        for (int i = 256; i < 512; ++i) x[i] = 0.0f;                  // a block with d = 0
        for (int i = 512; i < 768; ++i) x[i] = r[i] < 0.0f ? -s : 0.0f;  // only −s and 0
        const std::vector<float> y1 = dequantized(Type::TQ1_0, quantized(Type::TQ1_0, x).data(), n);
        const std::vector<float> y2 = dequantized(Type::TQ2_0, quantized(Type::TQ2_0, x).data(), n);
        COMPARE_FLOATS(y1.data(), x.data(), n);
        COMPARE_FLOATS(y2.data(), x.data(), n);
        COMPARE_FLOATS(y1.data(), y2.data(), n);
        // Same for arbitrary data: both types round each element to the same trit.
        const std::vector<float> a = randomRow(n, 31337);
        const std::vector<float> a1 = dequantized(Type::TQ1_0, quantized(Type::TQ1_0, a).data(), n);
        const std::vector<float> a2 = dequantized(Type::TQ2_0, quantized(Type::TQ2_0, a).data(), n);
        COMPARE_FLOATS(a1.data(), a2.data(), n);
    }

    void vecDotHand() {
        const float f1[4] = {1, 2, 3, 4}, f2[4] = {4, 5, 6, -1};
        QCOMPARE(vec_dot(Type::F32, f1, f2, 4), 28.0f);

        const uint16_t h1[3] = {kHalfOne, 0xC000, kHalfHalf}, h2[3] = {kHalfTwo, kHalfQuarter, 0x7BFF};
        QCOMPARE(vec_dot(Type::F16, h1, h2, 3), 32753.5f);  // 2 − 0.5 + 32752

        const uint16_t b1[2] = {0x3F80, 0x4049}, b2[2] = {0x4000, 0xBF80};
        QCOMPARE(vec_dot(Type::BF16, b1, b2, 2), -1.140625f);  // 2 − 3.140625

        BlockQ8_0 w8[2], x8[2];
        for (int i = 0; i < 2; ++i) {
            w8[i].d = kHalfHalf;
            x8[i].d = kHalfTwo;
            std::memset(w8[i].qs, 3, 32);
            std::memset(x8[i].qs, 0xFF, 32);  // −1
        }
        QCOMPARE(vec_dot(Type::Q8_0, w8, x8, 64), -192.0f);  // 2 · 32·3·(−1) · 0.5·2

        BlockQ4_0 w4;
        w4.d = kHalfQuarter;
        std::memset(w4.qs, 0x9A, 16);  // low nibble 10 → +2 (elements 0..15), high 9 → +1
        BlockQ8_0 x4;
        x4.d = kHalfOne;
        for (int j = 0; j < 32; ++j) x4.qs[j] = static_cast<int8_t>(j < 16 ? 4 : -3);
        QCOMPARE(vec_dot(Type::Q4_0, &w4, &x4, 32), 20.0f);  // (16·2·4 + 16·1·(−3)) · 0.25

        BlockQ8_K xk{};
        xk.d = 0.25f;
        std::memset(xk.qs, 2, 256);
        BlockTQ2_0 t2;
        std::memset(t2.qs, 0xAA, 64);  // every code 2 = +1
        t2.d = kHalfHalf;
        QCOMPARE(vec_dot(Type::TQ2_0, &t2, &xk, 256), 64.0f);  // 256·1·2 · 0.5·0.25
        BlockTQ1_0 t1;
        std::memset(t1.qs, 255, 48);  // v = 242 → ceil(242·256/243) = 255
        std::memset(t1.qh, 253, 4);   // v = 80·3 = 240 → ceil(240·256/243) = 253
        t1.d = kHalfHalf;
        QCOMPARE(vec_dot(Type::TQ1_0, &t1, &xk, 256), 64.0f);

        // Position-sensitive: activation qs[e] = e − 128, d = 0.5; weights d = 2.
        xk.d = 0.5f;
        for (int e = 0; e < 256; ++e) xk.qs[e] = static_cast<int8_t>(e - 128);
        int t[256] = {};
        t[0] = 1;
        t[33] = -1;
        t[130] = 1;
        const BlockTQ2_0 s2 = encodeTQ2(t, kHalfTwo);
        QCOMPARE(vec_dot(Type::TQ2_0, &s2, &xk, 256), -31.0f);  // (−128 + 95 + 2) · 2·0.5
        std::memset(t, 0, sizeof t);
        t[0] = 1;
        t[37] = -1;
        t[175] = 1;
        t[250] = -1;
        const BlockTQ1_0 s1 = encodeTQ1(t, kHalfTwo);
        QCOMPARE(vec_dot(Type::TQ1_0, &s1, &xk, 256), -112.0f);  // (−128 + 91 + 47 − 122) · 1
    }

    void vecDotMatchesDequantized() {
        const int n = 512;
        for (Type wt : {Type::F32, Type::F16, Type::BF16, Type::Q4_0, Type::Q8_0, Type::TQ1_0, Type::TQ2_0}) {
            const Type at = type_traits(wt).vec_dot_type;
            const std::vector<uint8_t> w = quantized(wt, randomRow(n, 17));
            std::vector<float> act = randomRow(n, 4242);
            for (float& v : act) v *= 3.0f;
            const std::vector<uint8_t> x = quantized(at, act);
            const std::vector<float> wd = dequantized(wt, w.data(), n);
            const std::vector<float> xd = dequantized(at, x.data(), n);
            double ref = 0.0, scale = 0.0;
            for (int i = 0; i < n; ++i) {
                ref += double(wd[i]) * double(xd[i]);
                scale += std::fabs(double(wd[i]) * double(xd[i]));
            }
            const double got = vec_dot(wt, w.data(), x.data(), n);
            // Relative to Σ|w·x|, the natural scale of a dot product's rounding error.
            QVERIFY2(std::fabs(got - ref) <= 1e-5 * scale,
                     qPrintable(QString("%1: got %2, want %3").arg(QString::fromLatin1(type_name(wt).data()))
                                    .arg(got, 0, 'g', 10).arg(ref, 0, 'g', 10)));
            QVERIFY(scale > 1.0);
        }
    }

    void badInput() {
        float buf[300] = {};
        uint8_t q[600] = {};
        QVERIFY_THROWS_EXCEPTION(Error, dequantize_row(Type::TQ2_0, q, buf, 100));
        QVERIFY_THROWS_EXCEPTION(Error, quantize_row(Type::Q4_0, buf, q, 33));
        QVERIFY_THROWS_EXCEPTION(Error, vec_dot(Type::TQ1_0, q, q, 255));
        QVERIFY_THROWS_EXCEPTION(Error, dequantize_row(Type::F32, q, buf, -1));
        QVERIFY_THROWS_EXCEPTION(Error, dequantize_row(Type::I32, q, buf, 4));
        QVERIFY_THROWS_EXCEPTION(Error, quantize_row(Type::I32, buf, q, 4));
        QVERIFY_THROWS_EXCEPTION(Error, vec_dot(Type::Q8_K, q, q, 256));  // activations only
        QVERIFY_THROWS_EXCEPTION(Error, vec_dot(static_cast<Type>(36), q, q, 256));
    }
};

QTEST_APPLESS_MAIN(TestQuants)
#include "test_quants.moc"
