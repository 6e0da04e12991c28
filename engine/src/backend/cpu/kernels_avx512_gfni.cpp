// The "avx512" set's TQ2_0 kernels on CPUs that also have GFNI (this file alone is compiled with
// -mgfni): the 2-bit codes are extracted by one affine transform per bit pair (kernels_avx512.h).
#include "backend/cpu/kernels_avx512.h"

namespace tern {

void add_avx512_gfni_kernels(CpuKernels& k) {
    set_tq2<66, false, true>(k, Type::TQ2_0);
    set_tq2<68, true, true>(k, Type::TQ2_0_S32);
}

}  // namespace tern
