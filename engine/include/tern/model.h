// A loaded model: GGUF mapping, hyperparameters, weights (in place in the mapping, except
// tensors converted at load time: I2_S, see converted_bytes()), tokenizer.
// Architectures supported: `llama` (dense, or Mixtral-style MoE when llama.expert_count > 0;
// also Falcon3 1.58-bit I2_S files), `qwen3moe`, `bitnet` (llama.cpp's 1bitLLM graph),
// `bitnet-b1.58` and `bitnet-25` (BitNet b1.58 2B4T). Each is described in engine/src/model/.
#pragma once

#include "tern/chat.h"
#include "tern/types.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tern {

class GgufFile;
class Tokenizer;
struct ModelWeights;
struct Architecture;

// Gating function of the MoE router, numbered as llama.cpp's llama_expert_gating_func_type.
enum class ExpertGating : int32_t { SOFTMAX = 1, SIGMOID = 2, SOFTMAX_WEIGHT = 3 };

struct HParams {
    std::string arch;             // general.architecture
    int32_t n_vocab = 0;
    int32_t n_ctx_train = 0;      // <arch>.context_length
    int32_t n_embd = 0;
    int32_t n_layer = 0;
    int32_t n_head = 0;
    int32_t n_head_kv = 0;
    int32_t head_dim = 0;         // <arch>.attention.key_length, else n_embd / n_head
    int32_t n_ff = 0;             // dense FFN width
    int32_t n_expert = 0;         // 0 for dense models
    int32_t n_expert_used = 0;
    int32_t n_ff_exp = 0;         // per-expert FFN width
    bool expert_weights_norm = false;  // renormalise the top-k router weights to sum 1
    ExpertGating gating = ExpertGating::SOFTMAX;
    float rms_eps = 1e-5f;
    float rope_freq_base = 10000.0f;
    int32_t n_rot = 0;            // <arch>.rope.dimension_count, else head_dim
    bool rope_neox = false;       // rotate-half pairs (i, i + n_rot/2) instead of (2i, 2i+1)
};

struct LoadOptions {
    bool load_tokenizer = true;
    // Convert tensors the kernels cannot read in place (I2_S) at load time. false: validate
    // everything but keep them as they are — for describing a model (a model list), not for
    // running it.
    bool convert_weights = true;
    // With convert_weights: TQ1_0 matrices are repacked to TQ2_0 at load time (same values and
    // scales, so the same results bit for bit). The CPU reads 2-bit codes faster than TQ1_0's
    // base-3 digits (much faster without AVX-512 VBMI), so decode and prefill get faster,
    // but each weight takes 2.0625 instead of 1.6875 bits (+22 % memory for those tensors;
    // converted_bytes() says how much; the TQ1_0 pages of the mapping are released). Off by
    // default: the file's size is what a person chose to give the model.
    bool repack_tq1_0 = false;
};

class Model {
public:
    // Maps and validates the file: GGUF structure, architecture, every required tensor with
    // its shape and a supported type. Throws tern::Error("<path>: <problem>").
    static std::unique_ptr<Model> load(const std::string& path, const LoadOptions& opts = {});
    ~Model();

    const std::string& path() const;
    const HParams& hparams() const { return hp_; }
    const GgufFile& gguf() const { return *file_; }
    const Tokenizer& tokenizer() const { return *tokenizer_; }
    const ModelWeights& weights() const { return *weights_; }
    const Architecture& architecture() const { return *arch_; }

    uint64_t n_params() const;          // all weight elements
    uint64_t n_params_active() const;   // per token: experts counted n_expert_used times
    uint64_t weight_bytes() const;      // bytes of tensor data in the file
    // Weight bytes one decoded token reads (as the kernels read them, converted tensors in
    // their converted size): every matrix once, expert tensors n_expert_used / n_expert of
    // their size, one row of token_embd (plus the whole table when it is also the LM head),
    // norms. The numerator of the decode memory-bandwidth bound (tokens/s ≤ bandwidth / this).
    uint64_t weight_bytes_per_token() const;
    // Heap bytes of tensors converted at load time into a layout the kernels read (I2_S →
    // TQ2_0_S32: n/4 + n/64 bytes for n elements; TQ1_0 → TQ2_0 when repacked: 66 bytes per 256
    // elements); every other tensor stays in the mapping. 0 when nothing was converted.
    uint64_t converted_bytes() const;
    // The type of most matrix weights ("TQ2_0", "Q8_0", ...), counted in elements, for display.
    std::string main_type() const;
    // How conversations are turned into a prompt: detected from tokenizer.chat_template and the
    // architecture (tern/chat.h); COMPLETION for models without a template.
    ChatFormat chat_format() const;

private:
    Model();
    std::unique_ptr<GgufFile> file_;
    std::unique_ptr<Tokenizer> tokenizer_;
    std::unique_ptr<ModelWeights> weights_;
    const Architecture* arch_ = nullptr;
    HParams hp_;
};

}  // namespace tern
