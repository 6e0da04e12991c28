// Latency and throughput of one generation, from its timestamps. A pure function, so the
// arithmetic is tested on a fake clock (tests/engine/test_generation_timing.cpp) and the
// session, the CLI and the app all report the same figures.
//
// Definitions (the ones session.h documents):
//   time to first token = first_token − start
//   prefill tokens/s    = n_prompt_evaluated ÷ (prefill_end − prefill_start)
//   decode tokens/s     = (n_generated − 1) ÷ (last_token − first_token): the tokens after the
//                         first over the time from the first to the last token, never over the
//                         whole wall time (which would count the prefill as decode time)
// A figure that cannot be measured (no prompt evaluated, fewer than two tokens, a zero
// interval) is 0, never a division by zero; a UI shows 0 as "no value".
#pragma once

#include <cstdint>

namespace tern {

// Seconds on one monotonic clock (any origin).
struct GenerationTimestamps {
    double start = 0;                  // generate() was called
    double prefill_start = 0;          // prompt evaluation began
    double prefill_end = 0;            // prompt evaluation ended
    double first_token = -1;           // the first token was sampled; < 0: none was
    double last_token = -1;            // the last generated token was sampled; < 0: none was
    int32_t n_prompt_evaluated = 0;    // prompt tokens evaluated between prefill_start and prefill_end
    int32_t n_generated = 0;           // tokens generated, first_token .. last_token inclusive
};

struct GenerationTimings {
    double ttft_ms = 0;      // time to first token, milliseconds (0: no token was sampled)
    double prefill_ms = 0;   // prompt evaluation, milliseconds
    double decode_ms = 0;    // first to last token, milliseconds (0 for fewer than two tokens)
    double prefill_tps = 0;  // prompt tokens per second (0: nothing evaluated or zero time)
    double decode_tps = 0;   // tokens per second after the first (0: fewer than two tokens or zero time)
};

GenerationTimings generation_timings(const GenerationTimestamps& t);

}  // namespace tern
