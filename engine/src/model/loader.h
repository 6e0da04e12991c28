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
    // Converted tensors (see matrix()) are stored in `owner`; convert = false leaves them as
    // they are (LoadOptions::convert_weights); repack_tq1_0: LoadOptions::repack_tq1_0.
    TensorLoader(const GgufFile& f, ModelWeights& owner, bool convert = true, bool repack_tq1_0 = false)
        : f_(f), owner_(owner), convert_(convert), repack_tq1_0_(convert && repack_tq1_0) {}

    // A matrix or expert tensor (any supported weight type) of exactly this shape. An I2_S
    // tensor is returned converted (convert_for_kernels), a TQ1_0 one repacked when asked
    // (repack_tq1_0), the others in place in the mapping.
    const GgufTensorInfo* matrix(const std::string& name, std::initializer_list<int64_t> shape, bool required = true);
    // A 1-D F32 vector (norm weights).
    const GgufTensorInfo* vector(const std::string& name, int64_t n, bool required = true);
    const GgufTensorInfo* find(const std::string& name) const { return f_.find_tensor(name); }
    const GgufFile& file() const { return f_; }

private:
    const GgufTensorInfo* get(const std::string& name, std::initializer_list<int64_t> shape, bool required);
    const GgufFile& f_;
    ModelWeights& owner_;
    bool convert_ = true;
    bool repack_tq1_0_ = false;
};

// The tensor in a layout the CPU kernels read, converted once into owner.converted (a second
// call for the same tensor returns the first conversion): I2_S → TQ2_0_S32 (same ternary
// values, the per-tensor float32 scale kept exactly in every block). The I2_S pages of the
// mapping are released afterwards (they stay readable; the kernel re-reads them from the file
// if touched). Throws tern::Error("<path>: tensor '<name>': ...") when the tensor cannot be
// converted: a row length that is not a multiple of 256, a scale that is not finite.
const GgufTensorInfo* convert_for_kernels(const GgufFile& f, const GgufTensorInfo& t, ModelWeights& owner);
// The checks convert_for_kernels makes before converting (row length, scale), without converting.
void check_convertible(const GgufFile& f, const GgufTensorInfo& t);

// A TQ1_0 tensor repacked once into owner.converted as TQ2_0 (ref::convert_tq1_0_to_tq2_0:
// same values, same scales, bit-identical dot products), its mapping pages released as for
// I2_S. 2.0625 instead of 1.6875 bits per weight in memory.
const GgufTensorInfo* repack_tq1_0(const GgufFile& f, const GgufTensorInfo& t, ModelWeights& owner);

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
