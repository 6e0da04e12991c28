// The "avx2" kernel set (AVX2 + FMA + F16C; this file alone is compiled with those flags).
#define TERN_X86_VNNI 0
#include "backend/cpu/kernels_x86.h"

namespace tern {

void add_avx2_kernels(CpuKernels& k) { add_x86_kernels(k); }

}  // namespace tern
