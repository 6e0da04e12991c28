// Memory read bandwidth of this machine: the denominator of the decode bandwidth bound
// (`tern-cli bench`). Not a hot path of the engine; a measuring tool.
#pragma once

#include <cstdint>

namespace tern::cli {

struct MemoryBandwidth {
    double gb_per_s = 0;        // 10^9 bytes per second, best run
    int n_threads = 0;
    uint64_t buffer_bytes = 0;
    int runs = 0;
};

// Streaming read of a buffer far larger than the caches (each thread sums its own contiguous
// slice of 64-bit words), timed from the first thread's start to the last one's end; the best
// of `runs` runs. The buffer is written once first so its pages exist. n_threads 0: all
// hardware threads. Throws std::bad_alloc when the buffer cannot be allocated.
MemoryBandwidth measure_read_bandwidth(int n_threads, uint64_t buffer_bytes = uint64_t{512} << 20, int runs = 5);

}  // namespace tern::cli
