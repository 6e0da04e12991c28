// Random-weight models for benchmarks and tests (`tern-cli synth`): a `llama` GGUF, dense or
// Mixtral-style MoE, written with llama.cpp's conventions so llama.cpp loads it too.
//
// Keys (llama.cpp src/llama-arch.cpp names): general.architecture = "llama", general.name,
// general.file_type (llama_ftype of `type`), general.quantization_version = 2,
// llama.{context_length, embedding_length, block_count, feed_forward_length,
// attention.head_count, attention.head_count_kv, attention.layer_norm_rms_epsilon,
// rope.freq_base, rope.dimension_count} and, with experts, llama.{expert_count,
// expert_used_count}. feed_forward_length is the FFN width of one expert in a MoE model, as
// llama.cpp reads it for `llama`.
//
// Tokenizer: a synthetic SentencePiece-style vocabulary (tokenizer.ggml.model "llama"):
// 0 <unk> (UNKNOWN), 1 <s> and 2 </s> (CONTROL), 3..258 the byte tokens <0x00>..<0xFF> (BYTE),
// so any text tokenizes by byte fallback, then NORMAL pieces: "▁" (U+2581, SentencePiece's
// space), the 94 printable ASCII characters other than space, "▁a".."▁z", then for L = 2, 3, ...
// every lowercase a–z string of length L followed by the same with a "▁" prefix, until n_vocab
// entries. Scores: 0 for the first 259, −i for the i-th normal piece (earlier merges first).
//
// Tensors (names and ne as llama.cpp's `llama`; ne[0] is the row length):
//   token_embd.weight [n_embd, n_vocab] embd_type      output.weight [n_embd, n_vocab] embd_type
//   output_norm.weight [n_embd] F32
//   blk.N.attn_norm / ffn_norm [n_embd] F32
//   blk.N.attn_q, attn_output [n_embd, n_embd]; attn_k, attn_v [n_embd, n_head_kv·head_dim]: type
//   dense:  blk.N.ffn_gate, ffn_up [n_embd, n_ff]; ffn_down [n_ff, n_embd]: type
//   MoE:    blk.N.ffn_gate_inp [n_embd, n_expert] F32 (router);
//           ffn_gate_exps, ffn_up_exps [n_embd, n_ff, n_expert]; ffn_down_exps [n_ff, n_embd, n_expert]: type
// (the layout of the anchor models in ../shared/fixtures/README.md §4: Q8_0 embeddings and
// head, ternary matrices, F32 norms and router).
//
// Values: norms 1.0. Other float weights ~ N(0, 0.02²) (approximately normal: the Irwin–Hall
// sum of four uniforms, scaled to unit variance), then quantized with the reference quantizers
// (tensor/quants.h). TQ1_0/TQ2_0 matrices are written directly as ternary codes, each of
// −1, 0, +1 with probability 1/3 (up to 2^-16), with every block's scale d = 0.02·√1.5, so the
// weights have standard deviation 0.02 like the float ones.
//
// Deterministic: the same params (seed included) give the same bytes, whatever n_threads.
// Tensor data is generated while the file is written, one tensor at a time (memory: about the
// largest tensor, e.g. 70 MB for a 32000 × 2048 Q8_0 embedding).
#pragma once

#include "tern/types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tern {

struct SynthParams {
    std::string arch = "llama";   // only "llama" is supported
    std::string name;             // general.name; "" → "tern-synth"
    int32_t n_vocab = 32000;      // at least 259 (3 special + 256 byte tokens)
    int32_t n_ctx = 2048;         // llama.context_length
    int32_t n_embd = 2048;
    int32_t n_layer = 16;
    int32_t n_head = 16;
    int32_t n_head_kv = 4;        // divides n_head; head_dim = n_embd / n_head must be even
    int32_t n_ff = 1024;          // dense FFN width, or the width of one expert
    int32_t n_expert = 8;         // 0: dense
    int32_t n_expert_used = 2;    // 1..n_expert with experts, 0 without
    Type type = Type::TQ2_0;      // every matrix but token_embd/output
    Type embd_type = Type::Q8_0;  // token_embd and output
    float rms_eps = 1e-5f;
    float rope_freq_base = 10000.0f;
    uint64_t seed = 1;
    int32_t n_threads = 0;        // threads generating the data; 0: all hardware threads
};

// Types synth can write: F32, F16, BF16, Q8_0, Q4_0, TQ1_0, TQ2_0 (case-insensitive name);
// std::nullopt for any other name.
std::optional<Type> synth_type_from_name(std::string_view name);
// "F32, F16, BF16, Q8_0, Q4_0, TQ1_0, TQ2_0", for messages.
std::string_view synth_type_names();

// Throws tern::Error naming the first invalid parameter (e.g. "n_embd 300 is not a multiple of
// the TQ2_0 block size 256 (row length of blk.N.attn_q)").
void validate_synth_params(const SynthParams& p);

// Elements in all the model's tensors (what Model::n_params() will report).
uint64_t synth_n_params(const SynthParams& p);

// Validates p, then writes the model to `path`. Throws tern::Error ("<path>: ..." for I/O); a
// failed write leaves no file behind.
void write_synthetic_model(const std::string& path, const SynthParams& p);

}  // namespace tern
