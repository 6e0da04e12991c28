// The pair-merging loop shared by both BPE tokenizers: SentencePiece's (merge the adjacent pair
// whose concatenation is the token with the highest score) and GPT-2's (merge the adjacent pair
// with the lowest rank in the merges list). Symbols are byte ranges of the word in a doubly
// linked list; a priority queue holds candidate pairs, stale entries are skipped, so a word of n
// characters takes O(n log n). After llama.cpp's llm_tokenizer_spm / llm_tokenizer_bpe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <queue>
#include <string_view>
#include <vector>

namespace tern::detail {

struct MergeSymbol {
    int32_t prev;
    int32_t next;
    size_t start;
    size_t len;   // 0: merged into its left neighbour
};

// One symbol per UTF-8 character of text; ill-formed bytes stand alone. scan(text) returns the
// length of the character at the start of text, or <= 0 when it is ill-formed.
template <class Scan>
std::vector<MergeSymbol> split_characters(std::string_view text, Scan scan) {
    std::vector<MergeSymbol> syms;
    syms.reserve(text.size());
    for (size_t off = 0; off < text.size();) {
        const int r = scan(text.substr(off));
        const size_t len = r > 0 ? static_cast<size_t>(r) : 1;
        const auto idx = static_cast<int32_t>(syms.size());
        syms.push_back({idx - 1, off + len < text.size() ? idx + 1 : -1, off, len});
        off += len;
    }
    return syms;
}

// Merges adjacent symbols, the pair with the highest priority first (ties: the leftmost pair),
// until no pair can merge. priority(start, left_len, right_len) gives the priority of merging the
// left symbol [start, start + left_len) with the right one that follows it, or nullopt when the
// two cannot merge. Walk the result from index 0 along `next`, skipping nothing (merged symbols
// are unlinked).
template <class Priority>
void merge_symbols(std::vector<MergeSymbol>& syms, Priority priority) {
    struct Pair {
        double priority;
        int32_t left, right;
        size_t len;   // merged length when queued: detects stale entries
    };
    const auto worse = [](const Pair& a, const Pair& b) {
        return a.priority < b.priority || (a.priority == b.priority && a.left > b.left);
    };
    std::priority_queue<Pair, std::vector<Pair>, decltype(worse)> queue(worse);
    const auto try_add = [&](int32_t left, int32_t right) {
        if (left < 0 || right < 0) return;
        const MergeSymbol& l = syms[static_cast<size_t>(left)];
        const MergeSymbol& r = syms[static_cast<size_t>(right)];
        const std::optional<double> p = priority(l.start, l.len, r.len);
        if (p) queue.push({*p, left, right, l.len + r.len});
    };
    for (size_t i = 1; i < syms.size(); ++i) try_add(static_cast<int32_t>(i - 1), static_cast<int32_t>(i));
    while (!queue.empty()) {
        const Pair top = queue.top();
        queue.pop();
        MergeSymbol& l = syms[static_cast<size_t>(top.left)];
        MergeSymbol& r = syms[static_cast<size_t>(top.right)];
        // Symbols only grow to the right or die, so unchanged lengths mean the pair is still
        // adjacent and unmerged.
        if (l.len == 0 || r.len == 0 || l.len + r.len != top.len) continue;
        l.len += r.len;
        r.len = 0;
        l.next = r.next;
        if (r.next >= 0) syms[static_cast<size_t>(r.next)].prev = top.left;
        try_add(l.prev, top.left);
        try_add(top.left, l.next);
    }
}

}  // namespace tern::detail
