// Looks up tensors and metadata of a GGUF file for an architecture, checking names, shapes and
// types, so a wrong file fails at load time with a message naming the tensor or key.
#pragma once

#include "tern/gguf.h"
#include "tern/model.h"
#include "model/weights.h"

#include <cstdint>
#include <initializer_list>
#include <string>

namespace tern {

class TensorLoader {
public:
    explicit TensorLoader(const GgufFile& f) : f_(f) {}

    // A matrix or expert tensor (any supported weight type) of exactly this shape.
    const GgufTensorInfo* matrix(const std::string& name, std::initializer_list<int64_t> shape, bool required = true);
    // A 1-D F32 vector (norm weights).
    const GgufTensorInfo* vector(const std::string& name, int64_t n, bool required = true);
    const GgufTensorInfo* find(const std::string& name) const { return f_.find_tensor(name); }
    const GgufFile& file() const { return f_; }

private:
    const GgufTensorInfo* get(const std::string& name, std::initializer_list<int64_t> shape, bool required);
    const GgufFile& f_;
};

// Tensor groups shared by the llama family (names and shapes as llama.cpp's LLM_TENSOR_NAMES):
// token_embd, output_norm, output (token_embd when absent: tied embeddings).
void load_embeddings(TensorLoader& l, const HParams& hp, ModelWeights& w);
// attn_norm, attn_q, attn_k, attn_v, attn_output of layer il.
void load_attention(TensorLoader& l, const HParams& hp, int il, LayerWeights& L);
// ffn_norm plus ffn_gate, ffn_up, ffn_down (dense) or the router and *_exps tensors (MoE).
void load_ffn(TensorLoader& l, const HParams& hp, int il, LayerWeights& L);

// "blk.<il>.<name>.weight"
std::string layer_tensor(int il, const char* name);

// Hyperparameters shared by the llama family: embedding/block/head counts, FFN width,
// experts, RMS epsilon, RoPE. Validates ranges; throws tern::Error naming the key.
void read_common_hparams(const GgufFile& f, HParams& hp);

}  // namespace tern
