// The compute graph: what an architecture builds and a backend executes.
//
// A graph is a list of nodes in execution order. Leaves are weights (pointing into the GGUF
// mapping) or inputs (host data the session fills: token ids, positions). Every other node is
// one op over its sources. Shapes use ggml's convention: ne[0] is the contiguous dimension,
// a matrix of N rows of K elements has ne = [K, N], and activations are [features, tokens].
// Architectures build graphs from the layer functions in model/layers.h; backends never see
// an architecture, only these ops.
#pragma once

#include "tern/types.h"

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace tern {

enum class Op : uint8_t {
    LEAF,         // weight or input; data set at build time
    VIEW,         // same memory as src0 at byte offset i[0], shape ne (contiguous)
    GET_ROWS,     // src0 table [K, N] any type, src1 ids I32 [T] → F32 [K, T]
    MUL_MAT,      // src0 weights [K, N], src1 F32 [K, T] → F32 [N, T]; i[1] ActivationQuant
    MUL_MAT_ID,   // src0 experts [K, N, E], src1 F32 [K, S|1, T], src2 ids I32 [S, T] → F32 [N, S, T]; i[1] as MUL_MAT
    RMS_NORM,     // src0 F32 [D, ...], src1 weight F32 [D] → x / sqrt(mean(x²) + f[0]) · w, per row
    ROPE,         // src0 F32 [hd, nh, T], src1 positions I32 [T]; i[0] mode, i[1] n_rot; f[0] freq_base
    ATTENTION,    // src0 q [hd, nh, T], src1 k [hd, nkv, T], src2 v [hd, nkv, T]; i[0] layer,
                  // i[1] position of the first token; f[0] scale → F32 [hd·nh, T]. Stores k, v in
                  // the backend's KV cache, then causal softmax attention over positions ≤ each token's.
    SOFTMAX,      // src0 F32 [D, T] → softmax over D
    TOP_K,        // src0 F32 [E, T] → I32 [k = i[0], T], indices of the k largest, descending
    MOE_WEIGHTS,  // src0 probs F32 [E, T], src1 ids I32 [k, T]; i[0] renormalise → F32 [k, T]
    SILU_MUL,     // src0 a, src1 b (same shape) → silu(a) · b   (SwiGLU)
    RELU2_MUL,    // src0 a, src1 b → relu(a)² · b              (BitNet b1.58's squared ReLU)
    ADD,          // src0 + src1 (same shape)
    MOE_SUM,      // src0 F32 [N, k, T], src1 weights F32 [k, T] → Σ_s w[s,t] · x[:, s, t]  [N, T]
    COUNT
};

const char* op_name(Op op);

// How a matrix product converts its F32 input for ternary weights (types whose dot product
// takes Q8_K); ignored for other weight types and in the backend's exact-F32 mode.
enum class ActivationQuant : int32_t {
    PER_BLOCK = 0,  // llama.cpp: int8 with one scale per 256 values (Q8_K)
    PER_ROW = 1,    // BitNet's BitLinear: int8 with one absmax scale per token row (Q8_K_ROW)
};

enum class RopeMode : int32_t {
    NORM = 0,  // pairs (2i, 2i+1): llama
    NEOX = 2,  // pairs (i, i + n_rot/2): qwen3moe, bitnet (ggml's GGML_ROPE_TYPE_NEOX = 2)
};

struct Tensor {
    Op op = Op::LEAF;
    Type type = Type::F32;
    int64_t ne[4] = {1, 1, 1, 1};
    Tensor* src[3] = {nullptr, nullptr, nullptr};
    int32_t i[4] = {0, 0, 0, 0};
    float f[4] = {0, 0, 0, 0};
    const void* data = nullptr;   // LEAF: weights or input bytes
    void* out = nullptr;          // result, set by the backend while computing (host memory on CPU)
    int32_t index = -1;           // position in Graph::nodes(); -1 for leaves
    std::string name;

    int64_t n_elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
    int64_t n_rows() const { return ne[1] * ne[2] * ne[3]; }
    size_t n_bytes() const;       // of the whole tensor, from type and shape
    const void* bytes() const { return op == Op::LEAF ? data : out; }
};

class Graph {
public:
    Tensor* leaf(Type type, std::initializer_list<int64_t> ne, const void* data, std::string name);
    Tensor* node(Op op, Type type, std::initializer_list<int64_t> ne, Tensor* a, Tensor* b = nullptr,
                 Tensor* c = nullptr);

    const std::vector<Tensor*>& nodes() const { return nodes_; }  // non-leaf, in execution order
    Tensor* output = nullptr;                 // logits [n_vocab, n_out]
    // Activation quantization of the MUL_MAT / MUL_MAT_ID nodes layers::linear adds from now on
    // (architectures whose projections are BitLinear set PER_ROW, and reset it for the LM head).
    ActivationQuant linear_activations = ActivationQuant::PER_BLOCK;
    std::vector<Tensor*> routing;             // TOP_K nodes, one per MoE layer (for inspection)
    // Nodes whose results must survive compute() besides `output`, `routing` and the nodes no
    // other node reads (backends reuse the memory of every other intermediate result).
    std::vector<Tensor*> keep;

private:
    std::deque<Tensor> arena_;                // stable addresses
    std::vector<Tensor*> nodes_;
};

}  // namespace tern
