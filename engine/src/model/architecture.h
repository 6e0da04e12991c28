// An architecture = how to read its hyperparameters, which tensors it needs (with shapes), and
// how to build its forward graph from the shared layers (layers.h). One file per family.
#pragma once

#include "graph/graph.h"
#include "model/loader.h"
#include "model/weights.h"
#include "tern/model.h"

#include <string_view>

namespace tern {

// Inputs of one forward pass: a batch of n_tokens consecutive tokens starting at position pos0.
struct ForwardInput {
    const HParams* hp = nullptr;
    const ModelWeights* w = nullptr;
    Tensor* tokens = nullptr;     // I32 [n_tokens]
    Tensor* positions = nullptr;  // I32 [n_tokens]
    int32_t pos0 = 0;
    int32_t n_tokens = 0;
    bool all_logits = false;      // logits for every token, else for the last one only
};

struct Architecture {
    std::string_view name;
    void (*load_hparams)(const GgufFile& f, HParams& hp);
    void (*load_tensors)(TensorLoader& l, const HParams& hp, ModelWeights& w);
    // Appends the forward pass to g; sets g.output to the logits [n_vocab, n_out].
    void (*build_graph)(Graph& g, const ForwardInput& in);
};

// nullptr when the architecture is not supported.
const Architecture* find_architecture(std::string_view name);
// Names of all supported architectures, for error messages and `tern-cli info`.
std::string_view supported_architectures();

}  // namespace tern
