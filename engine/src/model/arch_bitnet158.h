// The BitNet b1.58 2B4T graph with a chosen FFN activation. The registered architectures
// (`bitnet-b1.58`, `bitnet-25`) use RELU2; tests build it with SILU to show that the activation
// is not interchangeable (the SiLU ablation of ../shared/fixtures/bitnet-b158).
#pragma once

#include "model/architecture.h"
#include "model/layers.h"

namespace tern {

void build_bitnet158_graph(Graph& g, const ForwardInput& in, layers::Activation ffn_act);

}  // namespace tern
