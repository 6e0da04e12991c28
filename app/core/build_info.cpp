#include "build_info.h"

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

namespace tern::app {

QString versionString() { return QStringLiteral(TERN_VERSION); }

QStringList enabledBackends() {
    QStringList b{QStringLiteral("CPU")};
#ifdef TERN_BUILD_HAS_VULKAN  // set by app/CMakeLists.txt when the engine is built with its Vulkan backend (TERN_HAVE_VULKAN)
    b << QStringLiteral("Vulkan");
#endif
    return b;
}

QStringList cpuFeatures() {
    QStringList f;
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) f << QStringLiteral("avx2");
    if (__builtin_cpu_supports("fma")) f << QStringLiteral("fma");
    if (__builtin_cpu_supports("f16c")) f << QStringLiteral("f16c");
    if (__builtin_cpu_supports("avx512f")) f << QStringLiteral("avx512f");
    if (__builtin_cpu_supports("avx512bw")) f << QStringLiteral("avx512bw");
    if (__builtin_cpu_supports("avx512vnni")) f << QStringLiteral("avx512vnni");
    if (__builtin_cpu_supports("avx512vbmi")) f << QStringLiteral("avx512vbmi");  // TQ1_0 digit tables
    if (__builtin_cpu_supports("gfni")) f << QStringLiteral("gfni");              // TQ2_0 code extraction
#if defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 11)
    if (__builtin_cpu_supports("avxvnni")) f << QStringLiteral("avxvnni");
#endif
#elif defined(__aarch64__)
    f << QStringLiteral("neon");  // Advanced SIMD is part of every AArch64 CPU
#if defined(__linux__) && defined(HWCAP_ASIMDDP)
    if (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) f << QStringLiteral("dotprod");
#endif
#endif
    return f;
}

QString buildSummary(const QString& program) {
    const QStringList features = cpuFeatures();
    return program + QLatin1Char(' ') + versionString() + QStringLiteral("\nbackends: ") +
           enabledBackends().join(QStringLiteral(", ")) + QStringLiteral("\nCPU features: ") +
           (features.isEmpty() ? QStringLiteral("none detected") : features.join(QLatin1Char(' ')));
}

}  // namespace tern::app
