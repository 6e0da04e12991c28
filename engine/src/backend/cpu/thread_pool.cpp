#include "backend/cpu/thread_pool.h"

#include <algorithm>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define TERN_CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define TERN_CPU_RELAX() asm volatile("yield")
#else
#define TERN_CPU_RELAX() ((void)0)
#endif

namespace tern {

namespace {

constexpr int kSpins = 1 << 12;        // idle spinning before a worker sleeps
constexpr int kYieldEvery = 16;         // let other runnable threads have the core meanwhile
constexpr int kChunksPerThread = 4;

uint64_t pack(uint32_t generation, uint32_t index) { return (uint64_t{generation} << 32) | index; }

}  // namespace

ThreadPool::ThreadPool(int n_threads) {
    const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    n_threads_ = std::clamp(n_threads, 1, hw);
    for (int i = 1; i < n_threads_; ++i) workers_.emplace_back([this, i] { worker(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
}

int ThreadPool::run_chunks(uint32_t generation, int index) {
    int ran = 0;
    for (;;) {
        uint64_t c = claim_.load(std::memory_order_acquire);
        if (static_cast<uint32_t>(c >> 32) != generation) break;
        const auto i = static_cast<uint32_t>(c);
        if (i == kNotReady || i >= total_.load(std::memory_order_relaxed)) break;
        if (!claim_.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel)) continue;
        const int64_t n = n_.load(std::memory_order_relaxed), chunk = chunk_.load(std::memory_order_relaxed);
        const int64_t b = int64_t{i} * chunk, e = std::min(n, b + chunk);
        try {
            (*fn_.load(std::memory_order_relaxed))(b, e, index);
        } catch (...) {
            std::lock_guard<std::mutex> lock(mu_);
            if (!error_) error_ = std::current_exception();
        }
        ++ran;
        done_.fetch_add(1, std::memory_order_acq_rel);
    }
    return ran;
}

void ThreadPool::worker(int index) {
    uint32_t seen = 0;
    for (;;) {
        for (int i = 0; i < kSpins && generation_.load() == seen && !stop_; ++i) {
            TERN_CPU_RELAX();
            if (i % kYieldEvery == kYieldEvery - 1) std::this_thread::yield();
        }
        if (generation_.load() == seen && !stop_) {
            std::unique_lock<std::mutex> lock(mu_);
            sleepers_.fetch_add(1);
            wake_.wait(lock, [&] { return stop_ || generation_.load() != seen; });
            sleepers_.fetch_sub(1);
        }
        if (stop_) return;
        seen = generation_.load();
        run_chunks(seen, index);
    }
}

void ThreadPool::run(int64_t n, const Fn& fn) {
    if (n <= 0) return;
    if (n_threads_ == 1 || n == 1) {
        fn(0, n, 0);
        return;
    }
    const uint32_t gen = generation_.load(std::memory_order_relaxed) + 1;
    // Close the previous job's claims before rewriting the job (no worker can start a stale chunk).
    claim_.store(pack(gen, kNotReady), std::memory_order_release);
    const int64_t chunk = std::max<int64_t>(1, (n + n_threads_ * kChunksPerThread - 1) / (n_threads_ * kChunksPerThread));
    fn_.store(&fn, std::memory_order_relaxed);
    n_.store(n, std::memory_order_relaxed);
    chunk_.store(chunk, std::memory_order_relaxed);
    const auto total = static_cast<uint32_t>((n + chunk - 1) / chunk);
    total_.store(total, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    error_ = nullptr;
    claim_.store(pack(gen, 0), std::memory_order_release);
    // generation_ and sleepers_ are sequentially consistent: either a worker going to sleep sees
    // the new generation, or we see it counted as a sleeper and wake it under the lock.
    if (sleepers_.load() > 0) {
        std::lock_guard<std::mutex> lock(mu_);
        generation_.store(gen);
        wake_.notify_all();
    } else {
        generation_.store(gen);
        if (sleepers_.load() > 0) {  // one fell asleep in between: wake it under the lock
            std::lock_guard<std::mutex> lock(mu_);
            wake_.notify_all();
        }
    }
    run_chunks(gen, 0);
    // Wait only for chunks already claimed by workers that are running them.
    for (int i = 0; done_.load(std::memory_order_acquire) != total; ++i) {
        TERN_CPU_RELAX();
        if (i % kYieldEvery == kYieldEvery - 1) std::this_thread::yield();
    }
    std::exception_ptr err;
    {
        std::lock_guard<std::mutex> lock(mu_);
        err = error_;
    }
    if (err) std::rethrow_exception(err);
}

}  // namespace tern
