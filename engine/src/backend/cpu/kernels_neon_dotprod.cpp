// The integer dot products of the "neon" set with SDOT (ARMv8.2-A dotprod; this file alone is
// compiled with -march=armv8.2-a+dotprod): kernels_dispatch.cpp installs them over the baseline
// ones only when getauxval(AT_HWCAP) has HWCAP_ASIMDDP. Exact int32 block sums, then the
// reference's float steps (kernels_neon.h), so bit-identical to the baseline and scalar sets.
#define TERN_NEON_DOTPROD 1
#include "backend/cpu/kernels_neon.h"

namespace tern {

void add_neon_dotprod_kernels(CpuKernels& k) { add_neon_dots(k); }

}  // namespace tern
