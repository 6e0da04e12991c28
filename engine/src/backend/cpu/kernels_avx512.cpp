// The "avx512" kernel set (AVX-512 F/BW/VL + VNNI; this file alone is compiled with those flags):
// the shared 256-bit kernels with vpdpbusd for the int8 dot products.
#define TERN_X86_VNNI 1
#include "backend/cpu/kernels_x86.h"

namespace tern {

void add_avx512_kernels(CpuKernels& k) { add_x86_kernels(k); }

}  // namespace tern
