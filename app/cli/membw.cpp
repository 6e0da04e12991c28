#include "membw.h"

#include <algorithm>
#include <barrier>
#include <chrono>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

namespace tern::cli {

namespace {

using Clock = std::chrono::steady_clock;

// Sum of n words with independent accumulators, so the loads are not serialised by one
// dependency chain (the compiler vectorises it).
uint64_t read_words(const uint64_t* p, size_t n) {
    uint64_t a[8] = {};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; ++k) a[k] += p[i + static_cast<size_t>(k)];
    for (; i < n; ++i) a[0] += p[i];
    return a[0] + a[1] + a[2] + a[3] + a[4] + a[5] + a[6] + a[7];
}

}  // namespace

MemoryBandwidth measure_read_bandwidth(int n_threads, uint64_t buffer_bytes, int runs) {
    if (n_threads <= 0) n_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    runs = std::max(runs, 1);
    const size_t n_words = static_cast<size_t>(buffer_bytes / 8);
    const std::unique_ptr<uint64_t[]> buf(new uint64_t[n_words]);
    const size_t per_thread = (n_words + static_cast<size_t>(n_threads) - 1) / static_cast<size_t>(n_threads);

    std::vector<Clock::time_point> start(static_cast<size_t>(n_threads)), end(static_cast<size_t>(n_threads));
    std::vector<uint64_t> sums(static_cast<size_t>(n_threads));
    std::barrier sync(n_threads);
    // Thread t reads slice t; thread 0 is this thread, which also times each run between the
    // two barriers that enclose it.
    const auto slice = [&](int t) {
        const size_t lo = std::min(n_words, static_cast<size_t>(t) * per_thread);
        return std::pair<size_t, size_t>{lo, std::min(n_words, lo + per_thread)};
    };
    const auto touch = [&](int t) {
        const auto [lo, hi] = slice(t);
        for (size_t i = lo; i < hi; ++i) buf[i] = i;  // first touch: each thread its own slice
    };
    const auto run = [&](int t) {
        const auto [lo, hi] = slice(t);
        sync.arrive_and_wait();
        start[static_cast<size_t>(t)] = Clock::now();
        sums[static_cast<size_t>(t)] += read_words(buf.get() + lo, hi - lo);
        end[static_cast<size_t>(t)] = Clock::now();
        sync.arrive_and_wait();
    };
    double best = 0;
    std::vector<std::thread> pool;
    for (int t = 1; t < n_threads; ++t)
        pool.emplace_back([&, t] {
            touch(t);
            for (int r = 0; r < runs; ++r) run(t);
        });
    touch(0);
    for (int r = 0; r < runs; ++r) {
        run(0);
        const auto t0 = *std::min_element(start.begin(), start.end());
        const auto t1 = *std::max_element(end.begin(), end.end());
        const double s = std::chrono::duration<double>(t1 - t0).count();
        if (s > 0) best = std::max(best, static_cast<double>(n_words) * 8.0 / s / 1e9);
    }
    for (std::thread& th : pool) th.join();
    // Keep the sums observable so the reads cannot be optimised away.
    volatile uint64_t sink = 0;
    for (uint64_t s : sums) sink = sink + s;
    (void)sink;
    return {best, n_threads, static_cast<uint64_t>(n_words) * 8, runs};
}

}  // namespace tern::cli
