// A persistent pool of worker threads for the CPU backend: created once per backend, reused by
// every op, so no thread is created per op or per token.
//
// A job is cut into more chunks than threads and the chunks are claimed dynamically, the caller
// taking part: when a worker is descheduled (a laptop always runs something else) the others
// take its share instead of waiting for it. Between jobs, workers spin briefly, yielding, before
// they sleep: a forward pass issues dozens of small jobs per token and waking a sleeping thread
// costs more than most of them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <type_traits>
#include <mutex>
#include <thread>
#include <vector>

namespace tern {

class ThreadPool {
public:
    // n_threads counts the calling thread; it is clamped to [1, hardware threads], since more
    // threads than cores only make them wait for each other.
    explicit ThreadPool(int n_threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return n_threads_; }

    // Calls fn(begin, end, thread_index) on disjoint contiguous ranges covering [0, n) and
    // returns when all are done. thread_index < size() identifies the calling thread (for
    // per-thread scratch). The first exception thrown by fn is rethrown here. Not reentrant.
    // fn is called through a non-owning reference: no allocation per job (a decoded token
    // runs hundreds of jobs).
    template <class F>
    void parallel_for(int64_t n, F&& fn) {
        using Callable = std::remove_reference_t<F>;
        const Fn task{const_cast<void*>(static_cast<const void*>(&fn)), [](void* obj, int64_t b, int64_t e, int t) {
                          (*static_cast<Callable*>(obj))(b, e, t);
                      }};
        run(n, task);
    }

private:
    struct Fn {
        void* obj;
        void (*call)(void*, int64_t, int64_t, int);
        void operator()(int64_t b, int64_t e, int t) const { call(obj, b, e, t); }
    };
    void run(int64_t n, const Fn& fn);
    void worker(int index);
    int run_chunks(uint32_t generation, int index);  // returns chunks run

    static constexpr uint32_t kNotReady = 0xFFFFFFFFu;

    int n_threads_;
    std::vector<std::thread> workers_;
    // The job: written by the caller only while no chunk of the previous job can still be
    // claimed (claim_ holds kNotReady), read by workers after a successful claim.
    std::atomic<const Fn*> fn_{nullptr};
    std::atomic<int64_t> n_{0}, chunk_{1};
    std::atomic<uint32_t> total_{0};
    std::atomic<uint64_t> claim_{kNotReady};   // (generation << 32) | next chunk index
    std::atomic<uint32_t> done_{0};            // chunks finished in the current job
    std::atomic<uint32_t> generation_{0};
    std::atomic<int> sleepers_{0};
    std::atomic<bool> stop_{false};
    std::mutex mu_;
    std::condition_variable wake_;
    std::exception_ptr error_;
};

}  // namespace tern
