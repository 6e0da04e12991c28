// Token sampling: greedy, temperature, top-k, top-p, min-p, repetition penalty, seeded RNG.
// Order of the chain, as llama.cpp's common sampler defaults: repetition penalty → top-k →
// top-p → min-p → temperature → draw. temperature <= 0 means greedy (argmax, lowest id on ties).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace tern {

struct SamplerParams {
    float temperature = 0.8f;
    int32_t top_k = 40;            // <= 0: disabled
    float top_p = 0.95f;           // >= 1: disabled
    float min_p = 0.05f;           // <= 0: disabled
    float repeat_penalty = 1.0f;   // 1: disabled. Positive logits divided, negative multiplied (CTRL paper)
    int32_t repeat_last_n = 64;    // how many recent tokens the penalty looks at
    uint64_t seed = 0xC0FFEE;      // same seed + same logits → same tokens
};

class Sampler {
public:
    explicit Sampler(const SamplerParams& p);
    // Picks the next token from logits[n_vocab]. Does not modify the caller's logits.
    int32_t sample(const float* logits, int32_t n_vocab);
    // Records a token that entered the context (prompt or generated) for the repetition penalty.
    void accept(int32_t token);
    void reset();                  // forget history; reseed
    const SamplerParams& params() const { return params_; }
private:
    SamplerParams params_;
    std::mt19937_64 rng_;
    std::vector<int32_t> history_;
    struct Cand { int32_t id; float logit; float p; };
    std::vector<Cand> cands_;
};

}  // namespace tern
