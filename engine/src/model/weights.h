// Where each weight of a transformer lives in the GGUF file. Pointers into GgufFile's tensor
// table; nullptr for tensors an architecture does not use or a file does not have (optional).
// A tensor whose file layout no kernel reads (I2_S) is converted at load time: its pointer
// then refers to a ConvertedTensor owned here instead, with the same name and shape.
#pragma once

#include "tern/gguf.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <new>
#include <vector>

namespace tern {

struct LayerWeights {
    const GgufTensorInfo* attn_norm = nullptr;      // [n_embd]
    const GgufTensorInfo* wq = nullptr;             // [n_embd, n_head·head_dim]
    const GgufTensorInfo* wk = nullptr;             // [n_embd, n_head_kv·head_dim]
    const GgufTensorInfo* wv = nullptr;             // [n_embd, n_head_kv·head_dim]
    const GgufTensorInfo* wo = nullptr;             // [n_head·head_dim, n_embd]
    const GgufTensorInfo* attn_q_norm = nullptr;    // qwen3moe: [head_dim]
    const GgufTensorInfo* attn_k_norm = nullptr;    // qwen3moe: [head_dim]
    const GgufTensorInfo* attn_sub_norm = nullptr;  // bitnet: [n_head·head_dim]
    const GgufTensorInfo* ffn_norm = nullptr;       // [n_embd]
    const GgufTensorInfo* ffn_gate = nullptr;       // dense: [n_embd, n_ff]
    const GgufTensorInfo* ffn_up = nullptr;         // dense: [n_embd, n_ff]
    const GgufTensorInfo* ffn_down = nullptr;       // dense: [n_ff, n_embd]
    const GgufTensorInfo* ffn_sub_norm = nullptr;   // bitnet: [n_ff]
    const GgufTensorInfo* ffn_gate_inp = nullptr;   // MoE router: [n_embd, n_expert]
    const GgufTensorInfo* ffn_gate_exps = nullptr;  // [n_embd, n_ff_exp, n_expert]
    const GgufTensorInfo* ffn_up_exps = nullptr;    // [n_embd, n_ff_exp, n_expert]
    const GgufTensorInfo* ffn_down_exps = nullptr;  // [n_ff_exp, n_embd, n_expert]
};

// Heap memory aligned for SIMD loads (64 bytes: a cache line, an AVX-512 register).
struct AlignedDelete {
    static constexpr std::align_val_t kAlign{64};
    void operator()(uint8_t* p) const { ::operator delete[](p, kAlign); }
};
using AlignedBytes = std::unique_ptr<uint8_t[], AlignedDelete>;

struct ConvertedTensor {
    const GgufTensorInfo* source = nullptr;  // the tensor in the file
    GgufTensorInfo info;                     // converted type, n_bytes and data; source's name and shape
    AlignedBytes data;
};

struct ModelWeights {
    const GgufTensorInfo* token_embd = nullptr;     // [n_embd, n_vocab]
    const GgufTensorInfo* output_norm = nullptr;    // [n_embd]
    const GgufTensorInfo* output = nullptr;         // [n_embd, n_vocab]; token_embd when tied
    std::vector<LayerWeights> layers;
    std::deque<ConvertedTensor> converted;          // deque: stable addresses for the pointers above

    // Heap bytes of the converted tensors (what conversion adds to the mapping).
    uint64_t converted_bytes() const {
        uint64_t n = 0;
        for (const ConvertedTensor& c : converted) n += c.info.n_bytes;
        return n;
    }
    // File bytes of the tensors that were converted (no kernel reads them any more).
    uint64_t replaced_bytes() const {
        uint64_t n = 0;
        for (const ConvertedTensor& c : converted) n += c.source->n_bytes;
        return n;
    }
};

}  // namespace tern
