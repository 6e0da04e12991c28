#include "backend/cpu/ops.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tern::cpu {

void rms_norm_row(const float* x, const float* w, float* y, int64_t d, float eps) {
    double sum = 0.0;
    for (int64_t j = 0; j < d; ++j) sum += static_cast<double>(x[j]) * x[j];
    const float mean = static_cast<float>(sum / static_cast<double>(d));
    const float scale = 1.0f / std::sqrt(mean + eps);
    for (int64_t j = 0; j < d; ++j) y[j] = x[j] * scale * w[j];
}

void rope_head(float* x, int64_t n_rot, int32_t pos, float freq_base, bool neox) {
    const float theta_scale = std::pow(freq_base, -2.0f / static_cast<float>(n_rot));
    float theta = static_cast<float>(pos);
    const int64_t half = n_rot / 2;
    for (int64_t i = 0; i < half; ++i) {
        const float c = std::cos(theta), s = std::sin(theta);
        const int64_t a = neox ? i : 2 * i;
        const int64_t b = neox ? i + half : 2 * i + 1;
        const float x0 = x[a], x1 = x[b];
        x[a] = x0 * c - x1 * s;
        x[b] = x0 * s + x1 * c;
        theta *= theta_scale;
    }
}

void rope_cache(float* cs, int64_t n_rot, int32_t pos, float freq_base) {
    const float theta_scale = std::pow(freq_base, -2.0f / static_cast<float>(n_rot));
    float theta = static_cast<float>(pos);
    for (int64_t i = 0; i < n_rot / 2; ++i) {
        cs[2 * i] = std::cos(theta);
        cs[2 * i + 1] = std::sin(theta);
        theta *= theta_scale;
    }
}

void rope_head_cached(float* x, int64_t n_rot, const float* cs, bool neox) {
    const int64_t half = n_rot / 2;
    for (int64_t i = 0; i < half; ++i) {
        const float c = cs[2 * i], s = cs[2 * i + 1];
        const int64_t a = neox ? i : 2 * i;
        const int64_t b = neox ? i + half : 2 * i + 1;
        const float x0 = x[a], x1 = x[b];
        x[a] = x0 * c - x1 * s;
        x[b] = x0 * s + x1 * c;
    }
}

void softmax_row(float* x, int64_t n) {
    float mx = -INFINITY;
    for (int64_t j = 0; j < n; ++j) mx = std::max(mx, x[j]);
    double sum = 0.0;
    for (int64_t j = 0; j < n; ++j) {
        x[j] = std::exp(x[j] - mx);
        sum += x[j];
    }
    const float inv = static_cast<float>(1.0 / sum);
    for (int64_t j = 0; j < n; ++j) x[j] *= inv;
}

void top_k_row(const float* x, int64_t n, int32_t k, int32_t* out) {
    // n is small (the expert count): a partial selection sort keeps the order deterministic.
    bool taken[1024] = {};
    for (int32_t s = 0; s < k; ++s) {
        int32_t best = -1;
        for (int64_t j = 0; j < n; ++j) {
            if (taken[j]) continue;
            if (best < 0 || x[j] > x[best]) best = static_cast<int32_t>(j);
        }
        taken[best] = true;
        out[s] = best;
    }
}

}  // namespace tern::cpu
