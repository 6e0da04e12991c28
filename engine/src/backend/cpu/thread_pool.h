// A persistent pool of worker threads for the CPU backend: created once per backend, reused by
// every op, so no thread is created per op or per token. Between jobs, workers spin briefly
// before sleeping: a forward pass issues dozens of small jobs per token, and waking a sleeping
// thread costs more than most of them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tern {

class ThreadPool {
public:
    explicit ThreadPool(int n_threads);   // n_threads ≥ 1, counting the calling thread
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return n_threads_; }

    // Calls fn(begin, end, thread_index) on contiguous chunks covering [0, n), one chunk per
    // thread, the caller running chunk 0. Returns when all chunks are done. The first
    // exception thrown by a chunk is rethrown here. Not reentrant.
    void parallel_for(int64_t n, const std::function<void(int64_t, int64_t, int)>& fn);

private:
    void worker(int index);
    void run_chunk(int index);
    int n_threads_;
    std::vector<std::thread> workers_;
    std::mutex mu_;
    std::condition_variable start_cv_, done_cv_;
    const std::function<void(int64_t, int64_t, int)>* job_ = nullptr;
    int64_t job_n_ = 0;
    std::atomic<uint64_t> generation_{0};
    std::atomic<int> pending_{0};
    std::atomic<bool> stop_{false};
    std::exception_ptr error_;
};

}  // namespace tern
