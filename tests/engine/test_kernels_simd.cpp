// Every SIMD kernel set (backend/cpu/kernels.h) against the scalar reference on random data.
// - Activation quantisation (Q8_0, Q8_K, Q8_K_ROW): the bytes must be identical.
// - Integer dot products (TQ2_0, TQ1_0, TQ2_0_S32, Q8_0, Q4_0): the SIMD kernels keep the
//   reference's float steps (sum += float(sumi)·(d_w·d_x) per block, in order), so the floats
//   must be identical, which also pins every int32 block sum. Weight bytes are fully random
//   (TQ2_0's unused code 3, TQ1_0 bytes ≥ 243, Q8_0's −128 included): the kernels must agree
//   with the reference on any file, not only on well-formed ones.
// - F32/F16 dot products keep each row's reference summation (eight rows in the lanes): the
//   floats must be identical too.
// Row ranges start at odd offsets and have odd lengths; mat_mat takes 1..6 activation rows.
// A set this CPU cannot run is skipped with a message ("neon" runs in the aarch64 cross build,
// under qemu-user: the "neon" preset).
#include "test_support.h"

#include "backend/cpu/kernels.h"
#include "tensor/fp16.h"
#include "tensor/quants.h"
#include "tern/error.h"

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using namespace tern;

class TestKernelsSimd : public QObject {
    Q_OBJECT
private slots:
    void selection();
    void quantize_data();
    void quantize();
    void dots_data();
    void dots();
    void floatDots_data();
    void floatDots();
};

namespace {

bool available(std::string_view set) {
    for (std::string_view s : available_kernel_sets())
        if (s == set) return true;
    return false;
}

void addSetColumn() {
    QTest::addColumn<QString>("set");
}

#define SKIP_UNLESS_AVAILABLE(set)                                                                   \
    do {                                                                                             \
        if (!available((set).toStdString()))                                                         \
            QSKIP(qPrintable("this CPU cannot run the " + (set) + " kernels; not tested here"));      \
    } while (0)

std::vector<float> randomFloats(std::mt19937& rng, int64_t n, float scale) {
    std::normal_distribution<float> nd(0.0f, scale);
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v) x = nd(rng);
    return v;
}

std::vector<uint8_t> randomBytes(std::mt19937& rng, size_t n) {
    std::vector<uint8_t> v(n);
    for (uint8_t& b : v) b = static_cast<uint8_t>(rng());
    return v;
}

// Overwrites the scale field of every block with a random finite positive or negative scale.
void setScales(std::mt19937& rng, Type t, std::vector<uint8_t>& rows) {
    const TypeTraits& tt = type_traits(t);
    std::uniform_real_distribution<float> ud(-0.5f, 0.5f);
    for (size_t off = 0; off + tt.block_bytes <= rows.size(); off += tt.block_bytes) {
        const float d = ud(rng);
        if (t == Type::TQ2_0_S32) {
            std::memcpy(&rows[off + 64], &d, 4);
            continue;
        }
        const uint16_t h = fp32_to_fp16(d);
        const size_t at = t == Type::TQ2_0 ? 64 : t == Type::TQ1_0 ? 52 : 0;  // Q4_0, Q8_0: first
        std::memcpy(&rows[off + at], &h, 2);
    }
}

QString firstDiff(const std::vector<float>& got, const std::vector<float>& want) {
    for (size_t i = 0; i < want.size(); ++i)
        if (!(got[i] == want[i]) && !(std::isnan(got[i]) && std::isnan(want[i])))
            return QString("output %1: got %2, want %3").arg(i).arg(double(got[i]), 0, 'g', 9).arg(double(want[i]), 0, 'g', 9);
    return {};
}

}  // namespace

void TestKernelsSimd::selection() {
    QCOMPARE(cpu_kernels("scalar").name, std::string_view("scalar"));
    QCOMPARE(available_kernel_sets().front(), std::string_view("scalar"));
    QVERIFY_THROWS_EXCEPTION(Error, cpu_kernels("sse9"));
    QVERIFY_THROWS_EXCEPTION(Error, cpu_kernels("AVX2"));
    for (std::string_view s : {std::string_view("avx2"), std::string_view("avx512"), std::string_view("neon")}) {
        if (available(s)) QCOMPARE(cpu_kernels(s).name, s);
        else QVERIFY_THROWS_EXCEPTION(Error, cpu_kernels(s));
    }
    // The default is the last (best) available set.
    QCOMPARE(cpu_kernels("").name, available_kernel_sets().back());
}

void TestKernelsSimd::quantize_data() {
    addSetColumn();
    QTest::newRow("avx2") << QString("avx2");
    QTest::newRow("avx512") << QString("avx512");
    QTest::newRow("neon") << QString("neon");
}

void TestKernelsSimd::quantize() {
    QFETCH(QString, set);
    SKIP_UNLESS_AVAILABLE(set);
    const CpuKernels& simd = cpu_kernels(set.toStdString());
    const CpuKernels& ref = scalar_kernels();
    std::mt19937 rng(7);
    for (Type t : {Type::Q8_0, Type::Q8_K, Type::Q8_K_ROW}) {
        QVERIFY(simd[t].quantize_row != ref[t].quantize_row);  // really a SIMD entry
        for (int64_t n : {256, 512, 2048, 4096 + 256}) {
            for (int variant = 0; variant < 5; ++variant) {
                std::vector<float> x = randomFloats(rng, n, variant == 4 ? 1e-7f : 1.5f);
                if (variant == 1) {  // exact ties for the rounding rules: halves of small integers
                    for (int64_t i = 0; i < n; ++i) x[size_t(i)] = static_cast<float>(int(rng() % 255) - 127) * 0.5f;
                }
                if (variant == 2) {  // zero blocks, and a largest magnitude present with both signs
                    std::fill(x.begin(), x.begin() + 256, 0.0f);
                    x[300 % size_t(n)] = 9.0f;
                    x[301 % size_t(n)] = -9.0f;
                }
                if (variant == 3) {  // the first element of largest magnitude decides Q8_K's sign
                    x[5] = -20.0f;
                    x[200] = 20.0f;
                }
                const size_t bytes = row_bytes(t, n);
                std::vector<uint8_t> a(bytes, 0xAA), b(bytes, 0x55);
                simd[t].quantize_row(x.data(), a.data(), n);
                ref[t].quantize_row(x.data(), b.data(), n);
                for (size_t i = 0; i < bytes; ++i)
                    if (a[i] != b[i])
                        QFAIL(qPrintable(QString("%1 n=%2 variant %3: byte %4 is %5, reference %6")
                                             .arg(QString::fromLatin1(type_name(t).data())).arg(n).arg(variant)
                                             .arg(i).arg(a[i]).arg(b[i])));
            }
        }
    }
}

void TestKernelsSimd::dots_data() {
    addSetColumn();
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("act");
    // "avx512-baseline": the avx512 set without its GFNI / VBMI entries, so a CPU with those
    // extensions checks both variants.
    for (const char* set : {"avx2", "avx512", "avx512-baseline", "neon"}) {
        const QString s = set;
        QTest::newRow(qPrintable(s + " TQ2_0·Q8_K")) << s << int(Type::TQ2_0) << int(Type::Q8_K);
        QTest::newRow(qPrintable(s + " TQ1_0·Q8_K")) << s << int(Type::TQ1_0) << int(Type::Q8_K);
        QTest::newRow(qPrintable(s + " TQ2_0_S32·Q8_K_ROW")) << s << int(Type::TQ2_0_S32) << int(Type::Q8_K_ROW);
        QTest::newRow(qPrintable(s + " TQ2_0·Q8_K_ROW")) << s << int(Type::TQ2_0) << int(Type::Q8_K_ROW);
        QTest::newRow(qPrintable(s + " Q8_0·Q8_0")) << s << int(Type::Q8_0) << int(Type::Q8_0);
        QTest::newRow(qPrintable(s + " Q4_0·Q8_0")) << s << int(Type::Q4_0) << int(Type::Q8_0);
    }
}

void TestKernelsSimd::dots() {
    QFETCH(QString, set);
    QFETCH(int, type);
    QFETCH(int, act);
    const bool baseline = set == "avx512-baseline";
    if (baseline && !avx512_kernels_baseline()) QSKIP("this CPU cannot run the avx512 kernels; not tested here");
    if (!baseline) SKIP_UNLESS_AVAILABLE(set);
    const Type wt = static_cast<Type>(type), xt = static_cast<Type>(act);
    const CpuKernels& simd = baseline ? *avx512_kernels_baseline() : cpu_kernels(set.toStdString());
    const CpuKernels& ref = scalar_kernels();
    QVERIFY(simd[wt].mat_vec != ref[wt].mat_vec);
    std::mt19937 rng(uint32_t(type * 31 + act));
    const int64_t bs = type_traits(wt).block_size;
    for (int64_t blocks : {1, 3, 8, 40}) {  // 40: longer than one chunk of the TQ1_0 decode path
        const int64_t n = blocks * (bs == 32 ? 64 : 1) * bs;  // Q8_0/Q4_0: 64..512 blocks
        const int64_t n_rows = 37;
        const size_t rb = row_bytes(wt, n);
        std::vector<uint8_t> w = randomBytes(rng, rb * size_t(n_rows));
        setScales(rng, wt, w);
        // Activation rows quantized by the reference from random floats.
        constexpr int kMaxCols = 6;
        const size_t xb = row_bytes(xt, n);
        std::vector<uint8_t> x(xb * kMaxCols);
        for (int c = 0; c < kMaxCols; ++c) {
            const std::vector<float> f = randomFloats(rng, n, c == 3 ? 40.0f : 1.0f);
            ref[xt].quantize_row(f.data(), x.data() + xb * size_t(c), n);
        }
        for (auto [r0, r1] : {std::pair<int64_t, int64_t>{0, 37}, {1, 2}, {3, 10}, {5, 22}, {0, 8}, {9, 26}}) {
            for (int c = 0; c < kMaxCols; ++c) {
                std::vector<float> got(size_t(r1 - r0), -1.0f), want(size_t(r1 - r0), -2.0f);
                simd[wt].mat_vec(w.data(), rb, r0, r1, x.data() + xb * size_t(c), n, got.data());
                ref[wt].mat_vec(w.data(), rb, r0, r1, x.data() + xb * size_t(c), n, want.data());
                const QString why = firstDiff(got, want);
                QVERIFY2(why.isEmpty(), qPrintable(QString("mat_vec n=%1 rows [%2,%3) col %4: ").arg(n).arg(r0).arg(r1).arg(c) + why));
            }
            for (int nc = 1; nc <= kMaxCols; ++nc) {
                std::vector<std::vector<float>> got(size_t(nc), std::vector<float>(size_t(r1 - r0), -1.0f));
                const void* xs[kMaxCols];
                float* ys[kMaxCols];
                for (int c = 0; c < nc; ++c) {
                    xs[c] = x.data() + xb * size_t((c * 5) % kMaxCols);  // not in order
                    ys[c] = got[size_t(c)].data();
                }
                simd[wt].mat_mat(w.data(), rb, r0, r1, xs, nc, n, ys);
                for (int c = 0; c < nc; ++c) {
                    std::vector<float> want(size_t(r1 - r0));
                    ref[wt].mat_vec(w.data(), rb, r0, r1, xs[c], n, want.data());
                    const QString why = firstDiff(got[size_t(c)], want);
                    QVERIFY2(why.isEmpty(), qPrintable(QString("mat_mat n=%1 rows [%2,%3) %4 cols, col %5: ")
                                                           .arg(n).arg(r0).arg(r1).arg(nc).arg(c) + why));
                }
            }
        }
    }
}

void TestKernelsSimd::floatDots_data() {
    addSetColumn();
    QTest::addColumn<int>("type");
    for (const char* set : {"avx2", "avx512", "neon"}) {
        QTest::newRow(qPrintable(QString(set) + " F32")) << QString(set) << int(Type::F32);
        QTest::newRow(qPrintable(QString(set) + " F16")) << QString(set) << int(Type::F16);
    }
}

void TestKernelsSimd::floatDots() {
    QFETCH(QString, set);
    QFETCH(int, type);
    SKIP_UNLESS_AVAILABLE(set);
    const Type t = static_cast<Type>(type);
    const CpuKernels& simd = cpu_kernels(set.toStdString());
    const CpuKernels& ref = scalar_kernels();
    std::mt19937 rng(11);
    for (int64_t n : {1, 7, 8, 33, 64, 1000, 2048}) {
        const int64_t n_rows = 13;
        std::vector<float> wf = randomFloats(rng, n * n_rows, 1.0f), xf = randomFloats(rng, n, 1.0f);
        const size_t rb = row_bytes(t, n);
        std::vector<uint8_t> w(rb * size_t(n_rows)), x(rb);
        for (int64_t r = 0; r < n_rows; ++r) ref[t].quantize_row(wf.data() + r * n, w.data() + rb * size_t(r), n);
        ref[t].quantize_row(xf.data(), x.data(), n);
        std::vector<float> got(size_t(n_rows - 2)), want(size_t(n_rows - 2)), got2(size_t(n_rows - 2));
        simd[t].mat_vec(w.data(), rb, 1, n_rows - 1, x.data(), n, got.data());
        ref[t].mat_vec(w.data(), rb, 1, n_rows - 1, x.data(), n, want.data());
        const void* xs[1] = {x.data()};
        float* ys[1] = {got2.data()};
        simd[t].mat_mat(w.data(), rb, 1, n_rows - 1, xs, 1, n, ys);
        QString why = firstDiff(got, want);
        QVERIFY2(why.isEmpty(), qPrintable(QString("mat_vec n=%1: ").arg(n) + why));
        why = firstDiff(got2, want);
        QVERIFY2(why.isEmpty(), qPrintable(QString("mat_mat n=%1: ").arg(n) + why));
    }
}

QTEST_GUILESS_MAIN(TestKernelsSimd)
#include "test_kernels_simd.moc"
