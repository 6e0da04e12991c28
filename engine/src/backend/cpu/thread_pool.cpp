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

constexpr int kSpins = 1 << 14;  // ~0.1–1 ms of spinning before a worker sleeps

void chunk(int64_t n, int parts, int index, int64_t& begin, int64_t& end) {
    const int64_t per = (n + parts - 1) / parts;
    begin = std::min(n, per * index);
    end = std::min(n, begin + per);
}

}  // namespace

ThreadPool::ThreadPool(int n_threads) : n_threads_(std::max(1, n_threads)) {
    for (int i = 1; i < n_threads_; ++i) workers_.emplace_back([this, i] { worker(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
    }
    start_cv_.notify_all();
    for (auto& t : workers_) t.join();
}

void ThreadPool::run_chunk(int index) {
    int64_t b, e;
    chunk(job_n_, n_threads_, index, b, e);
    if (b >= e) return;
    try {
        (*job_)(b, e, index);
    } catch (...) {
        std::lock_guard<std::mutex> lock(mu_);
        if (!error_) error_ = std::current_exception();
    }
}

void ThreadPool::worker(int index) {
    uint64_t seen = 0;
    for (;;) {
        for (int i = 0; i < kSpins && generation_.load(std::memory_order_acquire) == seen && !stop_; ++i)
            TERN_CPU_RELAX();
        if (generation_.load(std::memory_order_acquire) == seen) {
            std::unique_lock<std::mutex> lock(mu_);
            start_cv_.wait(lock, [&] { return stop_ || generation_.load(std::memory_order_acquire) != seen; });
        }
        if (stop_) return;
        seen = generation_.load(std::memory_order_acquire);
        run_chunk(index);
        if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            std::lock_guard<std::mutex> lock(mu_);
            done_cv_.notify_one();
        }
    }
}

void ThreadPool::parallel_for(int64_t n, const std::function<void(int64_t, int64_t, int)>& fn) {
    if (n <= 0) return;
    if (n_threads_ == 1 || n == 1) {
        fn(0, n, 0);
        return;
    }
    job_ = &fn;
    job_n_ = n;
    error_ = nullptr;
    pending_.store(n_threads_ - 1, std::memory_order_relaxed);
    {
        std::lock_guard<std::mutex> lock(mu_);  // pairs with the workers' predicate check
        generation_.fetch_add(1, std::memory_order_release);
    }
    start_cv_.notify_all();
    run_chunk(0);
    for (int i = 0; i < kSpins && pending_.load(std::memory_order_acquire) != 0; ++i) TERN_CPU_RELAX();
    if (pending_.load(std::memory_order_acquire) != 0) {
        std::unique_lock<std::mutex> lock(mu_);
        done_cv_.wait(lock, [&] { return pending_.load(std::memory_order_acquire) == 0; });
    }
    std::exception_ptr err;
    {
        std::lock_guard<std::mutex> lock(mu_);
        err = error_;
        job_ = nullptr;
    }
    if (err) std::rethrow_exception(err);
}

}  // namespace tern
