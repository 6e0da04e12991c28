// The sampling chain. Every step is deterministic given the logits, the history and the seed:
// sorts break ties by id, and the uniform draw is built from raw mt19937_64 output because
// std::uniform_real_distribution's result is not specified across standard libraries.
#include "tern/sampler.h"

#include "tern/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace tern {

namespace {

template <typename C>
bool by_logit_desc(const C& a, const C& b) {
    return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
}

// p = softmax(logit / temp) over the candidates. All -inf → uniform; any +inf → uniform over those.
template <typename C>
void softmax(std::vector<C>& cands, float temp) {
    float max = -std::numeric_limits<float>::infinity();
    for (const C& c : cands) max = std::max(max, c.logit);
    if (std::isinf(max)) {
        size_t n_top = 0;
        for (const C& c : cands) n_top += (c.logit == max) ? 1 : 0;
        for (C& c : cands) c.p = (c.logit == max) ? 1.0f / static_cast<float>(n_top) : 0.0f;
        return;
    }
    double sum = 0.0;
    for (C& c : cands) {
        c.p = std::exp((c.logit - max) / temp);
        sum += c.p;
    }
    for (C& c : cands) c.p = static_cast<float>(c.p / sum);
}

}  // namespace

Sampler::Sampler(const SamplerParams& p) : params_(p), rng_(p.seed) {
    if (std::isnan(p.temperature)) throw Error("sampler: temperature is NaN");
    if (std::isnan(p.top_p)) throw Error("sampler: top_p is NaN");
    if (std::isnan(p.min_p)) throw Error("sampler: min_p is NaN");
    if (!(p.repeat_penalty > 0.0f) || !std::isfinite(p.repeat_penalty))
        throw Error("sampler: repeat_penalty must be a positive number, got " + std::to_string(p.repeat_penalty));
}

void Sampler::accept(int32_t token) {
    history_.push_back(token);
    // Negative repeat_last_n keeps everything since reset(). Trim lazily to stay amortised O(1).
    const int32_t keep = params_.repeat_last_n;
    if (keep >= 0 && history_.size() > 2 * static_cast<size_t>(keep) + 64)
        history_.erase(history_.begin(), history_.end() - keep);
}

void Sampler::reset() {
    history_.clear();
    rng_.seed(params_.seed);
}

int32_t Sampler::sample(const float* logits, int32_t n_vocab) {
    if (logits == nullptr || n_vocab <= 0) throw Error("sampler: no logits to sample from");
    cands_.resize(static_cast<size_t>(n_vocab));
    for (int32_t i = 0; i < n_vocab; ++i) cands_[static_cast<size_t>(i)] = {i, logits[i], 0.0f};

    // Repetition penalty, once per distinct recent token (CTRL, Keskar et al. 2019).
    if (params_.repeat_penalty != 1.0f && params_.repeat_last_n != 0 && !history_.empty()) {
        const size_t window = params_.repeat_last_n < 0
                                  ? history_.size()
                                  : std::min(history_.size(), static_cast<size_t>(params_.repeat_last_n));
        std::vector<int32_t> recent(history_.end() - static_cast<std::ptrdiff_t>(window), history_.end());
        std::sort(recent.begin(), recent.end());
        recent.erase(std::unique(recent.begin(), recent.end()), recent.end());
        for (const int32_t id : recent) {
            if (id < 0 || id >= n_vocab) continue;
            float& l = cands_[static_cast<size_t>(id)].logit;
            l = l > 0.0f ? l / params_.repeat_penalty : l * params_.repeat_penalty;
        }
    }

    std::erase_if(cands_, [](const Cand& c) { return std::isnan(c.logit); });
    if (cands_.empty()) throw Error("sampler: all logits are NaN");

    if (params_.temperature <= 0.0f) {
        // Greedy: the truncation steps never drop the argmax, so they are skipped; no RNG draw.
        const auto best = std::min_element(cands_.begin(), cands_.end(), by_logit_desc<Cand>);
        return best->id;
    }

    bool sorted = false;
    if (params_.top_k > 0 && static_cast<size_t>(params_.top_k) < cands_.size()) {
        const auto k = static_cast<std::ptrdiff_t>(params_.top_k);
        std::partial_sort(cands_.begin(), cands_.begin() + k, cands_.end(), by_logit_desc<Cand>);
        cands_.resize(static_cast<size_t>(k));
        sorted = true;
    }
    softmax(cands_, 1.0f);

    if (params_.top_p < 1.0f) {
        if (!sorted) std::sort(cands_.begin(), cands_.end(), by_logit_desc<Cand>);
        sorted = true;
        double cum = 0.0;
        size_t keep = cands_.size();
        for (size_t i = 0; i < cands_.size(); ++i) {
            cum += cands_[i].p;
            if (cum >= params_.top_p) {
                keep = i + 1;
                break;
            }
        }
        cands_.resize(keep);
    }

    if (params_.min_p > 0.0f) {
        float p_max = 0.0f;
        for (const Cand& c : cands_) p_max = std::max(p_max, c.p);
        // min_p above 1 would drop even the top token.
        const float threshold = std::min(params_.min_p, 1.0f) * p_max;
        std::erase_if(cands_, [threshold](const Cand& c) { return c.p < threshold; });
    }

    softmax(cands_, params_.temperature);

    // u uniform in [0, 1) from the top 53 bits: the same on every platform.
    const double u = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
    double cum = 0.0;
    for (const Cand& c : cands_) {
        cum += c.p;
        if (u < cum) return c.id;
    }
    return cands_.back().id;   // rounding left the total just under u
}

}  // namespace tern
