// Scalar float ops of the CPU backend, row by row, so the executor can split rows across
// threads. Formulas as llama.cpp's CPU ops (ggml-cpu/ops.cpp) at the commit of
// ../shared/fixtures/README.md: sums of squares and softmax denominators in double.
#pragma once

#include <cstdint>

namespace tern::cpu {

// y = x / sqrt(mean(x²) + eps) · w over rows of d elements.
void rms_norm_row(const float* x, const float* w, float* y, int64_t d, float eps);

// Rotates the first n_rot dims of one head of hd dims at position pos, in place.
// neox: pairs (i, i + n_rot/2); otherwise pairs (2i, 2i+1). θ_i = pos · base^(−2i/n_rot),
// computed by repeated multiplication as ggml's rope cache does.
void rope_head(float* x, int64_t n_rot, int32_t pos, float freq_base, bool neox);

// The same rotation from a table: cs[2i], cs[2i+1] = cos θ_i, sin θ_i of rope_cache (filled for
// one position), so every head and layer of a token reuses one set of cos/sin evaluations.
// Bit-identical to rope_head.
void rope_cache(float* cs, int64_t n_rot, int32_t pos, float freq_base);
void rope_head_cached(float* x, int64_t n_rot, const float* cs, bool neox);

// In-place softmax over n values (max-subtracted).
void softmax_row(float* x, int64_t n);

// Indices of the k largest of x[0..n), descending; ties: lower index first.
void top_k_row(const float* x, int64_t n, int32_t k, int32_t* out);

inline float silu(float x) { return x / (1.0f + __builtin_expf(-x)); }

}  // namespace tern::cpu
