#include "tern/generation_timing.h"

namespace tern {

GenerationTimings generation_timings(const GenerationTimestamps& t) {
    GenerationTimings r;
    r.prefill_ms = t.prefill_end > t.prefill_start ? (t.prefill_end - t.prefill_start) * 1000.0 : 0.0;
    if (t.n_prompt_evaluated > 0 && r.prefill_ms > 0) r.prefill_tps = t.n_prompt_evaluated / (r.prefill_ms / 1000.0);
    if (t.first_token >= 0 && t.first_token >= t.start) r.ttft_ms = (t.first_token - t.start) * 1000.0;
    if (t.n_generated >= 2 && t.first_token >= 0 && t.last_token > t.first_token) {
        r.decode_ms = (t.last_token - t.first_token) * 1000.0;
        r.decode_tps = (t.n_generated - 1) / (r.decode_ms / 1000.0);
    }
    return r;
}

}  // namespace tern
