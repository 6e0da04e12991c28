// What this build of Tern is: its version (from project(VERSION) in the top CMakeLists.txt), the
// compute backends compiled in, and the CPU features this machine offers. Shown by
// `tern --version`, `tern-cli --version` and the About dialog.
#pragma once

#include <QString>
#include <QStringList>

namespace tern::app {

QString versionString();          // "0.1.0"
QStringList enabledBackends();    // {"CPU"}, or {"CPU", "Vulkan"} in a build configured with TERN_VULKAN=ON
// SIMD features of the running CPU that Tern's kernels can use, by their usual names
// (x86-64: "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vnni", "avxvnni"; aarch64: "neon",
// "dotprod"). Empty when it has none of them. Read at run time (__builtin_cpu_supports on x86,
// getauxval(AT_HWCAP) on Linux aarch64), so it describes this machine, not the build machine.
QStringList cpuFeatures();
// "<program> 0.1.0\nbackends: CPU, Vulkan\nCPU features: avx2 fma ..." (no trailing newline).
QString buildSummary(const QString& program);

}  // namespace tern::app
