// What `tern --version`, `tern-cli --version` and the About dialog show: the version comes from
// project(VERSION) in the top CMakeLists.txt, the backends start with CPU, and on Linux x86-64 the
// CPU features match the kernel's flags in /proc/cpuinfo (an independent reading of CPUID).
#include "build_info.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QtTest>

using namespace tern::app;

class TestBuildInfo : public QObject {
    Q_OBJECT
private slots:
    void versionIsTheProjectVersion();
    void backendsStartWithCpu();
    void cpuFeaturesMatchProcCpuinfo();
    void summaryHasThreeLines();
};

namespace {

QString sourceDir() {
    QString d = qEnvironmentVariable("TERN_SOURCE_DIR");
    if (d.isEmpty()) d = QFileInfo(QStringLiteral(__FILE__)).absolutePath() + QStringLiteral("/../..");
    return QDir(d).absolutePath();
}

}  // namespace

void TestBuildInfo::versionIsTheProjectVersion() {
    QFile f(sourceDir() + "/CMakeLists.txt");
    QVERIFY(f.open(QIODevice::ReadOnly));
    const auto m = QRegularExpression(R"(project\(\s*Tern\s+VERSION\s+([0-9.]+))").match(QString::fromUtf8(f.readAll()));
    QVERIFY(m.hasMatch());
    QCOMPARE(versionString(), m.captured(1));
}

void TestBuildInfo::backendsStartWithCpu() {
    const QStringList b = enabledBackends();
    QVERIFY(!b.isEmpty());
    QCOMPARE(b.first(), QStringLiteral("CPU"));
    for (const QString& name : b) QVERIFY2(name == "CPU" || name == "Vulkan", qPrintable(name));
    QCOMPARE(QStringList(b).removeDuplicates(), 0);
}

void TestBuildInfo::cpuFeaturesMatchProcCpuinfo() {
#if defined(__x86_64__) && defined(__linux__)
    QFile f(QStringLiteral("/proc/cpuinfo"));
    if (!f.open(QIODevice::ReadOnly)) QSKIP("no /proc/cpuinfo");
    QStringList flags;
    for (const QString& line : QString::fromLatin1(f.readAll()).split('\n')) {
        if (line.startsWith(QLatin1String("flags"))) {
            flags = line.section(':', 1).split(' ', Qt::SkipEmptyParts);
            break;
        }
    }
    QVERIFY(!flags.isEmpty());
    const QStringList ours = cpuFeatures();
    // our name -> the kernel's name
    const QList<QPair<QString, QString>> names = {{"avx2", "avx2"},         {"fma", "fma"},
                                                  {"f16c", "f16c"},         {"avx512f", "avx512f"},
                                                  {"avx512bw", "avx512bw"}, {"avx512vnni", "avx512_vnni"},
                                                  {"avxvnni", "avx_vnni"}};
    for (const auto& [name, kernel] : names) {
        QVERIFY2(ours.contains(name) == flags.contains(kernel),
                 qPrintable(QString("%1: ours %2, /proc/cpuinfo %3").arg(name).arg(ours.contains(name)).arg(flags.contains(kernel))));
    }
#else
    QSKIP("checked against /proc/cpuinfo on Linux x86-64 only");
#endif
}

void TestBuildInfo::summaryHasThreeLines() {
    const QStringList lines = buildSummary(QStringLiteral("tern-cli")).split('\n');
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0], QStringLiteral("tern-cli ") + versionString());
    QCOMPARE(lines[1], QStringLiteral("backends: ") + enabledBackends().join(", "));
    QVERIFY(lines[2].startsWith(QStringLiteral("CPU features: ")));
    if (!cpuFeatures().isEmpty()) QCOMPARE(lines[2], QStringLiteral("CPU features: ") + cpuFeatures().join(' '));
}

QTEST_GUILESS_MAIN(TestBuildInfo)
#include "test_build_info.moc"
