#include "graph/memory_plan.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <utility>

namespace tern {

namespace {

constexpr size_t kKeep = SIZE_MAX;  // never released

// The node (or leaf) that owns the memory a tensor's bytes are in.
const Tensor* owner(const Tensor* t) {
    while (t && t->op == Op::VIEW) t = t->src[0];
    return t;
}

// Free blocks of the arena, ascending by offset, never adjacent (merged on release).
class FreeList {
public:
    size_t allocate(size_t size) {
        // Best fit among the free blocks; otherwise at the top (extending a free block that ends there).
        auto best = blocks_.end();
        for (auto it = blocks_.begin(); it != blocks_.end(); ++it)
            if (it->second >= size && (best == blocks_.end() || it->second < best->second)) best = it;
        if (best != blocks_.end()) {
            const size_t off = best->first;
            best->first += size;
            best->second -= size;
            if (best->second == 0) blocks_.erase(best);
            return off;
        }
        size_t off = top_;
        if (!blocks_.empty() && blocks_.back().first + blocks_.back().second == top_) {
            off = blocks_.back().first;
            blocks_.pop_back();
        }
        top_ = off + size;
        peak_ = std::max(peak_, top_);
        return off;
    }

    void release(size_t off, size_t size) {
        auto it = std::lower_bound(blocks_.begin(), blocks_.end(), std::make_pair(off, size_t{0}));
        it = blocks_.insert(it, {off, size});
        if (auto next = std::next(it); next != blocks_.end() && it->first + it->second == next->first) {
            it->second += next->second;
            blocks_.erase(next);
        }
        if (it != blocks_.begin()) {
            auto prev = std::prev(it);
            if (prev->first + prev->second == it->first) {
                prev->second += it->second;
                it = std::prev(blocks_.erase(it));
            }
        }
        if (it->first + it->second == top_) {  // the top block shrinks the arena's used part
            top_ = it->first;
            blocks_.erase(it);
        }
    }

    size_t peak() const { return peak_; }

private:
    std::vector<std::pair<size_t, size_t>> blocks_;  // (offset, size)
    size_t top_ = 0, peak_ = 0;
};

}  // namespace

MemoryPlan plan_memory(const Graph& g, const std::vector<size_t>& step_begin, size_t align) {
    const auto& nodes = g.nodes();
    const size_t n = nodes.size();
    MemoryPlan plan;
    plan.offset.assign(n, 0);

    std::vector<size_t> step(n);
    size_t n_steps = n;
    if (step_begin.empty()) {
        for (size_t i = 0; i < n; ++i) step[i] = i;
    } else {
        n_steps = step_begin.size();
        for (size_t i = 0, k = 0; i < n; ++i) {
            while (k + 1 < n_steps && step_begin[k + 1] <= i) ++k;
            step[i] = k;
        }
    }

    // Last step that reads each node's memory; views pass their reads on to the node they view.
    std::vector<size_t> last(n, 0);
    std::vector<bool> read(n, false);
    for (size_t i = 0; i < n; ++i) {
        if (nodes[i]->op == Op::VIEW) continue;
        for (const Tensor* s : nodes[i]->src) {
            if (!s || s->index < 0) continue;
            read[static_cast<size_t>(s->index)] = true;
            const Tensor* o = owner(s);
            if (o->index < 0) continue;  // a view of a leaf
            size_t& l = last[static_cast<size_t>(o->index)];
            l = std::max(l, step[i]);
        }
    }
    auto keep = [&](const Tensor* t) {
        const Tensor* o = owner(t);
        if (o && o->index >= 0) last[static_cast<size_t>(o->index)] = kKeep;
    };
    keep(g.output);
    for (const Tensor* t : g.routing) keep(t);
    for (const Tensor* t : g.keep) keep(t);
    for (size_t i = 0; i < n; ++i)
        if (!read[i]) keep(nodes[i]);  // results nobody reads are the graph's outputs

    auto size_of = [&](size_t i) { return (nodes[i]->n_bytes() + align - 1) / align * align; };
    // Nodes to release, in the order of the step after which they go (one allocation: this runs
    // for every graph, i.e. every decoded token).
    std::vector<size_t> release;
    for (size_t i = 0; i < n; ++i)
        if (nodes[i]->op != Op::VIEW && last[i] != kKeep) release.push_back(i);
    std::stable_sort(release.begin(), release.end(), [&](size_t a, size_t b) { return last[a] < last[b]; });

    FreeList arena;
    size_t next_release = 0;
    for (size_t i = 0, k = 0; k < n_steps; ++k) {
        for (; i < n && step[i] == k; ++i) {
            if (nodes[i]->op == Op::VIEW) continue;
            plan.offset[i] = arena.allocate(size_of(i));
            plan.unshared_bytes += size_of(i);
        }
        for (; next_release < release.size() && last[release[next_release]] == k; ++next_release)
            arena.release(plan.offset[release[next_release]], size_of(release[next_release]));
    }
    plan.bytes = arena.peak();
    return plan;
}

}  // namespace tern
