// The "avx512" set's TQ1_0 kernel on CPUs that also have AVX-512 VBMI (this file alone is compiled
// with -mavx512vbmi): each base-3 digit of a code byte comes from a 256-entry table, looked up with
// two vpermi2b (128 entries each) and a blend on the byte's top bit, instead of the byte · 3^n
// arithmetic and two comparisons of Tq1DigitsByMul. Same digits, so still bit-identical.
#include "backend/cpu/kernels_avx512.h"

namespace tern {

namespace {

// kDigits.t[n][q] = digit n of byte q: ((q · 3^n mod 256) · 3) >> 8 (formats.md §2.3). Built at
// compile time (constexpr): no code of this file runs before a CPU check has chosen it.
struct DigitTables {
    alignas(64) uint8_t t[5][256];
    constexpr DigitTables() : t{} {
        int pow3 = 1;
        for (int n = 0; n < 5; ++n, pow3 *= 3)
            for (int q = 0; q < 256; ++q) t[n][q] = static_cast<uint8_t>((((q * pow3) & 255) * 3) >> 8);
    }
};
constexpr DigitTables kDigits{};

struct Tq1DigitsByTable {
    static __m512i block_dot(const uint8_t* b, const __m512i* xv) {
        const __m512i q = _mm512_maskz_loadu_epi8((uint64_t{1} << 52) - 1, b);
        const __mmask64 high = _mm512_movepi8_mask(q);  // q ≥ 128: the upper half of the table
        __m512i a = _mm512_setzero_si512();
        for (int n = 0; n < 5; ++n) {
            const uint8_t* t = kDigits.t[n];
            const __m512i lo = _mm512_permutex2var_epi8(_mm512_load_si512(t), q, _mm512_load_si512(t + 64));
            const __m512i hi = _mm512_permutex2var_epi8(_mm512_load_si512(t + 128), q, _mm512_load_si512(t + 192));
            a = _mm512_dpbusd_epi32(a, _mm512_mask_blend_epi8(high, lo, hi), xv[n]);
        }
        return a;
    }
};

}  // namespace

void add_avx512_vbmi_kernels(CpuKernels& k) { set_tq1<Tq1DigitsByTable>(k); }

}  // namespace tern
