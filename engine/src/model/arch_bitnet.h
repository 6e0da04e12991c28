// The BitNet family's graph with a chosen FFN activation. `bitnet` (llama.cpp's graph for the
// 1bitLLM models) uses SiLU; `bitnet-b1.58` / `bitnet-25` (BitNet b1.58 2B4T) use squared ReLU.
// Tests build the b1.58 model with SiLU to show that the activation is not interchangeable (the
// SiLU ablation of ../shared/fixtures/bitnet-b158).
#pragma once

#include "model/architecture.h"
#include "model/layers.h"

namespace tern {

// projections: how the BitLinear projections quantize their input (PER_ROW for b1.58).
void build_bitnet_graph(Graph& g, const ForwardInput& in, layers::Activation ffn_act,
                        ActivationQuant projections = ActivationQuant::PER_ROW);

}  // namespace tern
