// Run-time choice of the CPU kernel set. The SIMD tables are built once, on first use, from
// the scalar table plus the entries of kernels_avx2.cpp / kernels_avx512.cpp, which are the only
// files compiled with ISA flags (engine/CMakeLists.txt): this file is baseline x86-64 and asks
// the CPU (cpuid, through __builtin_cpu_supports) before calling into them. On aarch64 the
// "neon" table (kernels_neon.cpp) needs only baseline Advanced SIMD, so it is always runnable;
// its integer dot products come from kernels_neon_dotprod.cpp (SDOT) when the kernel reports the
// dotprod extension (getauxval(AT_HWCAP) & HWCAP_ASIMDDP, Linux).
#include "backend/cpu/kernels.h"

#include "tern/error.h"

#include <string>

#if defined(TERN_NEON_KERNELS) && defined(__linux__)
#include <sys/auxv.h>
#endif

namespace tern {

namespace {

#if defined(TERN_X86_KERNELS)
bool cpu_has_avx2() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
}

bool cpu_has_avx512() {
    __builtin_cpu_init();
    return cpu_has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni");
}

const CpuKernels& avx2_table() {
    static const CpuKernels k = [] {
        CpuKernels t = scalar_kernels();
        t.name = "avx2";
        add_avx2_kernels(t);
        return t;
    }();
    return k;
}

const CpuKernels& avx512_table_baseline() {
    static const CpuKernels k = [] {
        CpuKernels t = avx2_table();
        t.name = "avx512";
        add_avx512_kernels(t);
        return t;
    }();
    return k;
}

const CpuKernels& avx512_table() {
    static const CpuKernels k = [] {
        CpuKernels t = avx512_table_baseline();
        if (__builtin_cpu_supports("gfni")) add_avx512_gfni_kernels(t);
        if (__builtin_cpu_supports("avx512vbmi")) add_avx512_vbmi_kernels(t);
        return t;
    }();
    return k;
}
#else
bool cpu_has_avx2() { return false; }
bool cpu_has_avx512() { return false; }
#endif

#if defined(TERN_NEON_KERNELS)
constexpr bool kHasNeon = true;

bool cpu_has_dotprod() {
#if defined(__linux__) && defined(HWCAP_ASIMDDP)
    return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
#else
    return false;
#endif
}

const CpuKernels& neon_table() {
    static const CpuKernels k = [] {
        CpuKernels t = scalar_kernels();
        t.name = "neon";
        add_neon_kernels(t);
        if (cpu_has_dotprod()) add_neon_dotprod_kernels(t);
        return t;
    }();
    return k;
}
#else
constexpr bool kHasNeon = false;
#endif

[[noreturn]] void not_built(std::string_view features) {
    throw Error("the " + std::string(features) + " kernels are not built for this processor architecture (" +
                (features == "neon" ? "they need aarch64" : "they need x86-64") + ")");
}

}  // namespace

const CpuKernels& cpu_kernels(std::string_view features) {
    if (features == "scalar") return scalar_kernels();
    if (features != "" && features != "avx2" && features != "avx512" && features != "neon")
        throw Error("unknown CPU kernel set '" + std::string(features) +
                    "' (expected scalar, avx2, avx512 or neon)");
#if defined(TERN_NEON_KERNELS)
    if (features == "" || features == "neon") return neon_table();
    not_built(features);
#elif defined(TERN_X86_KERNELS)
    if (features == "neon") not_built(features);
    if (features == "" || features == "avx512") {
        if (cpu_has_avx512()) return avx512_table();
        if (features == "avx512")
            throw Error("this CPU cannot run the avx512 kernels (they need AVX-512 F, BW, VL and VNNI)");
    }
    if (cpu_has_avx2()) return avx2_table();
    if (features == "avx2") throw Error("this CPU cannot run the avx2 kernels (they need AVX2, FMA and F16C)");
    return scalar_kernels();
#else
    if (features == "") return scalar_kernels();
    not_built(features);
#endif
}

const CpuKernels* avx512_kernels_baseline() {
#if defined(TERN_X86_KERNELS)
    if (cpu_has_avx512()) return &avx512_table_baseline();
#endif
    return nullptr;
}

std::vector<std::string_view> available_kernel_sets() {
    std::vector<std::string_view> out{"scalar"};
    if (cpu_has_avx2()) out.push_back("avx2");
    if (cpu_has_avx512()) out.push_back("avx512");
    if (kHasNeon) out.push_back("neon");
    return out;
}

}  // namespace tern
