// The "avx512" kernel set (kernels_avx512.h; this file is compiled with AVX-512 F/BW/VL + VNNI).
#include "backend/cpu/kernels_avx512.h"

namespace tern {

void add_avx512_kernels(CpuKernels& k) {
    add_x86_kernels(k);
    set_tq2<66, false, false>(k, Type::TQ2_0);
    set_tq2<68, true, false>(k, Type::TQ2_0_S32);
    set_tq1<Tq1DigitsByMul>(k);
}

}  // namespace tern
