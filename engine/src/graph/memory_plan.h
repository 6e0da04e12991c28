// Where each node's result lives in a backend's activation arena, with memory reused between
// nodes whose results are no longer needed (the same idea as ggml-alloc's graph allocator: a
// result's memory is released after the last node that reads it and handed to a later one).
//
// The plan works on steps: runs of consecutive nodes a backend executes together (a backend
// may compute several matrix products that read the same input in one pass). Every result of
// a step is allocated before the step runs, and memory is released only after the whole step,
// so no result of a step can overlap anything the step reads.
//
// Kept to the end of compute() (never reused): g.output, g.routing, g.keep and every node no
// other node reads. VIEW nodes own no memory: they alias their source at byte offset i[0], and
// a read of a view counts as a read of the node it views.
#pragma once

#include "graph/graph.h"

#include <cstddef>
#include <vector>

namespace tern {

struct MemoryPlan {
    std::vector<size_t> offset;   // per node (Graph::nodes() order): byte offset in the arena (unused for VIEWs)
    size_t bytes = 0;             // arena size the plan needs (peak of the live results)
    size_t unshared_bytes = 0;    // what one buffer per node would need (for reports and tests)
};

// step_begin: index of the first node of every step, ascending, starting with 0 (an empty vector
// means one node per step). Offsets are multiples of `align` (a power of two).
MemoryPlan plan_memory(const Graph& g, const std::vector<size_t>& step_begin, size_t align);

}  // namespace tern
