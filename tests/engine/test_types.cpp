// The type table (sizes from ggml-common.h, formats.md §1.3) and the fp16 / bf16 conversions,
// checked against hand-derived IEEE bit patterns.
#include "test_support.h"

#include "tensor/fp16.h"
#include "tern/error.h"
#include "tern/types.h"

#include <cmath>
#include <cstring>

using namespace tern;

namespace {

uint32_t bitsOf(float f) {
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

float floatOf(uint32_t u) {
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

}  // namespace

class TestTypes : public QObject {
    Q_OBJECT

private slots:
    void table_data() {
        QTest::addColumn<uint32_t>("id");
        QTest::addColumn<QString>("name");
        QTest::addColumn<qint64>("blockSize");
        QTest::addColumn<qint64>("blockBytes");
        QTest::addColumn<bool>("quantized");
        QTest::addColumn<uint32_t>("vecDot");
        QTest::addColumn<bool>("internal");
        QTest::newRow("F32") << 0u << "F32" << qint64(1) << qint64(4) << false << 0u << false;
        QTest::newRow("F16") << 1u << "F16" << qint64(1) << qint64(2) << false << 1u << false;
        QTest::newRow("Q4_0") << 2u << "Q4_0" << qint64(32) << qint64(18) << true << 8u << false;
        QTest::newRow("Q8_0") << 8u << "Q8_0" << qint64(32) << qint64(34) << true << 8u << false;
        QTest::newRow("Q8_K") << 15u << "Q8_K" << qint64(256) << qint64(292) << true << 15u << false;
        QTest::newRow("I32") << 26u << "I32" << qint64(1) << qint64(4) << false << 26u << false;
        QTest::newRow("BF16") << 30u << "BF16" << qint64(1) << qint64(2) << false << 30u << false;
        QTest::newRow("TQ1_0") << 34u << "TQ1_0" << qint64(256) << qint64(54) << true << 15u << false;
        QTest::newRow("TQ2_0") << 35u << "TQ2_0" << qint64(256) << qint64(66) << true << 15u << false;
        // bitnet.cpp's I2_S: the traits describe the codes (128 per 32 bytes); the per-tensor
        // scale tail is i2s_tensor_bytes'. The reader decides id 36 by provenance (test_i2s).
        QTest::newRow("I2_S") << 36u << "I2_S" << qint64(128) << qint64(32) << true << 15u << false;
        // Internal: TQ2_0 codes + float32 d, what I2_S is converted to at load time.
        QTest::newRow("TQ2_0_S32") << 63u << "TQ2_0_S32" << qint64(256) << qint64(68) << true << 15u << true;
        QTest::newRow("Q8_K_ROW") << 62u << "Q8_K_ROW" << qint64(256) << qint64(292) << true << 62u << true;
    }

    void table() {
        QFETCH(uint32_t, id);
        QFETCH(QString, name);
        QFETCH(qint64, blockSize);
        QFETCH(qint64, blockBytes);
        QFETCH(bool, quantized);
        QFETCH(uint32_t, vecDot);
        QFETCH(bool, internal);
        const TypeTraits* tt = type_traits(id);
        QVERIFY(tt != nullptr);
        QCOMPARE(static_cast<uint32_t>(tt->type), id);
        QCOMPARE(QString::fromLatin1(tt->name.data(), static_cast<qsizetype>(tt->name.size())), name);
        QCOMPARE(tt->block_size, blockSize);
        QCOMPARE(tt->block_bytes, static_cast<size_t>(blockBytes));
        QCOMPARE(tt->quantized, quantized);
        QCOMPARE(static_cast<uint32_t>(tt->vec_dot_type), vecDot);
        QCOMPARE(tt->internal, internal);
        QCOMPARE(&type_traits(static_cast<Type>(id)), tt);
        QCOMPARE(type_name(static_cast<Type>(id)), tt->name);
    }

    void unknownIds() {
        // 3 (old Q4_2), 37–39 (bitnet.cpp's I8_S/TL1/TL2; upstream removed / MXFP4), types we
        // do not read.
        for (uint32_t id : {3u, 4u, 6u, 12u, 14u, 24u, 31u, 37u, 38u, 39u, 61u, 64u, 99u, 0xFFFFFFFFu})
            QVERIFY2(type_traits(id) == nullptr, qPrintable(QString::number(id)));
        QVERIFY_THROWS_EXCEPTION(Error, type_traits(static_cast<Type>(37)));
    }

    void rowBytes() {
        QCOMPARE(row_bytes(Type::TQ2_0, 2560), size_t(10 * 66));
        QCOMPARE(row_bytes(Type::TQ2_0_S32, 2560), size_t(10 * 68));
        QCOMPARE(row_bytes(Type::I2_S, 2560), size_t(640));          // codes only
        QCOMPARE(i2s_tensor_bytes(2560 * 6912), uint64_t(4423680 + 32));  // 2B4T ffn_down
        QCOMPARE(row_bytes(Type::TQ1_0, 2560), size_t(10 * 54));
        QCOMPARE(row_bytes(Type::TQ1_0, 6912), size_t(27 * 54));
        QCOMPARE(row_bytes(Type::Q4_0, 4096), size_t(128 * 18));
        QCOMPARE(row_bytes(Type::Q8_0, 64), size_t(68));
        QCOMPARE(row_bytes(Type::Q8_K, 512), size_t(584));
        QCOMPARE(row_bytes(Type::F16, 2560), size_t(5120));
        QCOMPARE(row_bytes(Type::BF16, 3), size_t(6));
        QCOMPARE(row_bytes(Type::F32, 7), size_t(28));
        QCOMPARE(row_bytes(Type::I32, 5), size_t(20));
    }

    void fp16ToFp32() {
        QCOMPARE(fp16_to_fp32(0x3C00), 1.0f);
        QCOMPARE(fp16_to_fp32(0xC000), -2.0f);
        QCOMPARE(fp16_to_fp32(0x7BFF), 65504.0f);
        QCOMPARE(fp16_to_fp32(0x3800), 0.5f);
        QCOMPARE(fp16_to_fp32(0x3555), 0.333251953125f);        // 1365/4096
        QCOMPARE(fp16_to_fp32(0x0400), std::ldexp(1.0f, -14));  // smallest normal
        QCOMPARE(fp16_to_fp32(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal ≈ 5.96e-8
        QVERIFY(std::fabs(fp16_to_fp32(0x0001) - 5.96046448e-8f) < 1e-15f);
        QCOMPARE(fp16_to_fp32(0x03FF), 1023.0f * std::ldexp(1.0f, -24));
        QCOMPARE(fp16_to_fp32(0x8001), -std::ldexp(1.0f, -24));
        QCOMPARE(fp16_to_fp32(0x0200), std::ldexp(1.0f, -15));
        QCOMPARE(bitsOf(fp16_to_fp32(0x0000)), 0x00000000u);
        QCOMPARE(bitsOf(fp16_to_fp32(0x8000)), 0x80000000u);  // -0 keeps its sign
        QCOMPARE(bitsOf(fp16_to_fp32(0x7C00)), 0x7F800000u);  // +inf
        QCOMPARE(bitsOf(fp16_to_fp32(0xFC00)), 0xFF800000u);  // -inf
        QVERIFY(std::isnan(fp16_to_fp32(0x7E00)));
        QVERIFY(std::isnan(fp16_to_fp32(0x7C01)));
        QVERIFY(std::isnan(fp16_to_fp32(0xFE00)));
    }

    void fp32ToFp16() {
        QCOMPARE(fp32_to_fp16(1.0f), uint16_t(0x3C00));
        QCOMPARE(fp32_to_fp16(-2.0f), uint16_t(0xC000));
        QCOMPARE(fp32_to_fp16(65504.0f), uint16_t(0x7BFF));
        QCOMPARE(fp32_to_fp16(0.5f), uint16_t(0x3800));
        QCOMPARE(fp32_to_fp16(0.0f), uint16_t(0x0000));
        QCOMPARE(fp32_to_fp16(-0.0f), uint16_t(0x8000));
        // Ties on the 11-bit mantissa go to the even neighbour.
        QCOMPARE(fp32_to_fp16(1.0f + std::ldexp(1.0f, -11)), uint16_t(0x3C00));
        QCOMPARE(fp32_to_fp16(1.0f + 3.0f * std::ldexp(1.0f, -11)), uint16_t(0x3C02));
        QCOMPARE(fp32_to_fp16(1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20)), uint16_t(0x3C01));
        QCOMPARE(fp32_to_fp16(1.0f + std::ldexp(1.0f, -12)), uint16_t(0x3C00));  // below the tie
        QCOMPARE(fp32_to_fp16(-(1.0f + 3.0f * std::ldexp(1.0f, -11))), uint16_t(0xBC02));
        // A carry out of the mantissa bumps the exponent: 2 - 2^-12 → 2.0.
        QCOMPARE(fp32_to_fp16(2.0f - std::ldexp(1.0f, -12)), uint16_t(0x4000));
        // Overflow: 65519 stays finite, 65520 (the tie above 65504, odd mantissa) → inf.
        QCOMPARE(fp32_to_fp16(65519.0f), uint16_t(0x7BFF));
        QCOMPARE(fp32_to_fp16(65520.0f), uint16_t(0x7C00));
        QCOMPARE(fp32_to_fp16(1e6f), uint16_t(0x7C00));
        QCOMPARE(fp32_to_fp16(-1e6f), uint16_t(0xFC00));
        QCOMPARE(fp32_to_fp16(INFINITY), uint16_t(0x7C00));
        QCOMPARE(fp32_to_fp16(-INFINITY), uint16_t(0xFC00));
        // Subnormals: multiples of 2^-24, ties to even.
        QCOMPARE(fp32_to_fp16(std::ldexp(1.0f, -24)), uint16_t(0x0001));
        QCOMPARE(fp32_to_fp16(std::ldexp(1.0f, -25)), uint16_t(0x0000));         // 0.5 ulp → 0
        QCOMPARE(fp32_to_fp16(std::ldexp(1.5f, -25)), uint16_t(0x0001));         // 0.75 ulp → 1
        QCOMPARE(fp32_to_fp16(std::ldexp(3.0f, -25)), uint16_t(0x0002));         // 1.5 ulp → 2
        QCOMPARE(fp32_to_fp16(std::ldexp(5.0f, -25)), uint16_t(0x0002));         // 2.5 ulp → 2
        QCOMPARE(fp32_to_fp16(std::ldexp(1.0f, -26)), uint16_t(0x0000));
        QCOMPARE(fp32_to_fp16(-std::ldexp(1.0f, -24)), uint16_t(0x8001));
        QCOMPARE(fp32_to_fp16(1023.0f * std::ldexp(1.0f, -24)), uint16_t(0x03FF));
        QCOMPARE(fp32_to_fp16(1023.5f * std::ldexp(1.0f, -24)), uint16_t(0x0400));  // → smallest normal
        QCOMPARE(fp32_to_fp16(std::ldexp(1.0f, -14)), uint16_t(0x0400));
        QCOMPARE(fp32_to_fp16(1e-30f), uint16_t(0x0000));
        // NaN stays a (quiet) NaN with its sign.
        const uint16_t qn = fp32_to_fp16(NAN);
        QCOMPARE(qn & 0x7C00, 0x7C00);
        QVERIFY((qn & 0x3FF) != 0);
        QVERIFY(qn & 0x200);
        const uint16_t sn = fp32_to_fp16(floatOf(0xFF800001u));  // signalling, payload in low bits
        QCOMPARE(sn & 0xFC00, 0xFC00);
        QVERIFY(sn & 0x200);
    }

    void fp16RoundTripAll() {
        for (uint32_t h = 0; h <= 0xFFFF; ++h) {
            const float f = fp16_to_fp32(static_cast<uint16_t>(h));
            if (std::isnan(f)) {
                QVERIFY((h & 0x7C00) == 0x7C00 && (h & 0x3FF) != 0);
                continue;
            }
            QCOMPARE(fp32_to_fp16(f), static_cast<uint16_t>(h));
        }
    }

    // Cross-check against the compiler's own conversion (round to nearest even) over many bit
    // patterns covering every float exponent. (The #ifdef is inside the slot: moc does not see
    // the compiler's predefined macros.)
    void fp16AgainstCompiler() {
#ifndef __FLT16_MAX__
        QSKIP("the compiler has no _Float16");
#else
        uint32_t s = 12345;
        for (int i = 0; i < 2000000; ++i) {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            const float f = floatOf(s);
            if (std::isnan(f)) continue;
            const _Float16 c = static_cast<_Float16>(f);
            uint16_t expected;
            std::memcpy(&expected, &c, sizeof expected);
            if (fp32_to_fp16(f) != expected)
                QFAIL(qPrintable(QString("0x%1").arg(s, 8, 16, QChar('0'))));
        }
#endif
    }

    void bf16() {
        QCOMPARE(fp32_to_bf16(1.0f), uint16_t(0x3F80));
        QCOMPARE(fp32_to_bf16(-2.0f), uint16_t(0xC000));
        QCOMPARE(bf16_to_fp32(0x3F80), 1.0f);
        QCOMPARE(bf16_to_fp32(0x4049), 3.140625f);
        QCOMPARE(bf16_to_fp32(0xC2F7), -123.5f);
        QCOMPARE(bitsOf(bf16_to_fp32(0x8000)), 0x80000000u);
        // Ties on the 16 dropped bits go to even.
        QCOMPARE(fp32_to_bf16(floatOf(0x3F808000u)), uint16_t(0x3F80));  // 1 + 2^-8
        QCOMPARE(fp32_to_bf16(floatOf(0x3F818000u)), uint16_t(0x3F82));  // 1 + 3·2^-8
        QCOMPARE(fp32_to_bf16(floatOf(0x3F808001u)), uint16_t(0x3F81));
        QCOMPARE(fp32_to_bf16(floatOf(0x3F807FFFu)), uint16_t(0x3F80));
        QCOMPARE(fp32_to_bf16(3.14159265f), uint16_t(0x4049));
        QCOMPARE(fp32_to_bf16(INFINITY), uint16_t(0x7F80));
        QCOMPARE(fp32_to_bf16(-INFINITY), uint16_t(0xFF80));
        QCOMPARE(fp32_to_bf16(floatOf(0x7F7FFFFFu)), uint16_t(0x7F80));  // FLT_MAX rounds to inf
        QCOMPARE(fp32_to_bf16(floatOf(0x00000001u)), uint16_t(0x0000));  // subnormals round too
        QCOMPARE(fp32_to_bf16(floatOf(0x00018000u)), uint16_t(0x0002));
        // NaN: truncated and made quiet, never turned into inf.
        QCOMPARE(fp32_to_bf16(floatOf(0x7F800001u)), uint16_t(0x7FC0));
        QCOMPARE(fp32_to_bf16(floatOf(0xFFC00000u)), uint16_t(0xFFC0));
        QCOMPARE(fp32_to_bf16(floatOf(0x7FFFFFFFu)), uint16_t(0x7FFF));
        for (uint32_t h = 0; h <= 0xFFFF; ++h) {
            const float f = bf16_to_fp32(static_cast<uint16_t>(h));
            if (std::isnan(f)) continue;
            QCOMPARE(fp32_to_bf16(f), static_cast<uint16_t>(h));
        }
    }
};

QTEST_APPLESS_MAIN(TestTypes)
#include "test_types.moc"
