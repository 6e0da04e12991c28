// Helpers for checking a model against the llama.cpp references in ../shared/fixtures.
#pragma once

#include "tern/model.h"
#include "tern/session.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <vector>

namespace tern::test {

inline std::vector<int32_t> ids(const QJsonValue& v) {
    std::vector<int32_t> out;
    for (const QJsonValue& x : v.toArray()) out.push_back(x.toInt());
    return out;
}

inline int32_t argmax(const float* x, int32_t n) {
    return static_cast<int32_t>(std::max_element(x, x + n) - x);
}

inline float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
    float m = a.size() == b.size() ? 0.0f : INFINITY;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) m = std::max(m, std::abs(a[i] - b[i]));
    return m;
}

// Greedy continuation after a prompt already evaluated with logits `last`: each next id is the
// argmax after feeding the previous one as a single-token decode (as the fixtures were made).
inline std::vector<int32_t> greedy(Session& s, std::vector<float> last, int n) {
    std::vector<int32_t> out;
    const int32_t nv = s.model().hparams().n_vocab;
    for (int i = 0; i < n; ++i) {
        const int32_t id = argmax(last.data(), nv);
        out.push_back(id);
        if (i + 1 < n) {
            const int32_t one[1] = {id};
            last = s.eval(one);
        }
    }
    return out;
}

// Teacher-forced greedy check: feeds the reference ids one by one after the prompt (whose last
// logits are `last`) and returns how many steps our argmax differed from the reference id.
// A difference is accepted only as a near-tie: the reference id's logit within `tie` of our
// maximum (the random tiny models have exact float32 ties, e.g. tiny-bitnet TQ2_0 at step 29,
// and llama.cpp's Q8_0 path differs from ours by up to 1e-2 in the logits). Returns -1 (and
// reports the step through `why`) on a real mismatch.
inline int greedy_mismatches(Session& s, std::vector<float> last, const std::vector<int32_t>& ref, float tie,
                             QString* why) {
    const int32_t nv = s.model().hparams().n_vocab;
    int ties = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
        const int32_t ours = argmax(last.data(), nv);
        if (ours != ref[i]) {
            if (last[size_t(ours)] - last[size_t(ref[i])] > tie) {
                *why = QString("step %1: ours %2 (%3), reference %4 (%5)").arg(i).arg(ours).arg(last[size_t(ours)])
                           .arg(ref[i]).arg(last[size_t(ref[i])]);
                return -1;
            }
            ++ties;
        }
        if (i + 1 < ref.size()) {
            const int32_t one[1] = {ref[i]};
            last = s.eval(one);
        }
    }
    return ties;
}

}  // namespace tern::test
